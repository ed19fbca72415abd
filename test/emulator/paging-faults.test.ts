// Hostile pagination: pages that say has_more with a token the client already sent, or with
// no results at all. A long-lived client must end its loop anyway (codeocean-api.md, search).
import { startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createAsset, type Json } from "./helpers";

let emu: RunningEmulator;
const route = "POST /data_assets/search";

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 0 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(async () => {
  emu.admin.reset();
  for (const name of ["a", "b", "c", "d", "e"]) {
    await createAsset(emu, awsAsset({ name, mount: name }));
  }
});

const search = async (body: Record<string, unknown>): Promise<Json> => {
  const res = await call(emu, "POST", "/data_assets/search", {
    limit: 2,
    sort_field: "name",
    sort_order: "asc",
    ...body,
  });
  expect(res.status).toBe(200);
  return res.json;
};
const names = (page: Json) => page.results.map((r: Json) => r.name);

describe("page-repeat-token", () => {
  it("feeds a fixed token on the first page and then the token the client sent, `times` times", async () => {
    emu.admin.addFault({ route, kind: "page-repeat-token", times: 3 });
    const first = await search({});
    expect(first).toMatchObject({ has_more: true, next_token: expect.any(String) });
    expect(names(first)).toEqual(["a", "b"]);
    const second = await search({ next_token: first.next_token });
    expect(second.next_token).toBe(first.next_token);
    expect(names(second)).toEqual(["a", "b"]);
    const third = await search({ next_token: second.next_token });
    expect(third.next_token).toBe(first.next_token);
    // Spent: the same token now pages on normally.
    const fourth = await search({ next_token: third.next_token });
    expect(names(fourth)).toEqual(["a", "b"]);
    expect(fourth.next_token).not.toBe(first.next_token);
    expect(names(await search({ next_token: fourth.next_token }))).toEqual(["c", "d"]);
    expect(emu.admin.journal().filter((e) => e.fault === "page-repeat-token")).toHaveLength(3);
  });

  it("says has_more even on the last page", async () => {
    const last = await search({ offset: 4 });
    expect(last.has_more).toBe(false);
    emu.admin.addFault({ route, kind: "page-repeat-token", times: 1 });
    const hostile = await search({ offset: 4 });
    expect(hostile.has_more).toBe(true);
    expect(names(hostile)).toEqual(["e"]);
  });
});

describe("page-empty", () => {
  it("answers empty pages that claim more, each with a fresh token that asks for the same page", async () => {
    emu.admin.addFault({ route, kind: "page-empty", times: 2 });
    const first = await search({});
    expect(first).toEqual({ has_more: true, next_token: expect.any(String), results: [] });
    const second = await search({ next_token: first.next_token });
    expect(second.results).toEqual([]);
    expect(second.next_token).not.toBe(first.next_token);
    expect(names(await search({ next_token: second.next_token }))).toEqual(["a", "b"]);
  });

  it("follows probability like any fault, drawn from the seeded PRNG", async () => {
    emu.admin.addFault({ route, kind: "page-empty", probability: 0.5 });
    const empties = [];
    for (let i = 0; i < 20; i++) empties.push((await search({})).results.length === 0);
    expect(empties.filter(Boolean).length).toBeGreaterThan(2);
    expect(empties.filter((e) => !e).length).toBeGreaterThan(2);
  });
});

describe("page fault rules", () => {
  it("with route * fire only on search routes, leaving other requests and their `times` alone", async () => {
    emu.admin.addFault({ kind: "page-empty", times: 1 });
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
    expect((await search({})).results).toEqual([]);
    expect((await search({})).results).toHaveLength(2);
  });

  it("are refused on a route that does not page", async () => {
    expect(() =>
      emu.admin.addFault({ route: "GET /data_assets/:id", kind: "page-repeat-token" }),
    ).toThrow(/a page-repeat-token fault rewrites search pages, so its route must be/);
    const res = await call(emu, "POST", "/__emulator/faults", {
      route: "POST /data_assets",
      kind: "page-empty",
    });
    expect(res.status).toBe(400);
    expect(res.json.field).toBe("route");
  });

  it("leave a refused search as it is", async () => {
    emu.admin.addFault({ route, kind: "page-empty" });
    const res = await call(emu, "POST", "/data_assets/search", { limit: 0 });
    expect(res.status).toBe(400);
    expect(res.json.field).toBe("limit");
  });
});
