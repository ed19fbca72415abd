/**
 * The quickstarts of docs/sdks.md (and the Python package's README, which comes from the
 * declarations) cannot go stale: each is checked against what was generated from the schema.
 * Python: compiled, and its classes, keyword arguments and attributes read against the
 * package's source (Python's ast; the `pulumi` package cannot be installed here). Go: `go vet`
 * against sdk/go/codeocean. TypeScript: `tsc` against the built Node.js SDK. YAML: its types
 * and property names against the schema. Also: docs/reference.md's Python and Go names are the
 * SDKs' own.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildNodeSdk, python3 } from "../../scripts/lib/sdkBuild";
import { goFunctionName, goName, pythonName, tokenName } from "../../scripts/lib/sdkReference";
import {
  checkPythonUses,
  goDir,
  PythonPackage,
  readPythonPackage,
  REPO_ROOT,
  run,
} from "./helpers";

const read = (f: string) => fs.readFileSync(path.join(REPO_ROOT, f), "utf8");
const schema = JSON.parse(read("provider/schema.json"));
const DOC = "docs/sdks.md";

/** The fenced code blocks of a Markdown text (top level only), by language. */
function codeBlocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)]
    .filter((m) => m[1] === lang)
    .map((m) => m[2]);
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "codeocean-sdk-docs-"));
});
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the Python quickstarts", () => {
  const python = python3();
  let pkg: PythonPackage;
  beforeAll(async () => {
    pkg = await readPythonPackage(python, path.join(REPO_ROOT, "sdk", "python", "pulumi_codeocean"));
  });

  const sources: [string, string[]][] = [
    [DOC, codeBlocks(read(DOC), "python")],
    ["the Python package's README", codeBlocks(schema.language.python.readme, "python")],
  ];
  it.each(sources)("%s: compile, and use only what pulumi_codeocean has", async (_, blocks) => {
    expect(blocks).toHaveLength(1);
    const file = path.join(work, `quickstart-${Math.random().toString(36).slice(2)}.py`);
    fs.writeFileSync(file, blocks[0]);
    const compiled = await run(python, ["-m", "py_compile", file], {
      env: { ...process.env, PYTHONPYCACHEPREFIX: path.join(work, "pycache") },
    });
    expect(compiled.stderr).toBe("");
    const { problems, uses } = await checkPythonUses(python, file, "pulumi_codeocean", pkg);
    expect(problems).toEqual([]);
    expect(uses.calls.map((c) => c.callee)).toEqual(
      expect.arrayContaining(["DataAsset", "CapsuleAttachment", "AwsSourceArgs"]),
    );
  });
});

describe("the Go quickstart", () => {
  const go = goDir();
  const maybe = go || process.env.CI ? it : it.skip;
  maybe(
    "go vet passes against sdk/go/codeocean",
    async () => {
      if (!go) throw new Error("Go is needed to check the Go quickstart");
      const blocks = codeBlocks(read(DOC), "go");
      expect(blocks).toHaveLength(1);
      // A module of its own next to test/sdk/go-program's requirements, the SDK replaced by
      // this checkout's.
      const dir = path.join(work, "go-quickstart");
      fs.mkdirSync(dir);
      const programDir = path.join(REPO_ROOT, "test", "sdk", "go-program");
      fs.writeFileSync(
        path.join(dir, "go.mod"),
        fs
          .readFileSync(path.join(programDir, "go.mod"), "utf8")
          .replace(/^module .*/m, "module example.com/quickstart")
          .replace(/=> \.\.\/\.\.\/\.\.\/sdk\/go\/codeocean/, `=> ${REPO_ROOT}/sdk/go/codeocean`),
      );
      fs.copyFileSync(path.join(programDir, "go.sum"), path.join(dir, "go.sum"));
      fs.writeFileSync(path.join(dir, "main.go"), blocks[0]);
      const vetted = await run(path.join(go, "go"), ["vet", "./..."], {
        cwd: dir,
        env: { ...process.env, GOFLAGS: "-mod=mod" },
        timeoutMs: 20 * 60_000,
      });
      expect(vetted.stderr).toBe("");
      expect(vetted.code).toBe(0);
    },
    20 * 60_000,
  );
});

describe("the TypeScript quickstart", () => {
  it("tsc passes against the built Node.js SDK", async () => {
    const blocks = codeBlocks(read(DOC), "typescript");
    expect(blocks).toHaveLength(1);
    const bin = buildNodeSdk(path.join(work, "nodejs"));
    const dir = path.join(work, "ts-quickstart");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "index.ts"), blocks[0]);
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          types: [],
          baseUrl: ".",
          paths: { [schema.language.nodejs.packageName]: [bin] },
        },
        files: ["index.ts"],
      }),
    );
    const tsc = await run(
      process.execPath,
      [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir],
      { cwd: dir },
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  }, 120_000);
});

describe("the YAML quickstart", () => {
  interface Tree {
    [key: string]: Tree | string;
  }
  /** A block mapping as a tree (enough for the quickstart: keys, scalars, flow lists). */
  function parseYaml(text: string): Tree {
    const root: Tree = {};
    const stack: { indent: number; node: Tree }[] = [{ indent: -1, node: root }];
    for (const line of text.split("\n")) {
      const m = line.match(/^(\s*)([\w-]+):\s*(.*)$/);
      if (!m) continue;
      const indent = m[1].length;
      while (stack[stack.length - 1].indent >= indent) stack.pop();
      const parent = stack[stack.length - 1].node;
      if (m[3] === "") {
        const child: Tree = {};
        parent[m[2]] = child;
        stack.push({ indent, node: child });
      } else parent[m[2]] = m[3];
    }
    return root;
  }
  interface Spec {
    properties?: Record<string, { $ref?: string }>;
    inputProperties?: Record<string, { $ref?: string }>;
  }
  /** Every key of `tree` a property of `spec`, recursively into object types. */
  function unknownKeys(tree: Tree, props: Record<string, { $ref?: string }>, at: string): string[] {
    return Object.entries(tree).flatMap(([k, v]) => {
      const p = props[k];
      if (!p) return [`${at}.${k}`];
      if (typeof v === "string" || !p.$ref) return [];
      const type: Spec = schema.types[p.$ref.replace("#/types/", "")];
      return unknownKeys(v, type.properties ?? {}, `${at}.${k}`);
    });
  }

  it.each([DOC, "README.md"])("in %s: its types and property names are the schema's", (file) => {
    const blocks = codeBlocks(read(file), "yaml").filter((b) => /^resources:/m.test(b));
    expect(blocks).toHaveLength(1);
    const program = parseYaml(blocks[0]);
    const resources = program.resources as Record<string, Tree>;
    expect(Object.keys(resources).length).toBeGreaterThanOrEqual(2);
    for (const [name, r] of Object.entries(resources)) {
      const spec: Spec | undefined = schema.resources[r.type as unknown as string];
      expect({ name, type: r.type, known: !!spec }).toEqual({ name, type: r.type, known: true });
      expect(unknownKeys(r.properties as Tree, spec!.inputProperties ?? {}, name)).toEqual([]);
    }
    // ${reads.state}: outputs of the resource.
    for (const [, ref, prop] of blocks[0].matchAll(/\$\{(\w+)\.(\w+)\}/g)) {
      // A resource's outputs, or a variable's: the result of the function it invokes.
      const invoked = new RegExp(`^  ${ref}:\\n\\s+fn::invoke:\\n\\s+function: (\\S+)`, "m").exec(
        blocks[0],
      )?.[1];
      const known = resources[ref]
        ? ["id", ...Object.keys(schema.resources[(resources[ref] as Tree).type as string].properties)]
        : Object.keys(schema.functions[invoked ?? ""]?.outputs?.properties ?? {});
      expect([ref, prop, known.includes(prop)]).toEqual([ref, prop, true]);
    }
  });
});

describe("docs/reference.md", () => {
  it("gives each property, type and function the names the Python and Go SDKs use", async () => {
    const pkg = await readPythonPackage(
      python3(),
      path.join(REPO_ROOT, "sdk", "python", "pulumi_codeocean"),
    );
    const goSources = fs
      .readdirSync(path.join(REPO_ROOT, "sdk", "go", "codeocean"))
      .filter((f) => f.endsWith(".go"))
      .map((f) => read(`sdk/go/codeocean/${f}`))
      .join("\n");
    const missing: string[] = [];
    const check = (cls: string, goStruct: string, props: Record<string, unknown>) => {
      for (const name of Object.keys(props)) {
        if (!pkg.classes[cls]?.properties[name] || pkg.classes[cls].properties[name].python !== pythonName(name))
          missing.push(`python ${cls}.${pythonName(name)}`);
        if (!new RegExp(`^\\s+${goName(name)} `, "m").test(goSources.split(`type ${goStruct} struct {`)[1]?.split("\n}")[0] ?? ""))
          missing.push(`go ${goStruct}.${goName(name)}`);
      }
    };
    for (const [token, r] of Object.entries(
      schema.resources as Record<string, { inputProperties: Record<string, unknown> }>,
    ))
      check(`${tokenName(token)}Args`, `${tokenName(token)}Args`, r.inputProperties);
    for (const [token, t] of Object.entries(
      schema.types as Record<string, { properties: Record<string, unknown> }>,
    ))
      check(tokenName(token), tokenName(token), t.properties);
    for (const token of Object.keys(schema.functions)) {
      if (!pkg.functions[pythonName(tokenName(token))])
        missing.push(`python ${pythonName(tokenName(token))}`);
      if (!goSources.includes(`func ${goFunctionName(tokenName(token))}(`))
        missing.push(`go ${goFunctionName(tokenName(token))}`);
    }
    expect(missing).toEqual([]);
  });
});
