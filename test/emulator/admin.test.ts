import { SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createAsset, createReadyAsset, waitForState } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({
    readyAfterMs: 20,
    attachReadyAfterMs: 0,
    seed: { capsules: [{ id: "extra-capsule", name: "From options" }] },
  });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

const admin = (method: string, path: string, body?: unknown) =>
  call(emu, method, `/__emulator${path}`, body, { token: null });

describe("HTTP admin API", () => {
  it("reports health without auth", async () => {
    const res = await admin("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
  });

  it("seeds capsules and computations, and reset restores default plus options seed", async () => {
    expect((await call(emu, "GET", "/capsules/extra-capsule")).status).toBe(200);
    const seeded = await admin("POST", "/seed", {
      capsules: [{ id: "new-capsule", name: "New", slug: "42" }],
      computations: [{ id: "new-run", capsuleId: "new-capsule", files: 1, size: 2 }],
    });
    expect(seeded.status).toBe(204);
    expect((await call(emu, "GET", "/capsules/new-capsule")).json.slug).toBe("42");
    const result = await createReadyAsset(emu, {
      name: "r",
      mount: "r",
      tags: [],
      source: { computation: { id: "new-run" } },
    });
    expect([result.files, result.size]).toEqual([1, 2]);

    expect((await admin("POST", "/reset")).status).toBe(204);
    expect((await call(emu, "GET", "/capsules/new-capsule")).status).toBe(404);
    expect((await call(emu, "GET", "/capsules/extra-capsule")).status).toBe(200);
    expect((await call(emu, "GET", `/capsules/${SEED_IDS.capsule}`)).status).toBe(200);
    expect((await admin("GET", "/state")).json.assets).toEqual([]);
  });

  it("adds and clears outcome rules", async () => {
    await admin("POST", "/outcomes", {
      match: { name: "bad" },
      outcome: { kind: "fail", reason: "no such bucket", afterMs: 0 },
    });
    const failed = await createAsset(emu, awsAsset({ name: "bad" }));
    expect((await waitForState(emu, failed.id, "failed")).failure_reason).toBe("no such bucket");
    await admin("DELETE", "/outcomes");
    const ok = await createAsset(emu, awsAsset({ name: "bad" }));
    await waitForState(emu, ok.id, "ready");
    expect(
      (await admin("POST", "/outcomes", { match: {}, outcome: { kind: "boom" } })).status,
    ).toBe(400);
  });

  it("sets, adds and clears faults", async () => {
    await admin("PUT", "/faults", [{ route: "GET /custom_metadata", kind: "status", status: 503 }]);
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(503);
    await admin("PUT", "/faults", []);
    await admin("POST", "/faults", { route: "GET /custom_metadata", kind: "status", status: 500 });
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(500);
    await admin("DELETE", "/faults");
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
    expect((await admin("POST", "/faults", { kind: "explode" })).status).toBe(400);
  });

  it("sets and clears the rate limit", async () => {
    await admin("PUT", "/rate-limit", { requestsPerSecond: 0.5, burst: 1 });
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
    const limited = await call(emu, "GET", "/custom_metadata");
    expect(limited.status).toBe(429);
    // At 0.5 requests/s the next token is at most 2 s away.
    expect(limited.headers.get("retry-after")).toMatch(/^[12]$/);
    await admin("PUT", "/rate-limit", null);
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
  });

  it("returns and clears the journal", async () => {
    await call(emu, "GET", "/custom_metadata");
    const journal = await admin("GET", "/journal");
    expect(journal.json.counts).toEqual({ "GET /custom_metadata": 1 });
    expect(journal.json.entries).toHaveLength(1);
    await admin("DELETE", "/journal");
    expect((await admin("GET", "/journal")).json).toEqual({ entries: [], counts: {} });
  });

  it("exposes state and changes assets, capsules and pipelines out of band", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    await call(emu, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [{ id: asset.id }]);
    const state = (await admin("GET", "/state")).json;
    expect(state.assets).toEqual([expect.objectContaining({ id: asset.id, archived: false })]);
    expect(state.attachments).toEqual([
      expect.objectContaining({ targetKind: "capsule", assetId: asset.id, ready: true }),
    ]);
    expect(state.capsules.map((c: { id: string }) => c.id)).toContain(SEED_IDS.capsule);
    expect(state.pipelines.map((p: { id: string }) => p.id)).toEqual([SEED_IDS.pipeline]);

    const patched = await admin("PATCH", `/data_assets/${asset.id}`, {
      name: "drifted",
      tags: ["x"],
      state: "failed",
      failure_reason: "bucket deleted",
      archived: true,
    });
    expect(patched.status).toBe(200);
    const seen = (await call(emu, "GET", `/data_assets/${asset.id}`)).json;
    expect(seen).toMatchObject({
      name: "drifted",
      tags: ["x"],
      state: "failed",
      failure_reason: "bucket deleted",
    });
    expect(seen.files).toBeUndefined();
    expect(emu.admin.asset(asset.id)?.archived).toBe(true);
    // Admin changes are out of band: they never reach the journal.
    expect(emu.admin.journal().some((e) => e.path.includes("__emulator"))).toBe(false);
    expect((await admin("PATCH", "/data_assets/nope", { name: "x" })).status).toBe(404);

    expect((await admin("DELETE", `/data_assets/${asset.id}`)).status).toBe(204);
    expect((await call(emu, "GET", `/data_assets/${asset.id}`)).status).toBe(404);
    expect(emu.admin.attachments()).toEqual([]);

    expect((await admin("DELETE", `/capsules/${SEED_IDS.capsule}`)).status).toBe(204);
    expect((await admin("DELETE", `/pipelines/${SEED_IDS.pipeline}`)).status).toBe(204);
    expect((await call(emu, "GET", `/capsules/${SEED_IDS.capsule}`)).status).toBe(404);
    expect((await call(emu, "GET", `/pipelines/${SEED_IDS.pipeline}`)).status).toBe(404);
  });

  it("answers unknown admin routes with a 404 that points at the index", async () => {
    const res = await admin("GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.json.message).toContain("GET /__emulator/ lists every admin route");
    const wrongMethod = await admin("POST", "/health");
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.json.message).toContain("this path takes GET");
  });
});

describe("admin index", () => {
  it("lists every admin route with its body shape at /__emulator/ and /__emulator", async () => {
    const withSlash = await call(emu, "GET", "/__emulator/", undefined, { token: null });
    const without = await call(emu, "GET", "/__emulator", undefined, { token: null });
    expect(withSlash.status).toBe(200);
    expect(without.json).toEqual(withSlash.json);
    const routes: { method: string; path: string; body: string | null; description: string }[] =
      withSlash.json.routes;
    expect(routes).toContainEqual({
      method: "PATCH",
      path: "/__emulator/data_assets/:id",
      body: expect.stringContaining("name?: string"),
      description: expect.stringMatching(/out of band/),
    });
    for (const r of routes) {
      expect(r.description).toMatch(/\S/);
      expect(r.path.startsWith("/__emulator/")).toBe(true);
    }
    // Every listed route is routed: none answers the unknown-route 404 (a 400 for the missing
    // body or a 404 for the made-up id is fine).
    for (const r of routes) {
      const res = await admin(r.method, r.path.slice("/__emulator".length).replace(":id", "x"));
      expect(`${r.method} ${r.path} ${res.text}`).not.toMatch(/no emulator admin route/);
    }
  });
});

describe("strict admin bodies", () => {
  /** The Error a programmatic call throws, for comparison with the HTTP answer. */
  const thrown = (fn: () => void): string => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("expected the call to throw");
  };

  it("refuses a misspelt field over HTTP and in-process with the same message", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    const res = await admin("PATCH", `/data_assets/${asset.id}`, { nmae: "x" });
    expect(res.status).toBe(400);
    expect(res.json.field).toBe("nmae");
    expect(res.json.message).toMatch(
      /^unknown field "nmae" in data asset patch \(known fields: name, description, tags, mount, custom_metadata, .*\)$/,
    );
    const message = thrown(() => emu.admin.updateAsset(asset.id, { nmae: "x" } as never));
    expect(message).toBe(res.json.message);
    expect(emu.admin.asset(asset.id)?.name).toBe(asset.name);
  });

  const cases: [string, string, unknown, () => void, RegExp][] = [
    [
      "POST",
      "/seed",
      { computations: [{ id: "r", capsuleID: "c", files: 1, size: 1 }] },
      () =>
        emu.admin.seed({ computations: [{ id: "r", capsuleID: "c", files: 1, size: 1 }] } as never),
      /^unknown field "capsuleID" in seed computations\[0\] \(known fields: id, capsuleId, /,
    ],
    [
      "POST",
      "/faults",
      { kind: "status", staus: 503 },
      () => emu.admin.addFault({ kind: "status", staus: 503 } as never),
      /^unknown field "staus" in fault rule \(known fields: route, kind, status, /,
    ],
    [
      "PUT",
      "/faults",
      [{ kind: "status", status: 503, time: 1 }],
      () => emu.admin.setFaults([{ kind: "status", status: 503, time: 1 } as never]),
      /^unknown field "time" in fault rules \[0\] \(known fields: /,
    ],
    [
      "POST",
      "/outcomes",
      { match: { nmae: "x" }, outcome: { kind: "draft" } },
      () => emu.admin.addOutcome({ match: { nmae: "x" }, outcome: { kind: "draft" } } as never),
      /^unknown field "nmae" in outcome rule match \(known fields: name, namePrefix\)$/,
    ],
    [
      "POST",
      "/outcomes",
      { match: {}, outcome: { kind: "draft", afterMs: 5 } },
      () => emu.admin.addOutcome({ match: {}, outcome: { kind: "draft", afterMs: 5 } } as never),
      /^unknown field "afterMs" in outcome rule outcome \(known fields: kind\)$/,
    ],
    [
      "PUT",
      "/rate-limit",
      { rps: 5 },
      () => emu.admin.setRateLimit({ rps: 5 } as never),
      /^unknown field "rps" in rate limit \(known fields: requestsPerSecond, burst, retryAfter\)$/,
    ],
  ];
  it.each(cases)(
    "%s %s refuses an unknown field",
    async (method, path, body, inProcess, message) => {
      const res = await admin(method, path, body);
      expect(res.status).toBe(400);
      expect(res.json.message).toMatch(message);
      expect(thrown(inProcess)).toBe(res.json.message);
    },
  );

  it("refuses wrong types and missing fields, naming them, and a body where none is taken", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    const badTags = await admin("PATCH", `/data_assets/${asset.id}`, { tags: "x" });
    expect(badTags.json).toMatchObject({
      field: "tags",
      message: expect.stringMatching(/^data asset patch: tags must be an array/),
    });
    const noKind = await admin("POST", "/faults", { route: "*" });
    expect(noKind.json).toEqual({ field: "kind", message: "fault rule: kind is required" });
    const badKind = await admin("POST", "/faults", { kind: "explode" });
    expect(badKind.json.message).toMatch(
      /^fault rule: kind must be "latency" \| "status" \| .*, got "explode"$/,
    );
    const perms = await admin("PATCH", `/data_assets/${asset.id}/permissions`, { user: [] });
    expect(perms.json.message).toMatch(/^unknown field "user" in permissions patch/);
    const reset = await admin("POST", "/reset", { keepAssets: true });
    expect(reset.status).toBe(400);
    expect(reset.json.message).toBe("POST /__emulator/reset takes no body");
    expect((await admin("POST", "/reset", {})).status).toBe(204);
  });

  it("checks the seed given as an option when the emulator starts", async () => {
    await expect(
      startEmulator({ seed: { capsules: [{ id: "c", nmae: "x" }] } as never }),
    ).rejects.toThrow(/unknown field "nmae" in seed capsules\[0\]/);
  });
});

describe("in-process admin", () => {
  it("removes an unarchived asset out of band and throws on updates to unknown ids", async () => {
    const asset = await createAsset(emu, awsAsset());
    emu.admin.removeAsset(asset.id);
    expect(emu.admin.asset(asset.id)).toBeUndefined();
    expect((await call(emu, "GET", `/data_assets/${asset.id}`)).status).toBe(404);
    expect(() => emu.admin.updateAsset(asset.id, { name: "x" })).toThrow(/unknown data asset/);
    expect(() => emu.admin.removeAsset(asset.id)).not.toThrow();
  });

  it("serves a state the API does not document, set by an admin edit or an outcome", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    emu.admin.updateAsset(asset.id, { state: "archiving" });
    const edited = (await call(emu, "GET", `/data_assets/${asset.id}`)).json;
    expect(edited.state).toBe("archiving");
    // Like a draft: nothing is known about its files.
    expect([edited.files, edited.size]).toEqual([undefined, undefined]);
    const http = await admin("PATCH", `/data_assets/${asset.id}`, { state: "ready" });
    expect(http.json).toMatchObject({ state: "ready", files: asset.files });

    emu.admin.addOutcome({
      match: { name: "odd" },
      outcome: { kind: "state", state: "quarantined", afterMs: 0 },
    });
    const odd = await createAsset(emu, awsAsset({ name: "odd" }));
    expect(odd.state).toBe("draft");
    expect((await waitForState(emu, odd.id, "quarantined")).failure_reason).toBeUndefined();
    expect(
      (await admin("POST", "/outcomes", { match: {}, outcome: { kind: "state" } })).json,
    ).toEqual({ field: "outcome.state", message: "outcome rule: outcome.state is required" });
  });

  it("replaces the custom metadata schema via seed()", async () => {
    emu.admin.seed({
      customMetadata: {
        fields: [{ name: "site", type: "string", required: true }],
        categories: [{ id: "c1", name: "Clinical" }],
      },
    });
    expect((await call(emu, "GET", "/custom_metadata")).json.categories).toEqual([
      { id: "c1", name: "Clinical" },
    ]);
    const missing = await call(emu, "POST", "/data_assets", awsAsset());
    expect(missing.status).toBe(400);
    expect(missing.json.field).toBe('custom_metadata["site"]');
    const ok = await call(
      emu,
      "POST",
      "/data_assets",
      awsAsset({ custom_metadata: { site: "A" } }),
    );
    expect(ok.status).toBe(200);
  });
});
