/**
 * Secrets audit: the API token (and its Basic-auth form) and a GCP client secret never
 * appear in the serialized providers, in any host response or host output, in any error
 * message — including errors whose server message echoes the request URL, body or
 * Authorization header — in partial-failure properties, or in read/refresh outputs. The
 * client never sends the token over plain http to a host that is not this machine.
 * (State-file checks after a real `pulumi up` belong to test/e2e.)
 */
import * as http from "http";
import * as os from "os";
import * as util from "util";
import fetch from "node-fetch";
import { CodeOceanClient } from "../../provider/core/api/client";
import { ConfigurationError } from "../../provider/core/api/errors";
import { capsuleAttachmentProvider as ca, dataAssetProvider as da } from "../helpers/runtime";
import { PartialFailure } from "../../provider/resources/partialFailure";
import { SEED_IDS, configureProviderEnv, eventually, useEmulator } from "../helpers/emulator";
import { Host, HostCallError, serializeProvider, startHost } from "../helpers/host";
import { PROVIDER, Props, declaredAsset, freshProviderState } from "./helpers";

jest.setTimeout(60_000);

const TOKEN = "cop_reliabilityAuditToken_7Hq2Zx9wLm";
const GCP_SECRET = "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Kd8";
const BASIC = Buffer.from(`${TOKEN}:`).toString("base64");
const FORBIDDEN = { token: TOKEN, "Basic-auth token": BASIC, "GCP client secret": GCP_SECRET };

/** What a careless server or proxy might send back: the URL, the header and the body. */
const ECHO =
  `rejected POST https://acme.codeocean.com/api/v1/data_assets?token=${TOKEN} ` +
  `(Authorization: Basic ${BASIC}) body {"source":{"gcp":{"client_id":"sa","client_secret":"${GCP_SECRET}"}}}`;

/** Everything a value can show: message, stack, inspect (own fields, cause), JSON. */
function dump(value: unknown): string {
  if (typeof value === "string") return value;
  const parts = [util.inspect(value, { depth: 30, breakLength: Infinity })];
  try {
    parts.push(JSON.stringify(value) ?? "");
  } catch {
    // circular: inspect covered it
  }
  if (value instanceof Error) parts.push(String(value), value.stack ?? "");
  return parts.join("\n");
}

function expectClean(value: unknown, where: string): void {
  const text = dump(value);
  for (const [what, secret] of Object.entries(FORBIDDEN)) {
    if (text.includes(secret))
      throw new Error(`${what} found in ${where}:\n${text.slice(0, 2000)}`);
  }
}

const emu = useEmulator({ tokens: [TOKEN], readyAfterMs: 30, attachReadyAfterMs: 30 });
const admin = () => emu.current.admin;
let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = configureProviderEnv(emu.current, {
    CODEOCEAN_API_TOKEN: TOKEN,
    CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.05",
  });
});
afterAll(() => restoreEnv());
beforeEach(() => {
  admin().reset();
  freshProviderState();
});

const gcpAsset = (name: string, overrides: Props = {}) =>
  declaredAsset(name, {
    source: { gcp: { bucket: "acme-imaging", prefix: "scans/", clientId: "sa-client" } },
    gcpClientSecret: GCP_SECRET,
    ...overrides,
  });

async function checked(news: Props): Promise<Props> {
  const r = await da.check({}, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

/** The only place the secret may be: the `gcpClientSecret` input, which the engine encrypts. */
function withoutSecretInput(inputs: Props): Props {
  const { gcpClientSecret, ...rest } = inputs;
  expect(gcpClientSecret).toBe(GCP_SECRET);
  return rest;
}

async function liveGcpAsset(name: string) {
  const inputs = await checked(gcpAsset(name));
  const { id, outs } = await da.create(inputs);
  return { id, inputs, outs: { ...outs, __provider: PROVIDER } };
}

// ---------------------------------------------------------------------------------------

describe("errors whose server message echoes the URL, the Authorization header and the body", () => {
  const echo = (route: string, status: number) =>
    admin().setFaults([{ route, kind: "status", status, message: ECHO }]);
  // The process has seen the GCP secret, as the provider host has after `check`.
  beforeAll(async () => void (await da.check({}, gcpAsset("seen"))));

  /** The operation, the route it calls, the status sent back with the echo. */
  const CASES: [string, string, number, () => Promise<unknown>][] = [
    [
      "create (400)",
      "POST /data_assets",
      400,
      async () => da.create(await checked(gcpAsset("e1"))),
    ],
    [
      "create (502, reconciled)",
      "POST /data_assets",
      502,
      async () => da.create(await checked(gcpAsset("e2"))),
    ],
    [
      "create waiting for ready (500: partial failure)",
      "GET /data_assets/:id",
      500,
      async () => da.create(await checked(gcpAsset("e3"))),
    ],
    [
      "update (400)",
      "PUT /data_assets/:id",
      400,
      async () => {
        admin().clearFaults();
        const a = await liveGcpAsset("e4");
        echo("PUT /data_assets/:id", 400);
        return da.update(a.id, a.outs, await checked(gcpAsset("e4", { description: "x" })));
      },
    ],
    [
      "refresh (search 500)",
      "POST /data_assets/search",
      500,
      async () => {
        admin().clearFaults();
        const a = await liveGcpAsset("e5");
        echo("POST /data_assets/search", 500);
        return da.read(a.id, a.outs);
      },
    ],
    [
      "delete (archive 403)",
      "PATCH /data_assets/:id/archive",
      403,
      async () => {
        admin().clearFaults();
        const a = await liveGcpAsset("e6");
        echo("PATCH /data_assets/:id/archive", 403);
        return da.delete(a.id, a.outs);
      },
    ],
    [
      "delete (DELETE 403)",
      "DELETE /data_assets/:id",
      403,
      async () => {
        admin().clearFaults();
        const a = await liveGcpAsset("e7");
        echo("DELETE /data_assets/:id", 403);
        return da.delete(a.id, { ...a.outs, onDelete: "delete" });
      },
    ],
    [
      "attach (400)",
      "POST /capsules/:id/data_assets",
      400,
      async () => {
        admin().clearFaults();
        const a = await liveGcpAsset("e8");
        echo("POST /capsules/:id/data_assets", 400);
        return ca.create({
          capsuleId: SEED_IDS.capsule,
          dataAssetId: a.id,
          waitForReady: true,
          readyTimeoutSeconds: 60,
        });
      },
    ],
    [
      "detach (500)",
      "DELETE /capsules/:id/data_assets",
      500,
      async () => ca.delete(`capsule:${SEED_IDS.capsule}:${SEED_IDS.computation}`),
    ],
    [
      "refresh of an attachment (capsule search 500)",
      "POST /capsules/search",
      500,
      async () => ca.read(`capsule:${SEED_IDS.capsule}:${SEED_IDS.computation}`, {}),
    ],
  ];

  test.each(CASES)("%s", async (_what, route, status, run) => {
    echo(route, status);
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    admin().clearFaults();
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    // The echo did arrive (so the check below is not vacuous), with the secrets masked.
    expect(message).toContain(`HTTP ${status}: rejected POST https://acme.codeocean.com`);
    expect(message).toContain("token=*** (Authorization: Basic ***)");
    expect(message).toContain('"client_secret":"***"');
    expectClean(error, `the error of ${_what}`);
    if (error instanceof PartialFailure) {
      expectClean(error.properties, "partial-failure properties");
      expectClean(error.reasons, "partial-failure reasons");
      expect(error.properties.__provider).toBe(PROVIDER);
    }
  });

  it("a failed credentials check at preview fails the check, without the secrets", async () => {
    echo("GET /custom_metadata", 500);
    const error = await da
      .check({}, gcpAsset("log", { customMetadata: { "subject id": "S-1" } }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    admin().clearFaults();
    expect(String(error)).toMatch(/could not reach Code Ocean.*HTTP 500: rejected POST/);
    expectClean(error, "the failed check");
  });
});

// ---------------------------------------------------------------------------------------

describe("a GCP-sourced asset", () => {
  it("is created, read, updated and deleted without the client secret reaching the emulator or any output", async () => {
    const inputs = await checked(gcpAsset("scans"));
    // The checked inputs keep the secret in its own input, which the engine stores encrypted.
    expectClean(withoutSecretInput(inputs), "checked inputs other than gcpClientSecret");
    const { id, outs } = await da.create(inputs);
    expectClean(outs, "create outputs");
    expect(outs.source).toEqual({
      gcp: { bucket: "acme-imaging", prefix: "scans/", clientId: "sa-client" },
    });
    expect(outs.sourceBucket).toMatchObject({ origin: "gcp", bucket: "acme-imaging" });

    // The emulator never stored or echoes it: admin view, API answers, search.
    expectClean(admin().assets(), "the emulator's records");
    const auth = { Authorization: `Basic ${BASIC}`, "Content-Type": "application/json" };
    const api = `${emu.current.url}/api/v1`;
    expectClean(await (await fetch(`${api}/data_assets/${id}`, { headers: auth })).text(), "GET");
    expectClean(
      await (
        await fetch(`${api}/data_assets/search`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ query: "name:scans" }),
        })
      ).text(),
      "search",
    );
    expectClean(await (await fetch(`${emu.current.url}/__emulator/state`)).text(), "admin state");

    const read = await da.read(id, { ...outs, __provider: PROVIDER });
    expectClean(read, "read outputs and inputs");
    const updated = await da.update(
      id,
      read.props,
      await checked(gcpAsset("scans", { description: "CT scans" })),
    );
    expectClean(updated, "update outputs");
    await da.delete(id, updated.outs);
    expect(admin().asset(id)?.archived).toBe(true);
  });

  it("a failed import is a partial failure whose properties hold no secret", async () => {
    admin().addOutcome({
      match: { name: "doomed" },
      outcome: { kind: "fail", reason: "403 Forbidden: storage.objects.list on acme-imaging" },
    });
    const e = await da.create(await checked(gcpAsset("doomed"))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PartialFailure);
    const pf = e as PartialFailure;
    expect(pf.properties).toMatchObject({ state: "failed", __provider: PROVIDER });
    expectClean(pf, "the partial failure");
    expectClean(pf.properties, "partial-failure properties");
  });

  const echoedFailure = async (name: string) => {
    admin().addOutcome({ match: { name }, outcome: { kind: "fail", reason: `GCS said: ${ECHO}` } });
    const e = await da.create(await checked(gcpAsset(name))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PartialFailure);
    return e as PartialFailure;
  };

  it("a failure reason that echoes the secrets is masked in the error message and reasons", async () => {
    const e = await echoedFailure("echoed");
    expect(e.message).toContain(
      "GCS said: rejected POST https://acme.codeocean.com/api/v1/data_assets?token=***",
    );
    expectClean(e.message, "the partial failure's message");
    expectClean(e.reasons, "the partial failure's reasons");
  });

  /** The server's failure_reason is redacted before it becomes an output (and so state). */
  it("the same failure reason is masked in partial-failure properties and refresh outputs", async () => {
    const e = await echoedFailure("echoed-outputs");
    const read = await da.read(e.id, e.properties);
    expect(read.props.failureReason).toContain("GCS said: rejected POST");
    expectClean(e.properties, "partial-failure properties");
    expectClean(read, "refresh outputs");
  });
});

// ---------------------------------------------------------------------------------------

describe("plain http to a host that is not this machine", () => {
  test.each([
    "http://acme.codeocean.com",
    "http://10.0.0.5:8080",
    "http://0.0.0.0:3000",
    "http://localhost.attacker.example",
    "http://127.0.0.1.nip.io",
    "HTTP://ACME.CODEOCEAN.COM/api/v1/",
  ])("is refused: %s", (domain) => {
    let error: unknown;
    try {
      new CodeOceanClient({ domain, token: TOKEN });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /plain http:\/\/, which would send the API token in clear text/,
    );
    expectClean(error, "the configuration error");
  });

  test.each([
    "http://localhost:1",
    "http://127.0.0.1:1",
    "http://[::1]:1",
    "https://acme.codeocean.com",
  ])("is allowed (loopback or https): %s", (domain) => {
    expect(() => new CodeOceanClient({ domain, token: TOKEN }).close()).not.toThrow();
  });

  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

  (external ? it : it.skip)(
    `no request reaches a listener on a non-loopback address (${external ?? "none on this machine"})`,
    async () => {
      const seen: http.IncomingHttpHeaders[] = [];
      const server = http.createServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(404, { "Content-Type": "application/json" }).end('{"message":"nope"}');
      });
      await new Promise<void>((r) => server.listen(0, external, r));
      const domain = `http://${external}:${(server.address() as { port: number }).port}`;
      const restore = configureProviderEnv(emu.current, {
        CODEOCEAN_DOMAIN: domain,
        CODEOCEAN_API_TOKEN: TOKEN,
      });
      try {
        freshProviderState();
        expect(() => new CodeOceanClient({ domain, token: TOKEN })).toThrow(ConfigurationError);
        const attempts: [string, () => Promise<unknown>][] = [
          [
            "check (schema look-up)",
            () => da.check({}, declaredAsset("x", { customMetadata: { replicates: 3 } })),
          ],
          ["create", async () => da.create((await da.check({}, declaredAsset("x"))).inputs)],
          ["read", () => da.read(SEED_IDS.computation, {})],
          ["delete", () => da.delete(SEED_IDS.computation, {})],
          [
            "attach",
            () =>
              ca.create({
                capsuleId: SEED_IDS.capsule,
                dataAssetId: SEED_IDS.computation,
                waitForReady: true,
                readyTimeoutSeconds: 5,
              }),
          ],
        ];
        for (const [what, run] of attempts) {
          const e = await run().then(
            () => undefined,
            (x: unknown) => x,
          );
          expect([what, e]).toEqual([what, expect.any(ConfigurationError)]);
          expectClean(e, what);
        }
        expect(seen).toHaveLength(0);

        // Positive control: with the documented opt-in the same listener does see a request.
        process.env.CODEOCEAN_ALLOW_INSECURE_HTTP = "true";
        freshProviderState();
        await da.read(SEED_IDS.computation, {}).catch(() => undefined);
        expect(seen.length).toBeGreaterThan(0);
      } finally {
        delete process.env.CODEOCEAN_ALLOW_INSECURE_HTTP;
        restore();
        freshProviderState();
        await new Promise((r) => server.close(r));
      }
    },
  );
});

// ---------------------------------------------------------------------------------------

describe("through the dynamic-provider host", () => {
  let host: Host;
  let dataAssetProvider: string;
  let attachmentProvider: string;
  const T = "DataAsset";

  beforeAll(async () => {
    // The host is configured only by stack config (as in a real stack), not by the environment.
    host = await startHost({
      env: { CODEOCEAN_API_TOKEN: undefined, CODEOCEAN_DOMAIN: undefined },
    });
    await host.configure({
      "codeocean:domain": emu.current.url,
      "codeocean:token": TOKEN,
      "codeocean:minPollIntervalSeconds": "0.05",
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("serialized providers hold no secret, even when the token is in the environment and the stack config", async () => {
    const runtime = require("pulumi-codeocean/runtime");
    await runtime.configure({
      config: {
        get: (k: string) =>
          k === "codeocean:token" ? TOKEN : k === "codeocean:domain" ? emu.current.url : undefined,
      },
    });
    dataAssetProvider = await serializeProvider(
      require("pulumi-codeocean/dist/provider/faces/dynamic/dataAsset.js").dataAssetShim,
    );
    attachmentProvider = await serializeProvider(
      require("pulumi-codeocean/dist/provider/faces/dynamic/capsuleAttachment.js")
        .capsuleAttachmentShim,
    );
    for (const text of [dataAssetProvider, attachmentProvider]) {
      expectClean(text, "the serialized provider");
      expect(text).not.toContain(emu.current.url);
      expect(text).toContain('require("pulumi-codeocean/runtime")');
    }
    await runtime.configure({ config: { get: () => undefined } });
  });

  it("every response of a GCP asset's life holds no secret but the encrypted input", async () => {
    const news = { ...gcpAsset("host-scans"), __provider: dataAssetProvider };
    const { inputs, failures } = await host.check(T, {}, news);
    expect(failures).toEqual([]);
    expectClean(withoutSecretInput(inputs), "check response (other than gcpClientSecret)");
    const created = await host.create(T, inputs);
    expectClean(created, "create response");
    const read = await host.read(T, created.id, created.properties);
    expectClean(read, "read response");
    const news2 = (await host.check(T, inputs, { ...news, description: "CT" })).inputs;
    expectClean(await host.diff(T, created.id, read.properties, news2), "diff response");
    const updated = await host.update(T, created.id, read.properties, news2);
    expectClean(updated, "update response");
    await host.delete(T, created.id, updated.properties);
    expect(admin().asset(created.id)?.archived).toBe(true);
  });

  it("errors and partial failures that echo the secrets reach the engine masked", async () => {
    const news = { ...gcpAsset("host-echo"), __provider: dataAssetProvider };
    const { inputs } = await host.check(T, {}, news);
    admin().setFaults([
      { route: "GET /data_assets/:id", kind: "status", status: 500, message: ECHO, times: 1 },
    ]);
    const partial = await host.create(T, inputs).catch((e: unknown) => e);
    expect(partial).toBeInstanceOf(HostCallError);
    const pf = partial as HostCallError;
    expect(pf.message).toContain("Authorization: Basic ***");
    expect(pf.initFailed?.properties.__provider).toBe(dataAssetProvider);
    expectClean(pf, "the partial failure over gRPC");

    admin().setFaults([
      { route: "PUT /data_assets/:id", kind: "status", status: 400, message: ECHO },
    ]);
    const news2 = (await host.check(T, inputs, { ...news, description: "x" })).inputs;
    const failed = await host
      .update(T, pf.initFailed!.id, pf.initFailed!.properties, news2)
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(HostCallError);
    expect((failed as Error).message).toContain("HTTP 400: rejected POST");
    expectClean(failed, "the update error over gRPC");

    admin().setFaults([
      { route: "POST /capsules/:id/data_assets", kind: "status", status: 400, message: ECHO },
    ]);
    const attach = await host
      .create("CapsuleAttachment", {
        __provider: attachmentProvider,
        capsuleId: SEED_IDS.capsule,
        dataAssetId: pf.initFailed!.id,
        waitForReady: true,
        readyTimeoutSeconds: 30,
      })
      .catch((e: unknown) => e);
    expect(attach).toBeInstanceOf(HostCallError);
    expectClean(attach, "the attach error over gRPC");
    admin().clearFaults();
  });

  it("a failed refresh, which the host prints with its stack, is printed masked", async () => {
    admin().setFaults([
      { route: "GET /data_assets/:id", kind: "status", status: 500, message: ECHO },
    ]);
    const failed = await host
      .read(T, "9d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a", {
        __provider: dataAssetProvider,
        name: "host-refresh",
        state: "ready",
      })
      .catch((e: unknown) => e);
    admin().clearFaults();
    expect(failed).toBeInstanceOf(HostCallError);
    expectClean(failed, "the read error over gRPC");
    // The host prints a failed read itself, asynchronously; wait for the line.
    await eventually(() => /HTTP 500: rejected POST/.test(host.output()), 5_000);
  });

  it("the host's stdout and stderr never carried a secret", () => {
    expect(host.output().length).toBeGreaterThan(0);
    expectClean(host.output(), "the host's output");
  });
});
