// POST /data_assets/search as Code Ocean documents it (SDK docs): fields name, tag,
// run_script, commit_id and contained_data_id; the same field repeated is OR, different
// fields AND; free text searches name, tags, description and custom metadata; quotes make a
// field value exact; no wildcards; never case-sensitive. Plus every body parameter.
import { SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createReadyAsset, resultAsset, type Json } from "./helpers";

let emu: RunningEmulator;
const a: Record<string, Json> = {};

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 0 });
  emu.admin.seed({
    customMetadata: {
      fields: [
        { name: "species", type: "string", multiple: true },
        { name: "replicates", type: "number" },
      ],
      categories: [],
    },
  });
  const ext = (name: string, extra: Record<string, unknown> = {}) =>
    awsAsset({
      name,
      mount: name,
      tags: [],
      source: { aws: { bucket: "ext", prefix: `${name}/`, keep_on_external_storage: true } },
      ...extra,
    });
  a.brain = await createReadyAsset(
    emu,
    ext("Mouse brain atlas", {
      tags: ["alpha", "Imaging"],
      description: "Two-photon volumes of visual cortex",
      custom_metadata: { species: ["Mus musculus", "Rattus"], replicates: 12 },
    }),
  );
  a.liver = await createReadyAsset(
    emu,
    awsAsset({ name: "Human liver", mount: "liver", tags: ["beta"], description: "RNA-seq" }),
  );
  a.run1 = await createReadyAsset(emu, resultAsset({ name: "run one results", mount: "r1" }));
  a.run2 = await createReadyAsset(
    emu,
    resultAsset({
      name: "run two results",
      mount: "r2",
      source: { computation: { id: SEED_IDS.computation2 } },
    }),
  );
  a.trained = await createReadyAsset(
    emu,
    awsAsset({
      name: "trained model",
      mount: "model",
      tags: ["alpha"],
      source: { aws: { bucket: "models", prefix: "m/" } },
      results_info: {
        capsule_id: SEED_IDS.capsule,
        run_script: "scripts/train.py",
        commit: "0123456789abcdef0123456789abcdef01234567",
      },
    }),
  );
  a.other = await createReadyAsset(emu, ext("other part"));
  a.combined = await createReadyAsset(
    emu,
    awsAsset({
      name: "combined atlas",
      mount: "combined",
      source: undefined,
      data_asset_ids: [a.brain.id, a.other.id],
    }),
  );
});

afterAll(async () => {
  await emu.stop();
});

async function names(body: Record<string, unknown>): Promise<string[]> {
  const res = await call(emu, "POST", "/data_assets/search", body);
  expect(res.status).toBe(200);
  return res.json.results.map((r: Json) => r.name);
}

const byName = (query: string) => names({ query, sort_field: "name", sort_order: "asc" });

describe("query fields", () => {
  it("run_script: matches the provenance's run script, a substring unless quoted", async () => {
    expect(await byName('run_script:"code/run"')).toEqual(["run one results", "run two results"]);
    expect(await byName("run_script:TRAIN")).toEqual(["trained model"]);
    expect(await byName('run_script:"train.py"')).toEqual([]);
  });

  it("commit_id: matches the provenance's commit", async () => {
    const commit: string = a.run1.provenance.commit;
    expect(await byName(`commit_id:${commit}`)).toEqual(["run one results"]);
    expect(await byName("commit_id:0123456789abcdef")).toEqual(["trained model"]);
    expect(await byName('commit_id:"0123456789abcdef"')).toEqual([]);
  });

  it("contained_data_id: matches the combined assets that contain the id", async () => {
    expect(await byName(`contained_data_id:${a.brain.id}`)).toEqual(["combined atlas"]);
    expect(await byName(`contained_data_id:${a.liver.id}`)).toEqual([]);
  });

  it("the same field repeated is OR, different fields AND", async () => {
    expect(await byName("tag:alpha tag:beta")).toEqual([
      "Human liver",
      "Mouse brain atlas",
      "trained model",
    ]);
    expect(await byName("tag:alpha name:model")).toEqual(["trained model"]);
    expect(await byName("name:liver name:atlas tag:imaging")).toEqual(["Mouse brain atlas"]);
  });

  it("quoted field values are exact but still case-insensitive; there are no wildcards", async () => {
    expect(await byName('name:"mouse BRAIN atlas"')).toEqual(["Mouse brain atlas"]);
    expect(await byName('name:"mouse brain"')).toEqual([]);
    expect(await byName("name:mou*")).toEqual([]);
  });

  it("id: is the emulator's own extension", async () => {
    expect(await byName(`id:${a.liver.id}`)).toEqual(["Human liver"]);
  });
});

describe("free text", () => {
  it("searches name, tags, description and custom metadata values, case-insensitively", async () => {
    expect(await byName("CORTEX")).toEqual(["Mouse brain atlas"]);
    expect(await byName("imaging")).toEqual(["Mouse brain atlas"]);
    expect(await byName("rattus")).toEqual(["Mouse brain atlas"]);
    expect(await byName("12")).toEqual(["Mouse brain atlas"]);
    expect(await byName("rna-SEQ")).toEqual(["Human liver"]);
    expect(await byName("atlas")).toEqual(["combined atlas", "Mouse brain atlas"]);
  });

  it("needs every word, and keeps a quoted phrase together", async () => {
    expect(await byName("atlas cortex")).toEqual(["Mouse brain atlas"]);
    expect(await byName('"visual cortex"')).toEqual(["Mouse brain atlas"]);
    expect(await byName('"cortex visual"')).toEqual([]);
  });

  it("keeps an unknown field: prefix as free text", async () => {
    expect(await byName("colour:red")).toEqual([]);
  });
});

describe("parameters", () => {
  afterEach(() => {
    for (const x of Object.values(a)) {
      emu.admin.updateAsset(x.id, { favorite: false, owner: x.owner, owner_email: x.owner_email });
      emu.admin.setPermissions(x.id, { users: [], groups: [], everyone: "none" });
    }
  });

  it("ownership: created, shared (owned by someone else) and private (shared with nobody)", async () => {
    emu.admin.updateAsset(a.liver.id, { owner: "someone-else", owner_email: "else@acme.org" });
    emu.admin.setPermissions(a.run1.id, { everyone: "viewer" });
    emu.admin.setPermissions(a.run2.id, { groups: [{ group: "lab", role: "viewer" }] });
    const all = await names({});
    expect(await names({ ownership: "shared" })).toEqual(["Human liver"]);
    expect((await names({ ownership: "created" })).sort()).toEqual(
      all.filter((n) => n !== "Human liver").sort(),
    );
    expect((await names({ ownership: "private" })).sort()).toEqual(
      all.filter((n) => !["Human liver", "run one results", "run two results"].includes(n)).sort(),
    );
    // Only the owner may delete: the shared one answers 403 even once archived.
    await call(emu, "PATCH", `/data_assets/${a.liver.id}/archive?archive=true`);
    const del = await call(emu, "DELETE", `/data_assets/${a.liver.id}`);
    expect(del.status).toBe(403);
    expect(del.json.message).toMatch(/only its owner can delete it/);
    await call(emu, "PATCH", `/data_assets/${a.liver.id}/archive?archive=false`);
  });

  it("favorite: true finds only the assets marked favourite", async () => {
    expect(await names({ favorite: true })).toEqual([]);
    emu.admin.updateAsset(a.brain.id, { favorite: true });
    expect(await names({ favorite: true })).toEqual(["Mouse brain atlas"]);
    expect(await names({ favorite: false })).toHaveLength(Object.keys(a).length);
    expect(emu.admin.asset(a.brain.id)?.favorite).toBe(true);
  });

  it("origin, type, and sort_field with sort_order", async () => {
    expect((await names({ origin: "external" })).sort()).toEqual(
      ["Mouse brain atlas", "combined atlas", "other part"].sort(),
    );
    expect(await names({ type: "combined" })).toEqual(["combined atlas"]);
    const asc = await names({ sort_field: "name", sort_order: "asc" });
    expect(await names({ sort_field: "name", sort_order: "desc" })).toEqual([...asc].reverse());
    const bySize = await call(emu, "POST", "/data_assets/search", {
      sort_field: "size",
      sort_order: "asc",
    });
    const sizes = bySize.json.results.map((r: Json) => r.size);
    expect(sizes).toEqual([...sizes].sort((x: number, y: number) => x - y));
  });

  it("filters on name, description and tags as well as custom metadata", async () => {
    expect(await names({ filters: [{ key: "name", value: "human LIVER" }] })).toEqual([
      "Human liver",
    ]);
    expect(await names({ filters: [{ key: "description", values: ["rna-seq", "x"] }] })).toEqual([
      "Human liver",
    ]);
    expect(
      await names({
        query: "tag:alpha",
        filters: [{ key: "tags", value: "imaging", exclude: true }],
      }),
    ).toEqual(["trained model"]);
  });
});

describe("validation", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["unknown parameter", { sortField: "name" }, "sortField"],
    ["query not a string", { query: 5 }, "query"],
    ["ownership", { ownership: "mine" }, "ownership"],
    ["origin", { origin: "cloud" }, "origin"],
    ["favorite", { favorite: "yes" }, "favorite"],
    ["archived", { archived: "no" }, "archived"],
    ["type", { type: "table" }, "type"],
    ["sort_field", { sort_field: "colour" }, "sort_field"],
    ["sort_order", { sort_field: "name", sort_order: "up" }, "sort_order"],
    ["sort_order without sort_field", { sort_order: "asc" }, "sort_order"],
    ["limit too large", { limit: 1001 }, "limit"],
    ["negative offset", { offset: -1 }, "offset"],
    ["next_token not ours", { next_token: "!!" }, "next_token"],
    ["filters not an array", { filters: { key: "x" } }, "filters"],
    ["filter without key", { filters: [{ value: "x" }] }, "filters[0].key"],
    [
      "filter with two of value, values, range",
      { filters: [{ key: "x", value: 1, range: { min: 0 } }] },
      "filters[0]",
    ],
    ["filter with none of them", { filters: [{ key: "x" }] }, "filters[0]"],
    ["filter value an object", { filters: [{ key: "x", value: { a: 1 } }] }, "filters[0].value"],
    ["filter values empty", { filters: [{ key: "x", values: [] }] }, "filters[0].values"],
    [
      "range bound not a number",
      { filters: [{ key: "x", range: { min: "1" } }] },
      "filters[0].range.min",
    ],
    ["range with neither bound", { filters: [{ key: "x", range: {} }] }, "filters[0].range"],
    [
      "range min above max",
      { filters: [{ key: "x", range: { min: 2, max: 1 } }] },
      "filters[0].range",
    ],
    [
      "exclude not a boolean",
      { filters: [{ key: "x", value: 1, exclude: "yes" }] },
      "filters[0].exclude",
    ],
    ["unknown filter field", { filters: [{ key: "x", value: 1, op: "gt" }] }, "filters[0].op"],
  ];
  const table = cases.map(([label, body, field]) => ({ label, body, field }));
  it.each(table)("$label -> 400 naming $field", async ({ body, field }) => {
    const res = await call(emu, "POST", "/data_assets/search", body);
    expect(res.status).toBe(400);
    expect(res.json.field).toBe(field);
    expect(res.json.message.startsWith(field)).toBe(true);
  });

  it("accepts the Python SDK's body: every unset parameter as null", async () => {
    // DataAssetSearchParams(query="tag:beta").to_dict()
    const res = await call(emu, "POST", "/data_assets/search", {
      query: "tag:beta",
      next_token: null,
      offset: null,
      limit: null,
      sort_field: null,
      sort_order: null,
      type: null,
      ownership: null,
      origin: null,
      favorite: null,
      archived: null,
      filters: null,
    });
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: Json) => r.name)).toEqual(["Human liver"]);
  });
});
