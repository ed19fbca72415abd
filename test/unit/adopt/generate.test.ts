/**
 * The module codeocean-adopt writes, without servers: names (slugs, collisions, order),
 * literals that round-trip whatever the text holds, archived and sharing, the header, and
 * output that Prettier leaves as it is and the compiler accepts.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import * as vm from "vm";
import { withoutOwner } from "../../../provider/adopt/collect";
import { quote } from "../../../provider/adopt/format";
import { AdoptedAsset, generateModule, namedAssets } from "../../../provider/adopt/generate";
import { resourceNames, slugify } from "../../../provider/adopt/names";

const REPO = path.join(__dirname, "..", "..", "..");
const OPTIONS = { argv: ["--tag", "rna"], version: "9.9.9" };

let seq = 0;
function asset(over: Partial<AdoptedAsset> = {}): AdoptedAsset {
  seq++;
  return {
    id: `${String(seq).padStart(8, "0")}-aaaa-4bbb-8ccc-${String(seq).padStart(12, "0")}`,
    name: `Asset ${seq}`,
    mount: `m${seq}`,
    description: "",
    tags: [],
    customMetadata: {},
    archived: false,
    state: "ready",
    type: "dataset",
    sourceBucket: { origin: "aws", bucket: "acme", prefix: "p/", external: false },
    computation: "",
    containedDataAssetIds: [],
    permissions: { users: [], groups: [], everyone: "none" },
    ...over,
  };
}

/** Runs the generated module with a stand-in DataAsset; returns what each was declared with. */
function evaluate(text: string, opts?: unknown): Record<string, { args: unknown; opts: unknown }> {
  const js = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  class DataAsset {
    constructor(
      readonly name: string,
      readonly args: unknown,
      readonly opts: unknown,
    ) {}
  }
  const exports: Record<string, unknown> = {};
  const require = (m: string) => {
    if (m === "pulumi-codeocean") return { DataAsset };
    throw new Error(`unexpected require ${m}`);
  };
  vm.runInNewContext(js, { exports, require, module: { exports } });
  const declare = exports.adoptedDataAssets as (o?: unknown) => Record<string, DataAsset>;
  const out: Record<string, { args: unknown; opts: unknown }> = {};
  for (const [k, v] of Object.entries(declare(opts))) {
    expect(v.name).toBe(k);
    out[k] = { args: JSON.parse(JSON.stringify(v.args)), opts: v.opts };
  }
  return out;
}

const TRICKY = [
  'say "hi"',
  "it's",
  `both ' and "" quotes`,
  "back\\slash \\n not a newline",
  "new\nline\ttab\r\u0000nul",
  "Ünïcödé — 数据 🎉 👩‍🔬",
  "bidi \u202e override \u200b zero width \u2028 separator",
  "*/ closes a comment",
  "${template} `backtick`",
  "lone \ud800 surrogate",
];

describe("resource names", () => {
  it("slugifies to lowercase letters, digits and -", () => {
    expect(slugify("RNA-Seq reads (2025)")).toBe("rna-seq-reads-2025");
    expect(slugify("  Ünïcödé  Café ")).toBe("unicode-cafe");
    expect(slugify("数据 🎉")).toBe("asset");
    expect(slugify('a "quoted" \\ name')).toBe("a-quoted-name");
    expect(slugify("x".repeat(100))).toHaveLength(60);
    expect(slugify(`${"a".repeat(59)} b`)).toBe("a".repeat(59));
  });

  it("tells colliding names apart by id, for every member, whatever the order", () => {
    const a = asset({ id: "1f2e3d4c-0000", name: "Reads" });
    const b = asset({ id: "9a8b7c6d-0000", name: "reads!" });
    const c = asset({ id: "55555555-0000", name: "Other" });
    const expected = new Map([
      ["1f2e3d4c-0000", "reads-1f2e3d4c"],
      ["55555555-0000", "other"],
      ["9a8b7c6d-0000", "reads-9a8b7c6d"],
    ]);
    expect(resourceNames([a, b, c])).toEqual(expected);
    expect(resourceNames([c, b, a])).toEqual(expected);
  });

  it("falls back to the whole id when the 8-character prefixes or another name collide", () => {
    const names = resourceNames([
      { id: "abcdefgh-1", name: "Reads" },
      { id: "abcdefgh-2", name: "Reads" },
      { id: "zzzzzzzz-3", name: "Reads abcdefgh" },
    ]);
    expect(new Set(names.values()).size).toBe(3);
    expect(names.get("abcdefgh-1")).toBe("reads-abcdefgh-1");
    expect(names.get("abcdefgh-2")).toBe("reads-abcdefgh-2");
    // Its own name met theirs: it moves on too.
    expect(names.get("zzzzzzzz-3")).toBe("reads-abcdefgh-zzzzzzzz");
  });

  it("sorts by resource name, then id, and drops a duplicate id", () => {
    const x = asset({ name: "b" });
    const y = asset({ name: "a" });
    const named = namedAssets([x, y, x]);
    expect(named.map((n) => n.name)).toEqual(["a", "b"]);
  });
});

describe("generated module", () => {
  it("is deterministic: the same bytes whatever the search order", () => {
    const assets = Array.from({ length: 30 }, (_, i) => asset({ name: `N ${i % 7}` }));
    const once = generateModule(assets, OPTIONS);
    expect(generateModule([...assets].reverse(), OPTIONS)).toBe(once);
    expect(
      generateModule(
        [...assets].sort(() => 0.5 - Math.random()),
        OPTIONS,
      ),
    ).toBe(once);
  });

  it("round-trips quotes, backslashes, newlines and unicode in names, metadata keys and values", () => {
    const assets = TRICKY.map((text, i) =>
      asset({
        name: text,
        description: text,
        tags: [text, `t${i}`],
        customMetadata: { [text]: text, [`n${i}`]: i + 0.5, "subject id": -i },
      }),
    );
    const out = evaluate(generateModule(assets, OPTIONS));
    const byId = new Map(
      Object.values(out).map((v) => [(v.args as { adoptExistingId: string }).adoptExistingId, v]),
    );
    for (const a of assets) {
      expect(byId.get(a.id)?.args).toEqual({
        adoptExistingId: a.id,
        name: a.name,
        mount: a.mount,
        description: a.description,
        tags: a.tags,
        customMetadata: JSON.parse(JSON.stringify(a.customMetadata)),
        permissions: { everyone: "none" },
      });
    }
  });

  it("writes each string literal so that it evaluates to the text, and hides nothing", () => {
    for (const text of TRICKY) {
      const literal = quote(text);
      expect(new Function(`return ${literal};`)()).toBe(text);
      expect(literal).not.toMatch(/[\p{Cc}\u200b\u202e\u2028]/u);
    }
    expect(quote('say "hi"')).toBe(`'say "hi"'`);
    expect(quote("it's")).toBe(`"it's"`);
  });

  it("declares archived assets, sharing without defaults, and no waiting on assets not ready", () => {
    const shared = asset({
      name: "shared",
      archived: true,
      permissions: {
        users: [{ email: "ada@acme.org", role: "viewer" }],
        groups: [{ group: "neuro", role: "discoverable" }],
        everyone: "viewer",
      },
    });
    const draft = asset({ name: "draft", state: "draft", permissions: null });
    const plain = asset({ name: "plain" });
    const out = evaluate(generateModule([shared, draft, plain], OPTIONS));
    expect(out.shared.args).toMatchObject({
      archived: true,
      permissions: {
        users: [{ email: "ada@acme.org", role: "viewer" }],
        groups: [{ group: "neuro", role: "discoverable" }],
        everyone: "viewer",
      },
    });
    expect(out.draft.args).toEqual({
      adoptExistingId: draft.id,
      name: "draft",
      mount: draft.mount,
      waitForReady: false,
    });
    expect(out.plain.args).toEqual({
      adoptExistingId: plain.id,
      name: "plain",
      mount: plain.mount,
      permissions: { everyone: "none" },
    });
    expect(Object.keys(out.plain.args as object)).not.toContain("source");
  });

  it("passes options to every resource, or asks a function per name and id", () => {
    const a = asset({ name: "one" });
    const text = generateModule([a], OPTIONS);
    expect(evaluate(text, { protect: true }).one.opts).toEqual({ protect: true });
    const hook = (name: string, id: string) => ({ name, id });
    expect(evaluate(text, hook).one.opts).toEqual({ name: "one", id: a.id });
  });

  it("has a header saying what it is, how it was made and what it could not know", () => {
    const text = generateModule([asset(), asset({ archived: true })], {
      argv: ["--query", `name:"r*/eads" it's`, "--tag", "rna", "--include-archived"],
      version: "9.9.9",
    });
    const header = text.slice(0, text.indexOf("*/") + 2);
    expect(header).toContain("2 data assets (1 live, 1 archived)");
    expect(header).toContain("Generated by pulumi-codeocean 9.9.9:");
    expect(header).toContain(
      ` *   codeocean-adopt --query 'name:"r*\\/eads" it'\\''s' --tag rna --include-archived\n`,
    );
    expect(header).toMatch(/attachments: Code Ocean has no API that lists them/);
    expect(header).toMatch(/`source`: left out, since adopted assets need none/);
    expect(header).toMatch(/combined/);
    expect(header).toMatch(/onDelete defaults to "archive"/);
    expect(header).not.toMatch(/token|https?:/i);
  });

  it("writes onDelete on every asset when --on-delete chose it, and says so in the header", () => {
    const text = generateModule([asset({ name: "one" }), asset({ name: "two" })], {
      ...OPTIONS,
      argv: ["--on-delete", "retain"],
      onDelete: "retain",
    });
    const args = evaluate(text, {}) as Record<string, { args: { onDelete?: string } }>;
    expect(args.one.args.onDelete).toBe("retain");
    expect(args.two.args.onDelete).toBe("retain");
    expect(text).toMatch(
      /onDelete is "retain" on every asset \(--on-delete\), so\n \* {3}`pulumi destroy` leaves these assets as they are/,
    );
    expect(generateModule([asset({ name: "one" })], OPTIONS)).not.toMatch(/\n +onDelete: "/);
  });

  it("is Prettier-formatted (defaults)", () => {
    const assets = [
      ...TRICKY.map((name) => asset({ name, customMetadata: { [name]: 1 } })),
      asset({ name: "long", description: "d".repeat(100), mount: "m".repeat(74) }),
      asset({ name: "many tags", tags: Array.from({ length: 12 }, (_, i) => `tag-${i}`) }),
      asset({
        name: "wide tags",
        tags: ["数据数据数据数据数据数据数据数据", "数据数据数据数据数据数据"],
      }),
      asset({
        name: "shared",
        permissions: {
          users: [
            { email: "ada@acme.org", role: "viewer" },
            { email: "b".repeat(60) + "@acme.org", role: "editor" },
          ],
          groups: [{ group: "neuro", role: "viewer" }],
          everyone: "discoverable",
        },
      }),
      asset({ name: "keys", customMetadata: { café: "x", "123": 1, class: 2, "a-b": 1e21 } }),
      asset({ type: "combined", containedDataAssetIds: ["x", "y"], sourceBucket: null }),
      asset({ type: "result", computation: "run-1", state: "failed", permissions: null }),
    ];
    const text = generateModule(assets, OPTIONS);
    // Prettier 3 loads its plugins with import(), which Jest's module system refuses: run the CLI.
    const prettier = path.join(path.dirname(require.resolve("prettier")), "bin", "prettier.cjs");
    const formatted = execFileSync(
      process.execPath,
      [prettier, "--no-config", "--stdin-filepath", "adopted.ts"],
      { input: text, encoding: "utf8", cwd: os.tmpdir() },
    );
    expect(formatted).toBe(text);
  });

  it("type-checks against the package's declarations", () => {
    const dist = path.join(REPO, "dist", "provider", "index.d.ts");
    if (!fs.existsSync(dist)) throw new Error("run `npm run build` first");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codeocean-adopt-types-"));
    try {
      fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
      const file = path.join(dir, "adopted.ts");
      const assets = [
        ...TRICKY.map((name) => asset({ name, customMetadata: { [name]: name } })),
        asset({ archived: true, state: "draft", permissions: null }),
        asset({
          permissions: {
            users: [{ email: "ada@acme.org", role: "owner" }],
            groups: [{ group: "g", role: "discoverable" }],
            everyone: "viewer",
          },
        }),
      ];
      fs.writeFileSync(file, generateModule(assets, OPTIONS));
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        skipLibCheck: true,
        types: [],
      });
      const errors = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(errors).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("sharing as declared", () => {
  const listed = {
    users: [
      { email: "Owner@Acme.org", role: "owner" },
      { email: "co-owner@acme.org", role: "owner" },
      { email: "ada@acme.org", role: "viewer" },
    ],
    groups: [{ group: "neuro", role: "viewer" }],
    everyone: "none",
  };

  it("leaves out the owner's own entry only", () => {
    expect(withoutOwner(listed, "owner@acme.org")?.users).toEqual([
      { email: "co-owner@acme.org", role: "owner" },
      { email: "ada@acme.org", role: "viewer" },
    ]);
  });

  it("without the owner's e-mail, takes the first owner for it", () => {
    expect(withoutOwner(listed, "")?.users.map((u) => u.email)).toEqual([
      "co-owner@acme.org",
      "ada@acme.org",
    ]);
  });
});
