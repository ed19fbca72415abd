"""Reads Python source without running it (the `pulumi` package cannot be installed here), for
test/sdk: prints JSON on stdout.

  python3 python_ast.py package <package dir>
      every class of the package's modules (not config/ nor _utilities): its docstrings, the parameters of
      its __init__ (all overloads), its properties (schema name, Python name, docstring); and
      every top-level function with its parameters; and relative imports that name no module.
  python3 python_ast.py calls <file.py> <module>
      how the code uses `import <module> as <alias>`: every call `<alias>.X(...)` with its
      keyword names and the variable it is assigned to, and every attribute read on those
      variables.
"""
import ast
import json
import os
import sys


def getter_name(fn):
    """The schema name of a property: @pulumi.getter(name="camel") or the def's name."""
    for d in fn.decorator_list:
        if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "getter":
            for kw in d.keywords:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                    return kw.value.value
            return fn.name
        if isinstance(d, ast.Attribute) and d.attr == "getter":
            return fn.name
    return None


def params(fn):
    a = fn.args
    return [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]


def package(root):
    classes, functions, unresolved = {}, {}, []
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith(".py"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            tree = ast.parse(open(path, encoding="utf-8").read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level == 1:
                    base = os.path.dirname(path)
                    names = [node.module] if node.module else [a.name for a in node.names]
                    for n in names:
                        target = os.path.join(base, *n.split("."))
                        if not (os.path.exists(target + ".py") or os.path.isdir(target)):
                            unresolved.append(f"{rel}: from .{node.module or ''} import {n}")
            if os.path.dirname(rel) or rel == "_utilities.py":
                continue  # config/ is reached as pulumi_codeocean.config; _utilities is internal
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                    functions[node.name] = {"module": rel, "params": params(node), "doc": ast.get_docstring(node) or ""}
                if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                    continue
                cls = {"module": rel, "doc": ast.get_docstring(node) or "", "init": [], "initDocs": [], "properties": {}}
                for item in node.body:
                    if not isinstance(item, ast.FunctionDef):
                        continue
                    if item.name == "__init__":
                        cls["init"] += [p for p in params(item) if p not in cls["init"]]
                        cls["initDocs"].append(ast.get_docstring(item) or "")
                    schema_name = getter_name(item)
                    if schema_name is not None:
                        cls["properties"][schema_name] = {"python": item.name, "doc": ast.get_docstring(item) or ""}
                classes[node.name] = cls
    return {"classes": classes, "functions": functions, "unresolved": unresolved}


def calls(path, module):
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == module:
                    aliases.add(a.asname or a.name)
    out, variables, reads = [], {}, []

    def callee(call):
        f = call.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in aliases:
            return f.attr
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and callee(node.value):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    variables[t.id] = callee(node.value)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and callee(node):
            out.append({"callee": callee(node), "line": node.lineno, "keywords": [k.arg for k in node.keywords if k.arg]})
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in variables:
            reads.append({"variable": node.value.id, "class": variables[node.value.id], "attribute": node.attr, "line": node.lineno})
    return {"aliases": sorted(aliases), "calls": out, "reads": reads}


if __name__ == "__main__":
    mode = sys.argv[1]
    result = package(sys.argv[2]) if mode == "package" else calls(sys.argv[2], sys.argv[3])
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
