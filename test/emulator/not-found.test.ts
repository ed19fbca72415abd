// 404s a client must survive: the real service has been seen answering 404 for an asset it
// has just accepted (codeocean-api.md, Readiness), and any single call may be answered 404
// by a status fault.
import { SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import { parseCli } from "../../emulator/cli";
import { awsAsset, call, createAsset, createReadyAsset, waitFor } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 0, attachReadyAfterMs: 0 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

describe("notFoundAfterCreateMs", () => {
  it("answers 404 for the new id on every per-id route, exactly as for an unknown id", async () => {
    emu.admin.setNotFoundAfterCreateMs(60_000);
    const created = await createAsset(emu, awsAsset());
    const id: string = created.id;
    const unknownId = "00000000-0000-4000-8000-000000000000";
    const asUnknown = async (method: string, path: (id: string) => string, body?: unknown) => {
      const fresh = await call(emu, method, path(id), body);
      const unknown = await call(emu, method, path(unknownId), body);
      expect([fresh.status, unknown.status]).toEqual([404, 404]);
      expect(fresh.json).toEqual({ message: `data asset ${id} not found` });
      expect(fresh.json).toEqual({
        ...unknown.json,
        message: unknown.json.message.replace(unknownId, id),
      });
    };
    await asUnknown("GET", (x) => `/data_assets/${x}`);
    await asUnknown("PUT", (x) => `/data_assets/${x}`, {
      name: "n",
      description: "",
      tags: [],
      mount: "m",
    });
    await asUnknown("PATCH", (x) => `/data_assets/${x}/archive?archive=true`);
    await asUnknown("DELETE", (x) => `/data_assets/${x}`);
    await asUnknown("GET", (x) => `/data_assets/${x}/permissions`);
    await asUnknown("POST", (x) => `/data_assets/${x}/permissions`, {
      users: [],
      groups: [],
      everyone: "none",
    });
    const attach = await call(emu, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [{ id }]);
    expect(attach.status).toBe(404);
    expect(attach.json.data_assets).toEqual([id]);

    // Nothing changed, and the emulator itself still knows the asset.
    expect(emu.admin.asset(id)).toMatchObject({ name: created.name, archived: false });
    expect(emu.admin.attachments()).toEqual([]);
    // Search lists it meanwhile.
    const found = await call(emu, "POST", "/data_assets/search", { query: `id:${id}` });
    expect(found.json.results.map((r: { id: string }) => r.id)).toEqual([id]);
  });

  it("becomes visible once the window has passed, and only later creates are affected", async () => {
    const before = await createAsset(emu, awsAsset({ name: "before" }));
    emu.admin.setNotFoundAfterCreateMs(300);
    expect((await call(emu, "GET", `/data_assets/${before.id}`)).status).toBe(200);
    const started = Date.now();
    const created = await createAsset(emu, awsAsset({ name: "after" }));
    const first = await call(emu, "GET", `/data_assets/${created.id}`);
    // On a very slow machine the window may already be over; it must never end early.
    if (Date.now() - started < 290) expect(first.status).toBe(404);
    const seen = await waitFor(
      () => call(emu, "GET", `/data_assets/${created.id}`),
      (r) => r.status === 200,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(seen.json).toMatchObject({ id: created.id, state: "ready" });
  });

  it("is an option, an HTTP admin setting that reset() restores, and a CLI flag", async () => {
    const local = await startEmulator({ readyAfterMs: 0, notFoundAfterCreateMs: 60_000 });
    try {
      const hidden = await createAsset(local, awsAsset());
      expect((await call(local, "GET", `/data_assets/${hidden.id}`)).status).toBe(404);
      const set = await call(local, "PUT", "/__emulator/not-found-after-create", { ms: 0 });
      expect(set.status).toBe(204);
      const shown = await createAsset(local, awsAsset({ name: "shown" }));
      expect((await call(local, "GET", `/data_assets/${shown.id}`)).status).toBe(200);
      local.admin.reset();
      const again = await createAsset(local, awsAsset());
      expect((await call(local, "GET", `/data_assets/${again.id}`)).status).toBe(404);
      const bad = await call(local, "PUT", "/__emulator/not-found-after-create", { ms: -1 });
      expect(bad.json).toMatchObject({ field: "ms" });
    } finally {
      await local.stop();
    }
    const parsed = parseCli(["--not-found-after-create-ms", "1500"]);
    expect(parsed.help ? undefined : parsed.options.notFoundAfterCreateMs).toBe(1500);
    expect(() => parseCli(["--not-found-after-create-ms=-5"])).toThrow(/non-negative/);
  });
});

describe("status faults with 404", () => {
  it("GET /data_assets/:id answers 404 once, then the asset", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    emu.admin.addFault({ route: "GET /data_assets/:id", kind: "status", status: 404, times: 1 });
    const first = await call(emu, "GET", `/data_assets/${asset.id}`);
    expect(first.status).toBe(404);
    expect(first.json.message).toEqual(expect.any(String));
    expect((await call(emu, "GET", `/data_assets/${asset.id}`)).json.id).toBe(asset.id);
  });

  it("PATCH /data_assets/:id/archive answers 404 once without archiving, then archives", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    emu.admin.addFault({
      route: "PATCH /data_assets/:id/archive",
      kind: "status",
      status: 404,
      message: "data asset not found",
      times: 1,
    });
    const path = `/data_assets/${asset.id}/archive?archive=true`;
    const first = await call(emu, "PATCH", path);
    expect(first).toMatchObject({ status: 404, json: { message: "data asset not found" } });
    expect(emu.admin.asset(asset.id)?.archived).toBe(false);
    expect((await call(emu, "PATCH", path)).status).toBe(204);
    expect(emu.admin.asset(asset.id)?.archived).toBe(true);
  });

  it("DELETE /data_assets/:id answers 404 once without deleting, then deletes", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    emu.admin.clearJournal();
    await call(emu, "PATCH", `/data_assets/${asset.id}/archive?archive=true`);
    emu.admin.addFault({ route: "DELETE /data_assets/:id", kind: "status", status: 404, times: 1 });
    expect((await call(emu, "DELETE", `/data_assets/${asset.id}`)).status).toBe(404);
    expect(emu.admin.asset(asset.id)).toBeDefined();
    expect((await call(emu, "DELETE", `/data_assets/${asset.id}`)).status).toBe(204);
    expect(emu.admin.asset(asset.id)).toBeUndefined();
    expect(emu.admin.journal().map((e) => [e.route, e.status, e.fault])).toEqual([
      ["PATCH /data_assets/:id/archive", 204, undefined],
      ["DELETE /data_assets/:id", 404, "status"],
      ["DELETE /data_assets/:id", 204, undefined],
    ]);
  });
});
