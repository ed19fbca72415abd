import {
  APIConnectionError,
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  CodeOceanError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
} from "../../provider/core/api/errors";
import { Throttle } from "../../provider/core/api/throttle";
import { SEED_IDS, TOKEN, eventually, fastClient, useEmulator } from "../helpers/emulator";

const emu = useEmulator();
const client = () => fastClient(emu.current);
const awsSource = (bucket = "acme-reads") => ({
  aws: { bucket, prefix: "runs/", keepOnExternalStorage: true },
});

beforeEach(() => emu.current.admin.reset());

describe("data assets", () => {
  it("creates a draft, reads it back ready with files and size", async () => {
    const c = client();
    const created = await c.createDataAsset({
      name: "reads",
      mount: "reads",
      tags: ["rna"],
      description: "d",
      source: awsSource(),
    });
    expect(created.state).toBe("draft");
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const ready = await eventually(async () => {
      const a = await c.getDataAsset(created.id);
      return a.state === "ready" ? a : undefined;
    });
    expect(ready).toMatchObject({
      name: "reads",
      mount: "reads",
      tags: ["rna"],
      description: "d",
      type: "dataset",
    });
    expect(ready.files).toBeGreaterThan(0);
    expect(ready.size).toBeGreaterThan(0);
    expect(ready.sourceBucket).toEqual({
      origin: "aws",
      bucket: "acme-reads",
      prefix: "runs/",
      external: true,
    });
  });

  it("creates a result asset with provenance from a computation", async () => {
    const a = await client().createDataAsset({
      name: "res",
      mount: "res",
      tags: [],
      source: { computation: { id: SEED_IDS.computation } },
    });
    expect(a.type).toBe("result");
    expect(a.provenance.computation).toBe(SEED_IDS.computation);
  });

  it("updates only the fields given", async () => {
    const c = client();
    const a = await c.createDataAsset({
      name: "n1",
      mount: "m1",
      tags: ["a"],
      description: "keep",
      source: awsSource(),
    });
    const u = await c.updateDataAsset(a.id, {
      name: "n2",
      customMetadata: { "subject id": "S-1" },
    });
    expect(u).toMatchObject({
      name: "n2",
      mount: "m1",
      tags: ["a"],
      description: "keep",
      customMetadata: { "subject id": "S-1" },
    });
  });

  it("archives, unarchives and deletes (only when archived)", async () => {
    const c = client();
    const a = await c.createDataAsset({ name: "del", mount: "del", tags: [], source: awsSource() });
    await expect(c.deleteDataAsset(a.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    await c.archiveDataAsset(a.id);
    expect(emu.current.admin.asset(a.id)?.archived).toBe(true);
    await c.unarchiveDataAsset(a.id);
    expect(emu.current.admin.asset(a.id)?.archived).toBe(false);
    await c.archiveDataAsset(a.id);
    await c.deleteDataAsset(a.id);
    expect(await c.findDataAsset(a.id)).toBeUndefined();
  });

  it("searches with pagination across pages", async () => {
    const c = client();
    for (let i = 0; i < 7; i++)
      await c.createDataAsset({
        name: `page-${i}`,
        mount: `p${i}`,
        tags: ["paged"],
        source: awsSource(),
      });
    await c.createDataAsset({ name: "other", mount: "o", tags: [], source: awsSource() });
    emu.current.admin.clearJournal();
    const found = [];
    for await (const a of c.searchDataAssets({ query: "tag:paged", limit: 3 })) found.push(a.name);
    expect(found.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`));
    expect(emu.current.admin.counts()["POST /data_assets/search"]).toBe(3);
  });

  it("reads the deployment's custom metadata schema", async () => {
    const fields = await client().getCustomMetadataSchema();
    expect(fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(["subject id", "collection date"]),
    );
  });
});

describe("capsules and pipelines", () => {
  it("attaches to a capsule: ready false first, true on re-post; detaches", async () => {
    const c = client();
    const a = await c.createDataAsset({ name: "att", mount: "att", tags: [], source: awsSource() });
    await eventually(async () => (await c.getDataAsset(a.id)).state === "ready");
    const [first] = await c.attachDataAssets("capsule", SEED_IDS.capsule, [
      { id: a.id, mount: "data-x" },
    ]);
    expect(first).toMatchObject({ id: a.id, mount: "data-x", ready: false, external: true });
    const again = await eventually(async () => {
      const [r] = await c.attachDataAssets("capsule", SEED_IDS.capsule, [
        { id: a.id, mount: "data-x" },
      ]);
      return r.ready ? r : undefined;
    });
    expect(again.ready).toBe(true);
    await c.detachDataAssets("capsule", SEED_IDS.capsule, [a.id]);
    expect(emu.current.admin.attachments()).toHaveLength(0);
  });

  it("attaches to a pipeline and finds compute targets", async () => {
    const c = client();
    const a = await c.createDataAsset({ name: "pa", mount: "pa", tags: [], source: awsSource() });
    await eventually(async () => (await c.getDataAsset(a.id)).state === "ready");
    const [r] = await c.attachDataAssets("pipeline", SEED_IDS.pipeline, [{ id: a.id }]);
    expect(r.mount).toBe("pa");
    expect(await c.findComputeTarget("pipeline", SEED_IDS.pipeline)).toMatchObject({
      id: SEED_IDS.pipeline,
    });
    expect(
      await c.findComputeTarget("capsule", "00000000-0000-4000-8000-000000000000"),
    ).toBeUndefined();
  });
});

describe("errors", () => {
  it("maps statuses to error classes with status, server message and a next step", async () => {
    const c = client();
    const bad = await c
      .createDataAsset({ name: "", mount: "m", tags: [], source: awsSource() })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/POST \/data_assets failed: HTTP 400: .*name/);

    const unauth = await fastClient(emu.current, { token: "cop_wrong_token_123" })
      .getDataAsset("x")
      .catch((e) => e);
    expect(unauth).toBeInstanceOf(AuthenticationError);
    expect(unauth.message).toMatch(/codeocean:token/);

    const missing = await c.getDataAsset("00000000-0000-4000-8000-000000000000").catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toContain("/data_assets/00000000-0000-4000-8000-000000000000");
  });

  it("gives up on persistent 429 with RateLimitError, and on 500 with InternalServerError", async () => {
    const c = fastClient(emu.current, {
      retry: { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 10 },
    });
    emu.current.admin.setFaults([
      { route: "GET /data_assets/:id", kind: "status", status: 429, retryAfterSeconds: null },
    ]);
    await expect(c.getDataAsset("x")).rejects.toBeInstanceOf(RateLimitError);
    emu.current.admin.setFaults([
      { route: "GET /data_assets/:id", kind: "status", status: 500, message: "boom" },
    ]);
    const e = await c.getDataAsset("x").catch((x) => x);
    expect(e).toBeInstanceOf(InternalServerError);
    expect(e.message).toContain("boom");
  });

  it("reads an HTML error page and a malformed body as clear errors", async () => {
    const c = fastClient(emu.current, { retry: { maxRetries: 0 } });
    emu.current.admin.setFaults([{ route: "GET /capsules/:id", kind: "html", status: 502 }]);
    const html = await c.findComputeTarget("capsule", SEED_IDS.capsule).catch((e) => e);
    expect(html).toBeInstanceOf(InternalServerError);
    expect(html.message).not.toMatch(/<html/i);
    emu.current.admin.setFaults([{ route: "GET /capsules/:id", kind: "malformed" }]);
    await expect(c.findComputeTarget("capsule", SEED_IDS.capsule)).rejects.toBeInstanceOf(
      ResponseValidationError,
    );
  });

  it("never puts the token in an error's message or stack", async () => {
    const errors: unknown[] = [];
    const c = fastClient(emu.current, { retry: { maxRetries: 0 } });
    errors.push(
      await fastClient(emu.current, { token: "cop_secret_token_xyz" })
        .getDataAsset("x")
        .catch((e) => e),
    );
    for (const kind of ["html", "malformed", "reset-before", "status"] as const) {
      emu.current.admin.setFaults([{ route: "*", kind, status: 503 }]);
      errors.push(await c.getDataAsset("x").catch((e) => e));
    }
    emu.current.admin.clearFaults();
    const basic = Buffer.from(`${TOKEN}:`).toString("base64");
    for (const e of errors) {
      expect(e).toBeInstanceOf(CodeOceanError);
      const text = `${(e as Error).message}\n${(e as Error).stack}\n${JSON.stringify(e)}`;
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(basic);
      expect(text).not.toContain("cop_secret_token_xyz");
    }
  });
});

describe("retries", () => {
  it("honours Retry-After on 429 for a GET", async () => {
    const c = client();
    const a = await c.createDataAsset({ name: "ra", mount: "ra", tags: [], source: awsSource() });
    emu.current.admin.clearJournal();
    emu.current.admin.setFaults([
      {
        route: "GET /data_assets/:id",
        kind: "status",
        status: 429,
        retryAfterSeconds: 1,
        times: 1,
      },
    ]);
    const started = Date.now();
    await c.getDataAsset(a.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emu.current.admin.counts()["GET /data_assets/:id"]).toBe(2);
  });

  it("retries a GET after 503 and after a connection reset", async () => {
    const c = client();
    const a = await c.createDataAsset({ name: "rr", mount: "rr", tags: [], source: awsSource() });
    for (const fault of [
      { kind: "status" as const, status: 503 },
      { kind: "reset-before" as const },
    ]) {
      emu.current.admin.clearJournal();
      emu.current.admin.setFaults([{ route: "GET /data_assets/:id", times: 2, ...fault }]);
      expect((await c.getDataAsset(a.id)).id).toBe(a.id);
      expect(emu.current.admin.counts()["GET /data_assets/:id"]).toBe(3);
    }
  });

  it("does not retry a create whose request reached the server", async () => {
    const c = client();
    emu.current.admin.setFaults([{ route: "POST /data_assets", kind: "reset-after", times: 1 }]);
    const e = await c
      .createDataAsset({ name: "once", mount: "once", tags: [], source: awsSource() })
      .catch((x) => x);
    expect(e).toBeInstanceOf(APIConnectionError);
    expect(e.reachedServer).toBe("unknown");
    expect(emu.current.admin.counts()["POST /data_assets"]).toBe(1);
    expect(emu.current.admin.assets().filter((a) => a.name === "once")).toHaveLength(1);
  });

  it("retries a create the server refused before processing (503, 429)", async () => {
    const c = client();
    emu.current.admin.setFaults([
      { route: "POST /data_assets", kind: "status", status: 503, times: 1 },
      { route: "POST /data_assets", kind: "status", status: 429, retryAfterSeconds: 0, times: 1 },
    ]);
    await c.createDataAsset({ name: "twice", mount: "twice", tags: [], source: awsSource() });
    expect(emu.current.admin.counts()["POST /data_assets"]).toBe(3);
    expect(emu.current.admin.assets().filter((a) => a.name === "twice")).toHaveLength(1);
  });

  it("retries a create when the connection was refused (never reached a server)", async () => {
    const c = fastClient(emu.current, {
      domain: "http://127.0.0.1:1",
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    });
    const e = await c
      .createDataAsset({ name: "x", mount: "x", tags: [], source: awsSource() })
      .catch((x) => x);
    expect(e).toBeInstanceOf(APIConnectionError);
    expect(e.reachedServer).toBe("no");
    expect(e.code).toBe("ECONNREFUSED");
  });

  it("fires the per-request timeout", async () => {
    const c = fastClient(emu.current, { requestTimeoutMs: 300, retry: { maxRetries: 0 } });
    emu.current.admin.setFaults([{ route: "GET /data_assets/:id", kind: "hang-before" }]);
    const started = Date.now();
    const e = await c.getDataAsset("x").catch((x) => x);
    expect(e).toBeInstanceOf(APITimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
    emu.current.admin.clearFaults();
  });
});

describe("throttle", () => {
  it("holds its rate and concurrency bounds under 100 concurrent calls", async () => {
    const throttle = new Throttle({ requestsPerSecond: 40, maxConcurrent: 8, adaptive: false });
    const c = fastClient(emu.current, {}, throttle);
    const a = await c.createDataAsset({ name: "t", mount: "t", tags: [], source: awsSource() });
    emu.current.admin.clearJournal();
    const started = Date.now();
    await Promise.all(Array.from({ length: 100 }, () => c.getDataAsset(a.id)));
    const elapsed = Date.now() - started;
    expect(throttle.stats.maxInFlight).toBeLessThanOrEqual(8);
    // 100 requests at 40/s need at least 99/40 s.
    expect(elapsed).toBeGreaterThanOrEqual((99 / 40) * 1000 - 50);
    const times = emu.current.admin
      .journal()
      .map((j) => j.time)
      .sort((x, y) => x - y);
    expect(times).toHaveLength(100);
    for (let i = 0; i + 41 < times.length; i++)
      expect(times[i + 41] - times[i]).toBeGreaterThanOrEqual(950);
  });

  it("adapts to a server rate limit it was not told about", async () => {
    const throttle = new Throttle({ requestsPerSecond: 10, maxConcurrent: 16 });
    const c = fastClient(
      emu.current,
      { retry: { maxRetries: 8, initialDelayMs: 50, maxDelayMs: 500, maxRetryAfterMs: 1_500 } },
      throttle,
    );
    const a = await c.createDataAsset({ name: "ad", mount: "ad", tags: [], source: awsSource() });
    emu.current.admin.setRateLimit({ requestsPerSecond: 20 });
    emu.current.admin.clearJournal();
    await Promise.all(Array.from({ length: 150 }, () => c.getDataAsset(a.id)));
    emu.current.admin.setRateLimit(null);
    const limited = emu.current.admin.journal().filter((j) => j.status === 429).length;
    expect(limited / 150).toBeLessThan(0.1);
    expect(throttle.currentRate).toBeGreaterThan(10);
  });
});

describe("cancellation (the engine's Cancel, through the runtime's signal)", () => {
  it("stops a retry backoff at once, with the signal's reason", async () => {
    emu.current.admin.setFaults([{ route: "GET /data_assets/:id", kind: "status", status: 503 }]);
    const stop = new AbortController();
    const c = fastClient(emu.current, {
      cancelled: stop.signal,
      retry: { initialDelayMs: 20_000, maxDelayMs: 20_000, maxRetries: 4 },
    });
    const reading = c.getDataAsset("0f0f0f0f-0000-4000-8000-000000000001").catch((e: unknown) => e);
    await eventually(() => (emu.current.admin.counts()["GET /data_assets/:id"] ?? 0) >= 1);
    const t0 = Date.now();
    stop.abort(new Error("cancelled by the test"));
    const e = await reading;
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect((e as Error).message).toBe("cancelled by the test");
  });

  it("stops a read in flight, and refuses to start a request once cancelled", async () => {
    emu.current.admin.setFaults([
      { route: "GET /data_assets/:id", kind: "latency", latencyMs: 5_000 },
    ]);
    const stop = new AbortController();
    const c = fastClient(emu.current, { cancelled: stop.signal });
    const reading = c.getDataAsset("0f0f0f0f-0000-4000-8000-000000000001").catch((e: unknown) => e);
    await eventually(() => (emu.current.admin.counts()["GET /data_assets/:id"] ?? 0) >= 1);
    const t0 = Date.now();
    stop.abort(new Error("cancelled by the test"));
    expect(((await reading) as Error).message).toBe("cancelled by the test");
    expect(Date.now() - t0).toBeLessThan(1_000);
    emu.current.admin.clearFaults();
    emu.current.admin.clearJournal();
    await expect(c.getDataAsset("0f0f0f0f-0000-4000-8000-000000000001")).rejects.toThrow(
      "cancelled by the test",
    );
    expect(emu.current.admin.journal()).toEqual([]);
  });
});
