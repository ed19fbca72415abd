// The provider's house rules: every source file stays short enough to read whole, and the
// modules import each other in one direction only. What it reads is the text of the files:
// the relative specifiers of `import … from`, `export … from`, `import "…"` and `require("…")`.
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");
const providerDir = path.join(root, "provider");

/** The longest a hand-written provider file may be, in lines. */
const MAX_LINES = 350;

/** Every provider/**\/*.ts file, as a path from the repository root. */
function sourceFiles(dir = providerDir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return entry.isFile() && entry.name.endsWith(".ts") ? [full] : [];
    })
    .map((full) => path.relative(root, full).split(path.sep).join("/"))
    .sort();
}

const isGenerated = (file: string) => file.endsWith(".generated.ts");

/** Lines as `wc -l` counts them. */
function lineCount(text: string): number {
  const newlines = text.split("\n").length - 1;
  return text.length > 0 && !text.endsWith("\n") ? newlines + 1 : newlines;
}

const STATIC = /^[ \t]*(?:import|export)[\w\s{},*$]*?\bfrom\s*["'](\.{1,2}\/[^"']*)["']/gm;
const BARE = /^[ \t]*import\s*["'](\.{1,2}\/[^"']*)["']/gm;
const REQUIRE = /\brequire\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g;

/** The relative specifiers a file's code names (comment lines left out). */
function relativeSpecifiers(text: string): string[] {
  const code = text
    .split("\n")
    .filter((line) => !/^\s*(?:\/\/|\/\*|\*)/.test(line))
    .join("\n");
  return [STATIC, BARE, REQUIRE].flatMap((re) => [...code.matchAll(re)].map((m) => m[1]));
}

/** The file a specifier names, or undefined when there is none. */
function resolve(from: string, specifier: string): string | undefined {
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find(
    (c) => fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile(),
  );
}

/** The first cycle of `graph` found by a depth-first search, as a path that ends where it starts. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string): string[] | undefined => {
    if (onStack.has(node)) return [...stack.slice(stack.indexOf(node)), node];
    if (done.has(node)) return undefined;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    onStack.delete(node);
    done.add(node);
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("the provider's house", () => {
  const files = sourceFiles();
  const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(root, f), "utf8")]));

  it("finds the provider's sources", () => {
    expect(files).toContain("provider/index.ts");
    expect(files.length).toBeGreaterThan(50);
  });

  it(`has no hand-written file over ${MAX_LINES} lines`, () => {
    const tooLong = files
      .filter((f) => !isGenerated(f))
      .map((f) => ({ file: f, lines: lineCount(texts.get(f)!) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(tooLong).toEqual([]);
  });

  describe("imports", () => {
    const unresolved: string[] = [];
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const targets: string[] = [];
      for (const specifier of relativeSpecifiers(texts.get(file)!)) {
        const target = resolve(file, specifier);
        if (!target) unresolved.push(`${file}: "${specifier}"`);
        // Only the provider's TypeScript modules are nodes (package.json and the like are not).
        else if (texts.has(target)) targets.push(target);
      }
      graph.set(file, [...new Set(targets)]);
    }

    it("are all read: every relative specifier names a file", () => {
      expect(unresolved).toEqual([]);
      const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
      expect(edges).toBeGreaterThan(files.length);
    });

    it("run in one direction: no module reaches itself through its imports", () => {
      const cycle = findCycle(graph);
      expect(cycle === undefined ? "no cycle" : `cycle: ${cycle.join(" -> ")}`).toBe("no cycle");
    });
  });

  describe("the checks themselves", () => {
    it("read every form of relative import, and skip comments", () => {
      const text = [
        'import { a } from "./a";',
        "import type {",
        "  B,",
        '} from "../b";',
        'import * as c from "./c";',
        'export { d } from "./d";',
        'import "./e";',
        'const f = require("./f");',
        'import { z } from "zod";',
        ' * import { g } from "./g";',
        '// const h = require("./h");',
      ].join("\n");
      expect(relativeSpecifiers(text)).toEqual(["./a", "../b", "./c", "./d", "./e", "./f"]);
    });

    it("find a cycle and name its path", () => {
      const graph = new Map([
        ["a", ["b"]],
        ["b", ["c", "d"]],
        ["c", []],
        ["d", ["b"]],
      ]);
      expect(findCycle(graph)).toEqual(["b", "d", "b"]);
      expect(
        findCycle(
          new Map([
            ["a", ["b"]],
            ["b", []],
          ]),
        ),
      ).toBeUndefined();
    });

    it("count lines as wc -l does", () => {
      expect(lineCount("a\nb\n")).toBe(2);
      expect(lineCount("a\nb")).toBe(2);
      expect(lineCount("")).toBe(0);
    });
  });
});
