// POST /capsules/search and /pipelines/search: the data asset search's body shape over
// capsules and pipelines. A bare data asset id as the query finds what it is attached to,
// the workaround SDK issue #77 names for the missing "list attachments" endpoint.
import {
  API_ROUTE_KEYS,
  PAGED_ROUTES,
  SEED_IDS,
  startEmulator,
  type RunningEmulator,
} from "../../emulator";
import { awsAsset, call, createReadyAsset, type Json } from "./helpers";

let emu: RunningEmulator;
const RELEASED = "released-pipeline";

beforeAll(async () => {
  emu = await startEmulator({
    readyAfterMs: 0,
    attachReadyAfterMs: 0,
    seed: { pipelines: [{ id: RELEASED, name: "Released pipeline", status: "release" }] },
  });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

async function search(
  kind: "capsules" | "pipelines",
  body: Record<string, unknown>,
): Promise<Json> {
  const res = await call(emu, "POST", `/${kind}/search`, body);
  expect(res.status).toBe(200);
  return res.json;
}
const ids = (page: Json): string[] => page.results.map((r: Json) => r.id);

describe("searching by a data asset id", () => {
  it("finds the capsules and pipelines the asset is attached to, and nothing else", async () => {
    const used = await createReadyAsset(emu, awsAsset({ name: "used", mount: "used" }));
    const unused = await createReadyAsset(emu, awsAsset({ name: "unused", mount: "unused" }));
    await call(emu, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [{ id: used.id }]);
    await call(emu, "POST", `/capsules/${SEED_IDS.capsule2}/data_assets`, [{ id: used.id }]);
    await call(emu, "POST", `/pipelines/${SEED_IDS.pipeline}/data_assets`, [{ id: used.id }]);

    const capsules = await search("capsules", { query: used.id });
    expect(ids(capsules).sort()).toEqual([SEED_IDS.capsule, SEED_IDS.capsule2].sort());
    expect(capsules.has_more).toBe(false);
    expect(ids(await search("pipelines", { query: used.id }))).toEqual([SEED_IDS.pipeline]);
    expect(ids(await search("capsules", { query: unused.id }))).toEqual([]);

    // Detached: no longer found.
    await call(emu, "DELETE", `/capsules/${SEED_IDS.capsule2}/data_assets`, [used.id]);
    expect(ids(await search("capsules", { query: used.id }))).toEqual([SEED_IDS.capsule]);
  });

  it("finds a capsule whose asset was attached through its Cloud Workstation session", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    await call(emu, "POST", `/computations/${SEED_IDS.cloudWorkstation}/data_assets`, [
      { id: asset.id },
    ]);
    expect(ids(await search("capsules", { query: asset.id }))).toEqual([
      SEED_IDS.workstationCapsule,
    ]);
  });

  it("answers capsule objects exactly as GET /capsules/{id} does", async () => {
    const [first] = (await search("capsules", { query: 'name:"Emulator capsule"' })).results;
    expect(first).toEqual((await call(emu, "GET", `/capsules/${SEED_IDS.capsule}`)).json);
  });
});

describe("query, parameters and paging", () => {
  it("matches free text against names; name: and id: fields as for data assets", async () => {
    expect(ids(await search("capsules", { query: "SECOND" }))).toEqual([SEED_IDS.capsule2]);
    expect(ids(await search("capsules", { query: 'name:"emulator capsule"' }))).toEqual([
      SEED_IDS.capsule,
    ]);
    expect(ids(await search("capsules", { query: `id:${SEED_IDS.capsule2}` }))).toEqual([
      SEED_IDS.capsule2,
    ]);
    expect(ids(await search("capsules", { query: "doi:10.1234/x" }))).toEqual([]);
    expect(
      ids(
        await search("capsules", { filters: [{ key: "name", value: "second emulator capsule" }] }),
      ),
    ).toEqual([SEED_IDS.capsule2]);
  });

  it("filters by status, and finds nothing archived, favourite or shared", async () => {
    expect(ids(await search("pipelines", { status: "release" }))).toEqual([RELEASED]);
    expect(ids(await search("pipelines", { status: "non_release" }))).toEqual([SEED_IDS.pipeline]);
    for (const body of [{ archived: true }, { favorite: true }, { ownership: "shared" }]) {
      expect(ids(await search("capsules", body))).toEqual([]);
    }
    expect(ids(await search("capsules", { ownership: "created" }))).toHaveLength(3);
  });

  it("sorts by name and pages by next_token and offset", async () => {
    const byName = await search("capsules", { sort_field: "name", sort_order: "asc" });
    const names = byName.results.map((r: Json) => r.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const seen: string[] = [];
    let body: Record<string, unknown> = { limit: 1, sort_field: "name", sort_order: "asc" };
    for (let i = 0; i < 5; i++) {
      const res = await search("capsules", body);
      seen.push(...ids(res));
      if (!res.has_more) break;
      body = { ...body, next_token: res.next_token };
    }
    expect(seen).toEqual(ids(byName));
    expect(
      ids(await search("capsules", { limit: 1, offset: 2, sort_field: "name", sort_order: "asc" })),
    ).toEqual([ids(byName)[2]]);
  });

  it("refuses what capsule search does not take, naming the key", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ sort_field: "size" }, "sort_field"],
      [{ type: "dataset" }, "type"],
      [{ origin: "external" }, "origin"],
      [{ status: "draft" }, "status"],
      [{ limit: 5000 }, "limit"],
      [{ filters: [{ key: "name" }] }, "filters[0]"],
    ];
    for (const [body, field] of cases) {
      for (const kind of ["capsules", "pipelines"]) {
        const res = await call(emu, "POST", `/${kind}/search`, body);
        expect([kind, res.status, res.json.field]).toEqual([kind, 400, field]);
      }
    }
  });
});

describe("hostile pages", () => {
  it("every paged route is a route the emulator serves", () => {
    for (const route of PAGED_ROUTES) expect(API_ROUTE_KEYS).toContain(route);
  });

  it("page-repeat-token and page-empty apply to capsule and pipeline search", async () => {
    emu.admin.setFaults([
      { route: "POST /capsules/search", kind: "page-repeat-token", times: 1 },
      { route: "POST /pipelines/search", kind: "page-empty", times: 1 },
    ]);
    const repeated = await search("capsules", { limit: 1 });
    expect(repeated.has_more).toBe(true);
    const again = await search("capsules", { limit: 1, next_token: repeated.next_token });
    expect(ids(again)).toEqual(ids(repeated));
    const empty = await search("pipelines", {});
    expect(empty).toEqual({ has_more: true, next_token: expect.any(String), results: [] });
    expect(ids(await search("pipelines", { next_token: empty.next_token }))).toHaveLength(2);
  });
});
