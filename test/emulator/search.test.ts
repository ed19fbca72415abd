import { startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createAsset, type Json } from "./helpers";

let emu: RunningEmulator;
const ids: Record<string, string> = {};

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 0 });
  const specs: [string, string[]][] = [
    ["Mouse brain atlas", ["imaging", "mouse"]],
    ["Mouse brain atlas v2", ["imaging"]],
    ["Human liver RNA", ["rna", "human"]],
    ["liver controls", ["RNA"]],
    ["archived mouse data", ["mouse"]],
  ];
  for (const [name, tags] of specs) {
    ids[name] = (await createAsset(emu, awsAsset({ name, tags }))).id;
  }
  await call(emu, "PATCH", `/data_assets/${ids["archived mouse data"]}/archive?archive=true`);
});

afterAll(async () => {
  await emu.stop();
});

async function search(body: Record<string, unknown>): Promise<Json> {
  const res = await call(emu, "POST", "/data_assets/search", body);
  expect(res.status).toBe(200);
  return res.json;
}

async function names(body: Record<string, unknown>): Promise<string[]> {
  const res = await search({ sort_field: "name", sort_order: "asc", ...body });
  return res.results.map((r: Json) => r.name);
}

describe("search", () => {
  it("matches name: as a case-insensitive substring", async () => {
    expect(await names({ query: "name:MOUSE" })).toEqual([
      "Mouse brain atlas",
      "Mouse brain atlas v2",
    ]);
  });

  it("matches quoted name: exactly", async () => {
    expect(await names({ query: 'name:"mouse brain atlas"' })).toEqual(["Mouse brain atlas"]);
  });

  it("matches plain words and bare quoted phrases against the name", async () => {
    expect(await names({ query: "liver" })).toEqual(["Human liver RNA", "liver controls"]);
    expect(await names({ query: '"brain atlas v2"' })).toEqual(["Mouse brain atlas v2"]);
  });

  it("matches tag: case-insensitively and combines terms with AND", async () => {
    expect(await names({ query: "tag:rna" })).toEqual(["Human liver RNA", "liver controls"]);
    expect(await names({ query: "tag:imaging name:v2" })).toEqual(["Mouse brain atlas v2"]);
  });

  it("returns only archived assets with archived: true, and only live ones otherwise", async () => {
    expect(await names({ query: "mouse", archived: true })).toEqual(["archived mouse data"]);
    expect(await names({ query: "mouse", archived: false })).not.toContain("archived mouse data");
    expect(await names({ query: "mouse", archived: null })).not.toContain("archived mouse data");
  });

  it("paginates by next_token and by offset", async () => {
    const seen: string[] = [];
    let body: Record<string, unknown> = { limit: 2, sort_field: "name", sort_order: "asc" };
    for (let page = 0; page < 10; page++) {
      const res = await search(body);
      seen.push(...res.results.map((r: Json) => r.name));
      if (!res.has_more) {
        expect(res.next_token).toBeUndefined();
        break;
      }
      expect(typeof res.next_token).toBe("string");
      body = { ...body, next_token: res.next_token };
    }
    expect(seen).toEqual([...seen].sort((a, b) => a.localeCompare(b)));
    expect(seen).toHaveLength(4);
    expect(await names({ limit: 2, offset: 2 })).toEqual(seen.slice(2, 4));
  });

  it("filters by origin and type and rejects bad parameters", async () => {
    expect((await search({ origin: "external" })).results).toEqual([]);
    expect((await search({ type: "dataset" })).results).toHaveLength(4);
    for (const bad of [
      { limit: 1001 },
      { limit: 0 },
      { sort_field: "colour" },
      { next_token: "!!" },
    ]) {
      const res = await call(emu, "POST", "/data_assets/search", bad);
      expect(res.status).toBe(400);
    }
  });
});
