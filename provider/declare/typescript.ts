/**
 * The TypeScript declarations users see, written from the declarations: for each object type
 * an input interface (`<Name>Args`, every value a `pulumi.Input`) and an output interface
 * (`<Name>`, defaults filled, secrets left out), for each resource its `<Resource>Args` and
 * `<Resource>Outputs`, and for each function its plain arguments and result — every property
 * with its description as JSDoc. Generated into a checked-in file (see scripts/generate.ts);
 * a test keeps it current.
 */
import type { AnyField, InputField, OutputField } from "./fields";
import { Node, ObjectNode, objectsIn, Property } from "./types";

/** How a resource is declared for the generators: its field table and its description. */
export interface ResourceDeclaration {
  description: string;
  fields: Record<string, AnyField>;
}

export interface FunctionDeclaration {
  description: string;
  inputs: ObjectNode;
  outputs: ObjectNode;
}

export interface PackageDeclaration {
  resources: Record<string, ResourceDeclaration>;
  functions: Record<string, FunctionDeclaration>;
  /** The provider's settings (an explicit provider's inputs). */
  settings: Record<string, { property: Property }>;
}

type Mode = "input" | "output" | "plain";

function typeOf(node: Node, mode: Mode): string {
  const input = (t: string) => (mode === "input" ? `pulumi.Input<${t}>` : t);
  switch (node.kind) {
    case "string":
      return node.values ? node.values.map((v) => JSON.stringify(v)).join(" | ") : "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "any":
      return node.ts;
    case "array": {
      const item = typeOf(node.items, mode);
      const inner = mode === "input" ? input(item) : item;
      return `${/[|&]/.test(inner) && mode !== "input" ? `(${inner})` : inner}[]`;
    }
    case "map": {
      const value = typeOf(node.values, mode);
      return `Record<string, ${mode === "input" ? input(value) : value}>`;
    }
    case "object":
      return mode === "input" ? `${node.name}Args` : node.name;
  }
}

function doc(text: string, indent: string): string[] {
  const lines = wrap(text, 96 - indent.length);
  return lines.length === 1
    ? [`${indent}/** ${lines[0]} */`]
    : [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

function wrap(text: string, width: number): string[] {
  const words = text.replace(/\*\//g, "*\\/").split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

const describe = (p: Property, mode: Mode) =>
  p.default !== undefined && mode !== "output" && !/Default[: ]/.test(p.description)
    ? `${p.description} Default \`${JSON.stringify(p.default)}\`.`
    : p.description;

function member(name: string, p: Property, mode: Mode): string[] {
  const optional = mode === "input" ? !p.required : !p.required && p.default === undefined;
  const value = typeOf(p.node, mode);
  return [
    ...doc(describe(p, mode), "  "),
    `  ${name}${optional ? "?" : ""}: ${mode === "input" ? `pulumi.Input<${value}>` : value};`,
  ];
}

function objectInterface(node: ObjectNode, mode: Mode): string[] {
  const name = mode === "input" ? `${node.name}Args` : node.name;
  const entries = Object.entries(node.properties).filter(
    ([, p]) => !(mode === "output" && p.secret),
  );
  return [
    ...doc(node.description, ""),
    `export interface ${name} {`,
    ...entries.flatMap(([k, p]) => member(k, p, mode)),
    "}",
  ];
}

/** The generated module's text. */
export function typescriptDeclarations(pkg: PackageDeclaration, header: string): string {
  const out: string[] = [
    ...header.split("\n").map((l) => `// ${l}`.trimEnd()),
    'import type * as pulumi from "@pulumi/pulumi";',
    "",
  ];
  const inputObjects = new Map<string, ObjectNode>();
  const outputObjects = new Map<string, ObjectNode>();
  const plainObjects = new Map<string, ObjectNode>();
  for (const r of Object.values(pkg.resources)) {
    for (const f of Object.values(r.fields)) {
      if (f.kind === "input" && f.property) {
        for (const o of objectsIn(f.property.node)) {
          inputObjects.set(o.name, o);
          outputObjects.set(o.name, o);
        }
      } else if (f.kind === "output") {
        for (const o of objectsIn(f.node)) outputObjects.set(o.name, o);
      }
    }
  }
  for (const fn of Object.values(pkg.functions)) {
    for (const o of objectsIn(fn.inputs).slice(1)) plainObjects.set(o.name, o);
    for (const o of objectsIn(fn.outputs)) outputObjects.set(o.name, o);
  }
  const emit = (lines: string[]) => out.push(...lines, "");
  for (const o of inputObjects.values()) emit(objectInterface(o, "input"));
  for (const o of outputObjects.values()) emit(objectInterface(o, "output"));
  for (const o of plainObjects.values()) {
    if (!inputObjects.has(o.name) && !outputObjects.has(o.name)) emit(objectInterface(o, "plain"));
  }
  for (const [name, r] of Object.entries(pkg.resources)) {
    const fields = Object.entries(r.fields);
    emit([
      ...doc(`The inputs of ${name}. ${r.description}`, ""),
      `export interface ${name}Args {`,
      ...fields.flatMap(([k, f]) =>
        f.kind === "input" && f.property ? member(k, f.property, "input") : [],
      ),
      "}",
    ]);
    emit([
      ...doc(
        `What ${name} outputs: every input as stored (defaults filled) and what Code Ocean reports.`,
        "",
      ),
      `export interface ${name}Outputs {`,
      ...fields.flatMap(([k, f]) => outputMember(k, f)),
      "}",
    ]);
  }
  // Function arguments are plain values (the program awaits them): no Inputs, no defaults.
  for (const fn of Object.values(pkg.functions)) emit(objectInterface(fn.inputs, "plain"));
  // An explicit provider's settings (pulumi:providers:codeocean), each defaulting to its
  // stack config key and then its environment variable.
  emit([
    ...doc(
      "The settings of an explicit provider (`new Provider(...)`). Each one left out falls back to the stack config (`codeocean:<name>`), then to its environment variable.",
      "",
    ),
    "export interface ProviderArgs {",
    ...Object.entries(pkg.settings).flatMap(([k, s]) =>
      member(k, { ...s.property, required: false }, "input"),
    ),
    "}",
  ]);
  return out.join("\n").replace(/\n+$/, "\n");
}

/** A resource's output: an input as stored, or an output-only field; never undefined. */
function outputMember(
  name: string,
  f: InputField<unknown> | OutputField<unknown> | AnyField,
): string[] {
  if (f.kind === "output") {
    return [...doc(f.description, "  "), `  ${name}: ${typeOf(f.node, "output")};`];
  }
  if (!f.property) return [];
  const p = f.property;
  // An optional input without a default is stored as null (or "" for ids), never undefined.
  const absent = !p.required && p.default === undefined;
  const value = typeOf(p.node, "output");
  const type = absent ? (p.node.kind === "string" ? value : `${value} | null`) : value;
  return [...doc(f.outputDescription ?? p.description, "  "), `  ${name}: ${type};`];
}
