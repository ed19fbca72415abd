// Multi-valued custom metadata: a schema field with `multiple: true` takes an array of
// values, each checked like a single one; search filters match when any element does.
import { startEmulator, type CustomMetadataSchema, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createAsset, type Json } from "./helpers";

let emu: RunningEmulator;

const schema: CustomMetadataSchema = {
  fields: [
    { name: "species", type: "string", multiple: true, allowed_values: ["mouse", "human", "rat"] },
    { name: "ages", type: "number", multiple: true, range: { min: 0, max: 120 } },
    { name: "visit dates", type: "date", multiple: true },
    { name: "subject", type: "string" },
    { name: "lab", type: "string", multiple: true, required: true },
  ],
  categories: [],
};

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 0 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.admin.reset();
  emu.admin.seed({ customMetadata: schema });
});

const withMetadata = (name: string, custom_metadata: Record<string, unknown>) =>
  awsAsset({ name, mount: name, custom_metadata });

describe("multi-valued custom metadata", () => {
  it("serves the schema's multiple flag", async () => {
    const res = await call(emu, "GET", "/custom_metadata");
    expect(res.json.fields.find((f: Json) => f.name === "species")).toMatchObject({
      multiple: true,
    });
  });

  it("stores and returns arrays on create, GET and PUT", async () => {
    const custom = {
      species: ["mouse", "rat"],
      ages: [3, 7.5],
      "visit dates": [1_700_000_000, 1_700_086_400],
      subject: "S-1",
      lab: ["Allen"],
    };
    const created = await createAsset(emu, withMetadata("multi", custom));
    expect(created.custom_metadata).toEqual(custom);
    expect((await call(emu, "GET", `/data_assets/${created.id}`)).json.custom_metadata).toEqual(
      custom,
    );
    const updated = await call(emu, "PUT", `/data_assets/${created.id}`, {
      name: "multi",
      description: "",
      tags: [],
      mount: "multi",
      custom_metadata: { lab: ["Allen", "Janelia"], species: [] },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.custom_metadata).toEqual({ lab: ["Allen", "Janelia"], species: [] });
  });

  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "an array for a single-valued field",
      { lab: ["A"], subject: ["S-1", "S-2"] },
      'custom_metadata["subject"]',
      /takes a single value: the field is not defined with multiple: true/,
    ],
    [
      "an element outside allowed_values",
      { lab: ["A"], species: ["mouse", "dog"] },
      'custom_metadata["species"][1]',
      /must be one of "mouse", "human", "rat", got "dog"/,
    ],
    [
      "an element out of range",
      { lab: ["A"], ages: [3, 121] },
      'custom_metadata["ages"][1]',
      /must be <= 120, got 121/,
    ],
    [
      "a date element in milliseconds",
      { lab: ["A"], "visit dates": [1_700_000_000_000] },
      'custom_metadata["visit dates"][0]',
      /looks like milliseconds/,
    ],
    [
      "an element of the wrong type",
      { lab: ["A", 7] },
      'custom_metadata["lab"][1]',
      /must be a string/,
    ],
    ["a nested array", { lab: [["A"]] }, 'custom_metadata["lab"][0]', /must be a string/],
    ["an empty list for a required field", { lab: [] }, 'custom_metadata["lab"]', /is required/],
  ];
  const table = refused.map(([label, custom, field, message]) => ({
    label,
    custom,
    field,
    message,
  }));
  it.each(table)("refuses $label with a 400 naming $field", async ({ custom, field, message }) => {
    const res = await call(emu, "POST", "/data_assets", withMetadata("bad", custom));
    expect(res.status).toBe(400);
    expect(res.json.field).toBe(field);
    expect(res.json.message).toMatch(message);
    expect(emu.admin.assets()).toEqual([]);
  });

  it("accepts a single value for a multiple field, as before", async () => {
    const a = await createAsset(emu, withMetadata("single", { lab: "Allen", ages: 4 }));
    expect(a.custom_metadata).toEqual({ lab: "Allen", ages: 4 });
  });
});

describe("search filters on multi-valued fields", () => {
  const ids: Record<string, string> = {};

  beforeEach(async () => {
    const specs: [string, Record<string, unknown>][] = [
      ["mouse-and-rat", { lab: ["A"], species: ["mouse", "rat"], ages: [2, 40] }],
      ["human-only", { lab: ["B"], species: ["human"], ages: [65] }],
      ["single-mouse", { lab: "A", species: "mouse", ages: 90 }],
      ["no-species", { lab: ["C"] }],
    ];
    for (const [name, custom] of specs) {
      ids[name] = (await createAsset(emu, withMetadata(name, custom))).id;
    }
  });

  async function names(filters: unknown[]): Promise<string[]> {
    const res = await call(emu, "POST", "/data_assets/search", {
      filters,
      sort_field: "name",
      sort_order: "asc",
    });
    expect(res.status).toBe(200);
    return res.json.results.map((r: Json) => r.name);
  }

  it("value matches when any element equals it (case-insensitively)", async () => {
    expect(await names([{ key: "species", value: "MOUSE" }])).toEqual([
      "mouse-and-rat",
      "single-mouse",
    ]);
  });

  it("values matches when any element is among them", async () => {
    expect(await names([{ key: "species", values: ["rat", "human"] }])).toEqual([
      "human-only",
      "mouse-and-rat",
    ]);
  });

  it("range matches when any element is inside it", async () => {
    expect(await names([{ key: "ages", range: { min: 30, max: 70 } }])).toEqual([
      "human-only",
      "mouse-and-rat",
    ]);
    expect(await names([{ key: "ages", range: { min: 80 } }])).toEqual(["single-mouse"]);
  });

  it("exclude drops an asset when any element matches, and keeps assets without the field", async () => {
    expect(await names([{ key: "species", value: "rat", exclude: true }])).toEqual([
      "human-only",
      "no-species",
      "single-mouse",
    ]);
  });

  it("combines filters with AND", async () => {
    expect(
      await names([
        { key: "lab", value: "a" },
        { key: "ages", range: { max: 10 } },
      ]),
    ).toEqual(["mouse-and-rat"]);
  });
});
