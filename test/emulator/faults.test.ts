import { startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, waitFor } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 20 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

const lastEntry = () => emu.admin.journal().at(-1)!;

describe("fault kinds", () => {
  it("answers 429 with Retry-After when configured, and without it when null", async () => {
    emu.admin.addFault({
      route: "GET /custom_metadata",
      kind: "status",
      status: 429,
      retryAfterSeconds: 3,
      times: 1,
    });
    const limited = await call(emu, "GET", "/custom_metadata");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.json.message).toEqual(expect.any(String));
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);

    emu.admin.addFault({
      route: "GET /custom_metadata",
      kind: "status",
      status: 429,
      retryAfterSeconds: null,
    });
    const bare = await call(emu, "GET", "/custom_metadata");
    expect(bare.status).toBe(429);
    expect(bare.headers.get("retry-after")).toBeNull();
  });

  it("answers a 503 before processing, so nothing is created", async () => {
    emu.admin.addFault({
      route: "POST /data_assets",
      kind: "status",
      status: 503,
      message: "maintenance",
    });
    const res = await call(emu, "POST", "/data_assets", awsAsset());
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ message: "maintenance" });
    expect(emu.admin.assets()).toEqual([]);
    expect(lastEntry()).toMatchObject({ status: 503, fault: "status", route: "POST /data_assets" });
  });

  it("answers an HTML error page before processing", async () => {
    emu.admin.addFault({ route: "POST /data_assets", kind: "html" });
    const res = await call(emu, "POST", "/data_assets", awsAsset());
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.text).toMatch(/<html>/);
    expect(emu.admin.assets()).toEqual([]);
  });

  it("reset-before destroys the socket without changing state", async () => {
    emu.admin.addFault({ route: "POST /data_assets", kind: "reset-before" });
    await expect(call(emu, "POST", "/data_assets", awsAsset())).rejects.toThrow();
    expect(emu.admin.assets()).toEqual([]);
    expect(lastEntry()).toMatchObject({ status: 0, fault: "reset-before" });
  });

  it("reset-after processes the request, then destroys the socket", async () => {
    emu.admin.addFault({ route: "POST /data_assets", kind: "reset-after" });
    await expect(call(emu, "POST", "/data_assets", awsAsset())).rejects.toThrow();
    const assets = emu.admin.assets();
    expect(assets).toHaveLength(1);
    expect(lastEntry()).toMatchObject({ status: 0, fault: "reset-after", assetId: assets[0].id });
  });

  it("hang-before never answers and never processes", async () => {
    emu.admin.addFault({ route: "POST /data_assets", kind: "hang-before" });
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 300);
    await expect(
      call(emu, "POST", "/data_assets", awsAsset(), { signal: ctrl.signal }),
    ).rejects.toThrow(/abort/i);
    clearTimeout(timer);
    expect(emu.admin.assets()).toEqual([]);
    expect(lastEntry()).toMatchObject({ status: 0, fault: "hang-before" });
  });

  it("hang-after processes the request and never answers", async () => {
    emu.admin.addFault({ route: "POST /data_assets", kind: "hang-after" });
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 300);
    await expect(
      call(emu, "POST", "/data_assets", awsAsset(), { signal: ctrl.signal }),
    ).rejects.toThrow(/abort/i);
    clearTimeout(timer);
    expect(emu.admin.assets()).toHaveLength(1);
  });

  it("malformed processes the request and answers 200 with invalid JSON", async () => {
    emu.admin.addFault({ route: "POST /data_assets", kind: "malformed" });
    const res = await call(emu, "POST", "/data_assets", awsAsset());
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
    expect(emu.admin.assets()).toHaveLength(1);
  });

  it("latency delays the answer, then handles normally", async () => {
    emu.admin.addFault({ route: "GET /custom_metadata", kind: "latency", latencyMs: 200 });
    const started = Date.now();
    const res = await call(emu, "GET", "/custom_metadata");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.status).toBe(200);
    expect(lastEntry()).toMatchObject({ status: 200, fault: "latency" });
  });

  it("never applies to the admin API", async () => {
    emu.admin.addFault({ kind: "reset-before" });
    const res = await fetch(`${emu.url}/__emulator/health`);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe("fault rule semantics", () => {
  it("fires at most `times` times", async () => {
    emu.admin.addFault({ route: "GET /custom_metadata", kind: "status", status: 500, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(emu, "GET", "/custom_metadata")).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
  });

  it("uses the first matching rule that fires, and route filters", async () => {
    emu.admin.setFaults([
      { route: "GET /capsules/:id", kind: "status", status: 504 },
      { route: "GET /custom_metadata", kind: "status", status: 502, times: 1 },
      { kind: "status", status: 503 },
    ]);
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(502);
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(503);
    expect((await call(emu, "GET", "/capsules/x")).status).toBe(504);
    emu.admin.clearFaults();
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
  });

  it("draws probabilistic faults from the seeded PRNG, reproducibly", async () => {
    const run = async (): Promise<number[]> => {
      emu.admin.reset();
      emu.admin.addFault({
        route: "GET /custom_metadata",
        kind: "status",
        status: 500,
        probability: 0.3,
      });
      const out: number[] = [];
      for (let i = 0; i < 60; i++) out.push((await call(emu, "GET", "/custom_metadata")).status);
      return out;
    };
    const first = await run();
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    expect(await run()).toEqual(first);

    emu.admin.setFaults([{ kind: "status", status: 500, probability: 0 }]);
    for (let i = 0; i < 10; i++)
      expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After above the bound", async () => {
    // A slow refill keeps the bound exact even when this machine is busy.
    emu.admin.setRateLimit({ requestsPerSecond: 0.2, burst: 3 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => call(emu, "GET", "/custom_metadata")),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(limited).toHaveLength(5);
    expect(limited[0].json).toEqual({ message: "Too many requests" });
    expect(Number(limited[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(emu.admin.journal().filter((e) => e.rateLimited)).toHaveLength(limited.length);

    emu.admin.setRateLimit({ requestsPerSecond: 1, burst: 1, retryAfter: false });
    await call(emu, "GET", "/custom_metadata");
    const bare = await call(emu, "GET", "/custom_metadata");
    expect(bare.status).toBe(429);
    expect(bare.headers.get("retry-after")).toBeNull();

    emu.admin.setRateLimit(null);
    expect((await call(emu, "GET", "/custom_metadata")).status).toBe(200);
  });
});

describe("journal", () => {
  it("counts API requests per route key and skips admin requests", async () => {
    await call(emu, "GET", "/custom_metadata");
    await call(emu, "GET", "/custom_metadata");
    await call(emu, "GET", "/data_assets/abc");
    await call(emu, "POST", "/data_assets/search", {});
    await call(emu, "GET", "/custom_metadata", undefined, { token: null });
    await call(emu, "GET", "/nowhere");
    await fetch(`${emu.url}/__emulator/health`);
    expect(emu.admin.counts()).toEqual({
      "GET /custom_metadata": 3,
      "GET /data_assets/:id": 1,
      "POST /data_assets/search": 1,
      "GET /nowhere": 1,
    });
    const journal = emu.admin.journal();
    expect(journal.map((e) => e.status)).toEqual([200, 200, 404, 200, 401, 404]);
    expect(journal[2]).toMatchObject({
      method: "GET",
      path: "/api/v1/data_assets/abc",
      route: "GET /data_assets/:id",
      assetId: "abc",
      time: expect.any(Number),
    });
    emu.admin.clearJournal();
    expect(emu.admin.journal()).toEqual([]);
    expect(emu.admin.counts()).toEqual({});
  });
});

describe("stop()", () => {
  it("destroys hung and delayed requests instead of waiting for them", async () => {
    const local = await startEmulator({
      faults: [
        { route: "GET /custom_metadata", kind: "hang-before" },
        { route: "GET /capsules/:id", kind: "latency", latencyMs: 60_000 },
      ],
    });
    // Settled eagerly: the rejections happen during stop(), before any expect() is attached.
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => "answered",
        () => "failed",
      );
    const hung = outcome(call(local, "GET", "/custom_metadata"));
    const slow = outcome(call(local, "GET", "/capsules/x"));
    // Both requests must have reached the server before stopping.
    await waitFor(
      async () => local.admin.journal().length,
      (n) => n >= 2,
    );
    const started = Date.now();
    await local.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await hung).toBe("failed");
    expect(await slow).toBe("failed");
  });
});
