/**
 * The native plugin's gRPC server, driven as the engine drives it: the generated
 * ResourceProvider client from @pulumi/pulumi, real requests on a loopback port, a fake
 * provider that records what reached it.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";
import { registerSecret } from "../../provider/core/api/redact";
import { serve, shutDown, SETTLE_MS, type PluginServer } from "../../provider/faces/plugin/server";
import {
  appendStructFields,
  readStructFields,
  SECRET_SIG,
  SIG_KEY,
  UNKNOWN,
  type Props,
} from "../../provider/faces/plugin/struct";
import type {
  CallContext,
  PluginProvider,
  ResourceMethods,
} from "../../provider/faces/plugin/types";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const statusPb = require("@pulumi/pulumi/proto/status_pb");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb.js");

const TYPE = "codeocean:index:DataAsset";
const URN = `urn:pulumi:dev::proj::${TYPE}::asset`;
const FUNCTION = "codeocean:index:getDataAsset";
const { DIFF_NONE, DIFF_SOME } = providerPb.DiffResponse.DiffChanges;

// ---------------------------------------------------------------------------------------------
// A fake provider that records every call.

interface Recorded {
  method: string;
  args: unknown[];
}

function fakeProvider(
  overrides: Partial<ResourceMethods> = {},
  extra: Partial<PluginProvider> = {},
): { provider: PluginProvider; calls: Recorded[]; ctxOf(method: string): CallContext } {
  const calls: Recorded[] = [];
  // Every method records its arguments, then runs the override or the default.
  const recorded = <F extends (...args: never[]) => unknown>(method: string, fn: F): F =>
    ((...args: never[]) => {
      calls.push({ method, args });
      return fn(...args);
    }) as F;
  const methods: ResourceMethods = {
    check: async (_olds, news) => ({ inputs: news, failures: [] }),
    diff: async () => ({ changes: false, replaces: [], deleteBeforeReplace: false }),
    create: async (inputs) => ({ id: "da-1", outs: { ...inputs, state: "ready" } }),
    read: async (id, props, inputs) => ({ id, props, inputs }),
    update: async (_id, _olds, news) => ({ outs: { ...news, state: "ready" } }),
    delete: async () => undefined,
    ...overrides,
  };
  const resources = {
    [TYPE]: Object.fromEntries(
      Object.entries(methods).map(([name, fn]) => [name, recorded(name, fn)]),
    ) as unknown as ResourceMethods,
  };
  const base: PluginProvider = {
    version: "1.2.3",
    schema: () =>
      JSON.stringify({ name: "codeocean", functions: { [FUNCTION]: {} }, resources: {} }),
    checkConfig: async (_olds, news) => ({ inputs: news, failures: [] }),
    diffConfig: (olds, news) =>
      [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
        (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
      ),
    configure: async () => undefined,
    resources,
    invoke: async (_token, args) => ({ found: args }),
    ...extra,
  };
  const provider: PluginProvider = {
    ...base,
    checkConfig: recorded("checkConfig", base.checkConfig),
    diffConfig: recorded("diffConfig", base.diffConfig),
    configure: recorded("configure", base.configure),
    invoke: recorded("invoke", base.invoke),
  };
  const ctxOf = (method: string) => {
    const call = calls.filter((c) => c.method === method).pop();
    if (!call) throw new Error(`no ${method} call recorded`);
    return call.args[call.args.length - 1] as CallContext;
  };
  return { provider, calls, ctxOf };
}

// ---------------------------------------------------------------------------------------------
// A client over the generated stubs, closed after each test with its server.

class CallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    readonly metadata: grpc.Metadata,
  ) {
    super(`${code}: ${details}`);
  }

  /** The ErrorResourceInitFailed detail of a partial failure, parsed as the engine does. */
  initFailed() {
    const bin = this.metadata.get("grpc-status-details-bin")[0];
    if (!bin) return undefined;
    const status = statusPb.Status.deserializeBinary(bin as Buffer);
    const any = status.getDetailsList()[0];
    const bytes = any.getValue_asU8();
    const detail = providerPb.ErrorResourceInitFailed.deserializeBinary(bytes);
    const structs = readStructFields(bytes, [2, 4]);
    return {
      statusCode: status.getCode(),
      statusMessage: status.getMessage(),
      typeUrl: any.getTypeUrl(),
      id: detail.getId(),
      reasons: detail.getReasonsList(),
      properties: structs.get(2),
      inputs: structs.get(4),
    };
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function start(provider: PluginProvider) {
  const server: PluginServer = await serve(provider, { port: 0 });
  cleanups.push(() => server.close());
  const raw = new providerGrpc.ResourceProviderClient(
    `127.0.0.1:${server.port}`,
    grpc.credentials.createInsecure(),
  );
  cleanups.push(() => raw.close());
  const deadline = () => ({ deadline: Date.now() + 10_000 });
  const settle =
    <T>(resolve: (v: T) => void, reject: (e: unknown) => void) =>
    (err: grpc.ServiceError | null, resp: T) =>
      err ? reject(new CallError(err.code, err.details, err.metadata)) : resolve(resp);

  return {
    server,
    raw,
    /** A call through the generated stub, as the engine makes it. */
    call<T>(method: string, req: unknown): Promise<T> {
      return new Promise((resolve, reject) =>
        raw[method](req, new grpc.Metadata(), deadline(), settle(resolve, reject)),
      );
    },
    /**
     * A call whose Struct fields are written as raw bytes (google-protobuf cannot write a
     * `__proto__` key) and whose answer's Struct fields are read the same way.
     */
    callRaw<M>(
      rpc: string,
      req: { serializeBinary(): Uint8Array },
      structs: Record<number, Props>,
      respType: { deserializeBinary(b: Uint8Array): M },
      respFields: number[],
    ): Promise<{ msg: M; structs: Map<number, Props> }> {
      return new Promise((resolve, reject) =>
        raw.makeUnaryRequest(
          `/pulumirpc.ResourceProvider/${rpc}`,
          (r: typeof req) => appendStructFields(r.serializeBinary(), structs),
          (buf: Buffer) => ({
            msg: respType.deserializeBinary(new Uint8Array(buf)),
            structs: readStructFields(buf, respFields),
          }),
          req,
          new grpc.Metadata(),
          deadline(),
          settle(resolve, reject),
        ),
      );
    },
  };
}

const struct = (p: Props) => Struct.fromJavaScript(p);
const js = (s: { toJavaScript(): Props } | undefined) => s?.toJavaScript();

function createRequest(props: Props, timeout = 0) {
  return new providerPb.CreateRequest()
    .setUrn(URN)
    .setType(TYPE)
    .setProperties(struct(props))
    .setTimeout(timeout);
}

async function rejection(p: Promise<unknown>): Promise<CallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CallError)) throw new Error(`expected a gRPC error, got ${String(err)}`);
  return err;
}

// ---------------------------------------------------------------------------------------------

describe("plugin information and unimplemented methods", () => {
  it("GetPluginInfo answers the version, GetSchema the schema text", async () => {
    const { provider } = fakeProvider();
    const c = await start(provider);
    const info = await c.call<pluginPb.PluginInfo>("getPluginInfo", new Empty());
    expect(info.getVersion()).toBe("1.2.3");
    const schema = await c.call<providerPb.GetSchemaResponse>(
      "getSchema",
      new providerPb.GetSchemaRequest(),
    );
    expect(JSON.parse(schema.getSchema())).toMatchObject({ name: "codeocean" });
  });

  it("answers UNIMPLEMENTED where the engine tolerates it or never asks, and Attach with OK", async () => {
    const { provider } = fakeProvider();
    const c = await start(provider);
    const unimplemented: [string, unknown][] = [
      ["getMapping", new providerPb.GetMappingRequest()],
      ["getMappings", new providerPb.GetMappingsRequest()],
      ["parameterize", new providerPb.ParameterizeRequest()],
      ["construct", new providerPb.ConstructRequest()],
      ["call", new providerPb.CallRequest()],
    ];
    for (const [method, req] of unimplemented) {
      const err = await rejection(c.call(method, req));
      expect([method, err.code]).toEqual([method, grpc.status.UNIMPLEMENTED]);
    }
    await expect(c.call("attach", new pluginPb.PluginAttach())).resolves.toBeInstanceOf(Empty);

    // Handshake and List by path: the generated client of an older @pulumi/pulumi (the peer
    // range's floor, 3.139) has neither, and an empty message is a valid request of any type.
    const empty = () => Buffer.alloc(0);
    const handshake = await new Promise<grpc.ServiceError | null>((resolve) =>
      c.raw.makeUnaryRequest(
        "/pulumirpc.ResourceProvider/Handshake",
        empty,
        (b: Buffer) => b,
        {},
        new grpc.Metadata(),
        { deadline: Date.now() + 10_000 },
        resolve,
      ),
    );
    expect(handshake?.code).toBe(grpc.status.UNIMPLEMENTED);
    const listed = await new Promise<grpc.ServiceError>((resolve) => {
      const stream = c.raw.makeServerStreamRequest(
        "/pulumirpc.ResourceProvider/List",
        empty,
        (b: Buffer) => b,
        {},
        new grpc.Metadata(),
        {},
      );
      stream.on("error", resolve);
      stream.on("data", () => undefined);
    });
    expect(listed.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

describe("configuration", () => {
  it("CheckConfig hands the provider its keys without the engine's version, and puts version back", async () => {
    const fake = fakeProvider(
      {},
      {
        checkConfig: async (_olds, news) => ({
          inputs: { ...news, domain: String(news.domain).toLowerCase() },
          failures: news.token ? [] : [{ property: "token", reason: "missing" }],
        }),
      },
    );
    const c = await start(fake.provider);
    // The default provider's payload: stack config keys without the namespace, as strings.
    const req = new providerPb.CheckRequest()
      .setUrn("urn:pulumi:dev::proj::pulumi:providers:codeocean::default_1_2_3")
      .setOlds(struct({}))
      .setNews(
        struct({
          domain: "HTTPS://X.codeocean.com",
          skipCredentialsValidation: "true",
          version: "1.2.3",
        }),
      );
    const resp = await c.call<providerPb.CheckResponse>("checkConfig", req);
    expect(fake.calls[0]).toEqual({
      method: "checkConfig",
      args: [{}, { domain: "HTTPS://X.codeocean.com", skipCredentialsValidation: "true" }],
    });
    expect(js(resp.getInputs())).toEqual({
      domain: "https://x.codeocean.com",
      skipCredentialsValidation: "true",
      version: "1.2.3",
    });
    expect(resp.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
      ["token", "missing"],
    ]);
  });

  it("DiffConfig compares old inputs with new ones and reports changed keys, a new version among them", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const diff = (olds: Props, news: Props, oldInputs?: Props) => {
      const req = new providerPb.DiffRequest()
        .setUrn("urn:pulumi:dev::proj::pulumi:providers:codeocean::p")
        .setId("prov-id")
        .setOlds(struct(olds))
        .setNews(struct(news));
      if (oldInputs) req.setOldInputs(struct(oldInputs));
      return c.call<providerPb.DiffResponse>("diffConfig", req);
    };

    const same = await diff({ domain: "stale-output" }, { domain: "a" }, { domain: "a" });
    expect(same.getChanges()).toBe(DIFF_NONE);
    expect(fake.calls.pop()).toEqual({
      method: "diffConfig",
      args: [{ domain: "a" }, { domain: "a" }],
    });

    const changed = await diff(
      { domain: "a", version: "1.0.0" },
      { domain: "b", version: "1.1.0" },
    );
    expect(changed.getChanges()).toBe(DIFF_SOME);
    expect(changed.getDiffsList()).toEqual(["domain", "version"]);
    expect(changed.getReplacesList()).toEqual([]);
    expect(fake.calls.pop()).toEqual({
      method: "diffConfig",
      args: [{ domain: "a" }, { domain: "b" }],
    });
  });

  it("Configure unwraps the secrets the engine wraps anyway, drops version, and declines secrets, resources and preview", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const req = new providerPb.ConfigureRequest()
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setArgs(
        struct({
          domain: "https://x.codeocean.com",
          token: { [SIG_KEY]: SECRET_SIG, value: "cop_secret" },
          version: "1.2.3",
        }),
      );
    req.getVariablesMap().set("codeocean:config:domain", "ignored when args are present");
    const resp = await c.call<providerPb.ConfigureResponse>("configure", req);
    expect(fake.calls).toEqual([
      {
        method: "configure",
        args: [{ domain: "https://x.codeocean.com", token: "cop_secret" }],
      },
    ]);
    expect(resp.getAcceptsecrets()).toBe(false);
    expect(resp.getAcceptresources()).toBe(false);
    expect(resp.getSupportspreview()).toBe(false);
    expect(resp.getAcceptoutputs()).toBe(false);
  });

  it("Configure falls back to the deprecated variables when an engine sends no args", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const req = new providerPb.ConfigureRequest();
    req.getVariablesMap().set("codeocean:config:domain", "https://x.codeocean.com");
    req.getVariablesMap().set("codeocean:config:token", "t");
    await c.call("configure", req);
    expect(fake.calls[0].args).toEqual([{ domain: "https://x.codeocean.com", token: "t" }]);
  });

  it("a configure error is its message", async () => {
    const fake = fakeProvider(
      {},
      {
        configure: async () => {
          throw new Error("codeocean:domain is required");
        },
      },
    );
    const c = await start(fake.provider);
    const err = await rejection(
      c.call("configure", new providerPb.ConfigureRequest().setArgs(struct({}))),
    );
    expect(err.details).toBe("codeocean:domain is required");
  });
});

describe("resource methods", () => {
  it("Check passes olds and news, returns inputs and failures", async () => {
    const fake = fakeProvider({
      check: async (_olds, news) => ({
        inputs: { ...news, mount: "m" },
        failures: [{ property: "name", reason: "too long" }],
      }),
    });
    const c = await start(fake.provider);
    const req = new providerPb.CheckRequest()
      .setUrn(URN)
      .setType(TYPE)
      .setOlds(struct({}))
      .setNews(struct({ name: "n" }));
    const resp = await c.call<providerPb.CheckResponse>("check", req);
    expect(js(resp.getInputs())).toEqual({ name: "n", mount: "m" });
    expect(resp.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
      ["name", "too long"],
    ]);
    expect(fake.calls[0].args.slice(0, 2)).toEqual([{}, { name: "n" }]);
    expect(fake.ctxOf("check")).toMatchObject({ urn: URN, timeoutSeconds: undefined });
  });

  it("finds the type in the URN when the request has none, nested under a parent", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const nested = `urn:pulumi:dev::proj::my:component:Thing$${TYPE}::asset`;
    await c.call("check", new providerPb.CheckRequest().setUrn(nested).setNews(struct({})));
    expect(fake.calls.map((x) => x.method)).toEqual(["check"]);
  });

  it("an unknown type token is an error naming it and the known ones", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const err = await rejection(
      c.call(
        "create",
        new providerPb.CreateRequest()
          .setUrn("urn:pulumi:dev::proj::codeocean:index:Nope::n")
          .setType("codeocean:index:Nope"),
      ),
    );
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toBe(
      `unknown resource type "codeocean:index:Nope"; this provider manages ${TYPE}`,
    );
    expect(fake.calls).toEqual([]);
  });

  it("Diff passes id, old outputs, news and old inputs; answers changes, replaces, deleteBeforeReplace and diffs", async () => {
    const fake = fakeProvider({
      diff: async (_id, _olds, news, oldInputs) => {
        const changes = news.name !== oldInputs.name;
        return changes
          ? { changes, replaces: ["mount"], deleteBeforeReplace: true, diffs: ["mount", "name"] }
          : { changes, replaces: [], deleteBeforeReplace: false };
      },
    });
    const c = await start(fake.provider);
    const req = new providerPb.DiffRequest()
      .setUrn(URN)
      .setType(TYPE)
      .setId("da-1")
      .setOlds(struct({ name: "a", state: "ready" }))
      .setNews(struct({ name: "b" }))
      .setOldInputs(struct({ name: "a" }));
    const resp = await c.call<providerPb.DiffResponse>("diff", req);
    expect(resp.getChanges()).toBe(DIFF_SOME);
    expect(resp.getReplacesList()).toEqual(["mount"]);
    expect(resp.getDeletebeforereplace()).toBe(true);
    expect(resp.getDiffsList()).toEqual(["mount", "name"]);
    expect(fake.calls[0].args.slice(0, 4)).toEqual([
      "da-1",
      { name: "a", state: "ready" },
      { name: "b" },
      { name: "a" },
    ]);

    const none = await c.call<providerPb.DiffResponse>(
      "diff",
      new providerPb.DiffRequest().setUrn(URN).setId("da-1"),
    );
    // The fake's default diff: no changes. Missing Structs arrive as {}.
    expect(none.getChanges()).toBe(DIFF_NONE);
    expect(fake.calls[1].args.slice(0, 4)).toEqual(["da-1", {}, {}, {}]);
  });

  it("Create passes the inputs and the timeout (0 means none), answers id and outputs", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const resp = await c.call<providerPb.CreateResponse>(
      "create",
      createRequest({ name: "n" }, 420),
    );
    expect(resp.getId()).toBe("da-1");
    expect(js(resp.getProperties())).toEqual({ name: "n", state: "ready" });
    expect(fake.ctxOf("create")).toMatchObject({ urn: URN, timeoutSeconds: 420 });

    await c.call("create", createRequest({ name: "n" }));
    expect(fake.ctxOf("create").timeoutSeconds).toBeUndefined();
  });

  it("a Create with preview set never reaches the provider", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const resp = await c.call<providerPb.CreateResponse>(
      "create",
      createRequest({ name: "n" }).setPreview(true),
    );
    expect(js(resp.getProperties())).toEqual({ name: "n" });
    expect(fake.calls).toEqual([]);
  });

  it("Read of an import (an id, empty properties, no inputs) works and can answer inputs", async () => {
    const fake = fakeProvider({
      read: async (id) => ({
        id,
        props: { name: "found", state: "ready" },
        inputs: { name: "found" },
      }),
    });
    const c = await start(fake.provider);
    // What the engine sends for `pulumi import` (deploy/step.go ImportStep).
    const req = new providerPb.ReadRequest()
      .setId("da-9")
      .setUrn(URN)
      .setType(TYPE)
      .setProperties(struct({}));
    const resp = await c.call<providerPb.ReadResponse>("read", req);
    expect(fake.calls[0].args.slice(0, 3)).toEqual(["da-9", {}, {}]);
    expect(resp.getId()).toBe("da-9");
    expect(js(resp.getProperties())).toEqual({ name: "found", state: "ready" });
    expect(js(resp.getInputs())).toEqual({ name: "found" });
  });

  it("Read of a refresh passes old outputs, old inputs and the timeout; an empty id says gone", async () => {
    const fake = fakeProvider({ read: async () => ({ id: "", props: {} }) });
    const c = await start(fake.provider);
    const req = new providerPb.ReadRequest()
      .setId("da-1")
      .setUrn(URN)
      .setProperties(struct({ name: "a", state: "ready" }))
      .setInputs(struct({ name: "a" }));
    // ReadRequest.timeout is newer than @pulumi/pulumi 3.139, whose class cannot carry it.
    const withTimeout = req as unknown as { setTimeout?: (seconds: number) => unknown };
    const carriesTimeout = typeof withTimeout.setTimeout === "function";
    withTimeout.setTimeout?.(30);
    const resp = await c.call<providerPb.ReadResponse>("read", req);
    expect(fake.calls[0].args.slice(0, 3)).toEqual([
      "da-1",
      { name: "a", state: "ready" },
      { name: "a" },
    ]);
    expect(fake.ctxOf("read").timeoutSeconds).toBe(carriesTimeout ? 30 : undefined);
    expect(resp.getId()).toBe("");
    expect(resp.hasInputs()).toBe(false);
  });

  it("Update passes id, old outputs, news, old inputs and the timeout; answers outputs", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const req = new providerPb.UpdateRequest()
      .setId("da-1")
      .setUrn(URN)
      .setType(TYPE)
      .setOlds(struct({ name: "a", state: "ready" }))
      .setNews(struct({ name: "b" }))
      .setOldInputs(struct({ name: "a" }))
      .setTimeout(3600);
    const resp = await c.call<providerPb.UpdateResponse>("update", req);
    expect(js(resp.getProperties())).toEqual({ name: "b", state: "ready" });
    expect(fake.calls[0].args.slice(0, 4)).toEqual([
      "da-1",
      { name: "a", state: "ready" },
      { name: "b" },
      { name: "a" },
    ]);
    expect(fake.ctxOf("update").timeoutSeconds).toBe(3600);
  });

  it("Delete passes id, old outputs, old inputs and the timeout", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const req = new providerPb.DeleteRequest()
      .setId("da-1")
      .setUrn(URN)
      .setType(TYPE)
      .setProperties(struct({ name: "a", state: "ready" }))
      .setOldInputs(struct({ name: "a" }))
      .setTimeout(10);
    await expect(c.call("delete", req)).resolves.toBeInstanceOf(Empty);
    expect(fake.calls[0].args.slice(0, 3)).toEqual([
      "da-1",
      { name: "a", state: "ready" },
      { name: "a" },
    ]);
    expect(fake.ctxOf("delete").timeoutSeconds).toBe(10);
  });

  it("Invoke runs a function the schema lists, and names an unknown one", async () => {
    const fake = fakeProvider();
    const c = await start(fake.provider);
    const resp = await c.call<providerPb.InvokeResponse>(
      "invoke",
      new providerPb.InvokeRequest().setTok(FUNCTION).setArgs(struct({ id: "x" })),
    );
    expect(js(resp.getReturn())).toEqual({ found: { id: "x" } });
    expect(fake.calls[0]).toEqual({ method: "invoke", args: [FUNCTION, { id: "x" }] });

    const err = await rejection(
      c.call("invoke", new providerPb.InvokeRequest().setTok("codeocean:index:nope")),
    );
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toBe(
      `unknown function "codeocean:index:nope"; this provider has ${FUNCTION}`,
    );
    expect(fake.calls).toHaveLength(1);
  });
});

describe("values on the wire", () => {
  it("drops nulls, keeps __proto__ and constructor as own keys and the unknown sentinel, both ways", async () => {
    const fake = fakeProvider({
      check: async (_olds, news) => ({ inputs: news, failures: [] }),
    });
    const c = await start(fake.provider);
    const news: Props = { name: "n", gone: null, pending: UNKNOWN, tags: [UNKNOWN, null] };
    Object.defineProperty(news, "__proto__", {
      value: { polluted: "yes", alsoGone: null },
      enumerable: true,
    });
    Object.defineProperty(news, "constructor", { value: "c", enumerable: true });

    const resp = await c.callRaw(
      "Check",
      new providerPb.CheckRequest().setUrn(URN).setType(TYPE),
      { 2: {}, 3: news },
      providerPb.CheckResponse,
      [1],
    );

    const received = fake.calls[0].args[1] as Props;
    expect(Object.keys(received).sort()).toEqual(
      ["__proto__", "constructor", "name", "pending", "tags"].sort(),
    );
    expect(Object.getPrototypeOf(received)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(received, "__proto__")?.value).toEqual({
      polluted: "yes",
    });
    expect(received.pending).toBe(UNKNOWN);
    expect(received.tags).toEqual([UNKNOWN, null]);

    const echoed = resp.structs.get(1)!;
    expect(Object.keys(echoed).sort()).toEqual(Object.keys(received).sort());
    expect(Object.getOwnPropertyDescriptor(echoed, "__proto__")?.value).toEqual({
      polluted: "yes",
    });
    expect(({} as Props).polluted).toBeUndefined();
  });

  it("drops undefined from what goes back to the engine", async () => {
    const fake = fakeProvider({
      create: async () => ({ id: "da-1", outs: { name: "n", description: undefined } }),
    });
    const c = await start(fake.provider);
    const resp = await c.call<providerPb.CreateResponse>("create", createRequest({}));
    expect(Object.keys(js(resp.getProperties())!)).toEqual(["name"]);
  });
});

describe("errors", () => {
  it("outputs the wire cannot carry still record the created object (ErrorResourceInitFailed with the inputs)", async () => {
    const fake = fakeProvider({
      create: async () => ({ id: "da-7", outs: { name: "n", size: 10n } }),
    });
    const c = await start(fake.provider);
    const err = await rejection(c.call("create", createRequest({ name: "n" })));
    const reason =
      "create succeeded but its outputs cannot be sent to the Pulumi engine: cannot send a bigint to the Pulumi engine (at (root).size)";
    expect(err.details).toBe(reason);
    expect(err.initFailed()).toMatchObject({
      id: "da-7",
      properties: { name: "n" },
      reasons: [reason],
    });
  });

  it("an error carrying id, properties and reasons becomes ErrorResourceInitFailed, inputs included", async () => {
    const partial = Object.assign(new Error("attach failed after create"), {
      id: "da-1",
      properties: { name: "n", state: "ready" },
      reasons: ["attach failed after create"],
      inputs: { name: "n" },
    });
    const fake = fakeProvider({
      create: async () => {
        throw partial;
      },
      update: async () => {
        throw { ...partial, message: "update half done", inputs: undefined };
      },
    });
    const c = await start(fake.provider);

    const err = await rejection(c.call("create", createRequest({ name: "n" })));
    expect(err.code).toBe(grpc.status.UNKNOWN);
    expect(err.details).toBe("attach failed after create");
    expect(err.initFailed()).toEqual({
      statusCode: grpc.status.UNKNOWN,
      statusMessage: "attach failed after create",
      typeUrl: "type.googleapis.com/pulumirpc.ErrorResourceInitFailed",
      id: "da-1",
      reasons: ["attach failed after create"],
      properties: { name: "n", state: "ready" },
      inputs: { name: "n" },
    });

    const upd = await rejection(
      c.call("update", new providerPb.UpdateRequest().setId("da-1").setUrn(URN).setType(TYPE)),
    );
    expect(upd.details).toBe("update half done");
    expect(upd.initFailed()).toMatchObject({ id: "da-1", inputs: undefined });
  });

  it("a partial failure whose properties the wire cannot carry still records the id", async () => {
    const fake = fakeProvider({
      create: async () => {
        throw Object.assign(new Error("half made"), {
          id: "da-8",
          properties: { size: 1n },
          reasons: ["half made"],
        });
      },
    });
    const c = await start(fake.provider);
    const err = await rejection(c.call("create", createRequest({})));
    expect(err.initFailed()).toMatchObject({
      id: "da-8",
      properties: {},
      reasons: [
        "half made",
        "its outputs cannot be sent to the Pulumi engine: cannot send a bigint to the Pulumi engine (at (root).size)",
      ],
    });
  });

  it("any other error is its message alone: no stack, no details, secrets redacted", async () => {
    registerSecret("cop_0123456789SECRET");
    const errors: unknown[] = [
      new TypeError("boom"),
      "a thrown string",
      new Error("token cop_0123456789SECRET was refused"),
      Object.assign(new Error("id without properties"), { id: "da-1", reasons: ["x"] }),
    ];
    const fake = fakeProvider({
      create: async () => {
        throw errors.shift();
      },
    });
    const c = await start(fake.provider);
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) {
      const err = await rejection(c.call("create", createRequest({})));
      expect(err.code).toBe(grpc.status.UNKNOWN);
      expect(err.initFailed()).toBeUndefined();
      messages.push(err.details);
    }
    expect(messages).toEqual([
      "boom",
      "a thrown string",
      "token *** was refused",
      "id without properties",
    ]);
  });
});

describe("cancellation", () => {
  /** A create that waits until its signal aborts, and tells when it started. */
  function waitingCreate() {
    let started!: (ctx: CallContext) => void;
    const running = new Promise<CallContext>((resolve) => (started = resolve));
    const create = (_inputs: Props, ctx: CallContext) =>
      new Promise<never>((_resolve, reject) => {
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        started(ctx);
      });
    return { create, running };
  }

  it("Cancel aborts a create in flight at once, and every later call fails promptly without reaching the provider", async () => {
    const waiting = waitingCreate();
    const fake = fakeProvider({ create: waiting.create });
    const c = await start(fake.provider);

    const creating = rejection(c.call("create", createRequest({ name: "n" })));
    await waiting.running;
    const t0 = Date.now();
    await expect(c.call("cancel", new Empty())).resolves.toBeInstanceOf(Empty);
    const err = await creating;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err.details).toBe("cancelled by the Pulumi engine");

    const t1 = Date.now();
    const later = await rejection(c.call("create", createRequest({ name: "m" })));
    const check = await rejection(
      c.call("check", new providerPb.CheckRequest().setUrn(URN).setType(TYPE)),
    );
    expect(Date.now() - t1).toBeLessThan(1000);
    expect(later.code).toBe(grpc.status.CANCELLED);
    expect(later.details).toBe("create not started: cancelled by the Pulumi engine");
    expect(check.code).toBe(grpc.status.CANCELLED);
    expect(fake.calls.map((x) => x.method)).toEqual(["create"]);

    // Cancel again (the engine's shutdown after a Ctrl-C) is still no error, and the cheap
    // calls still answer.
    await expect(c.call("cancel", new Empty())).resolves.toBeInstanceOf(Empty);
    const info = await c.call<pluginPb.PluginInfo>("getPluginInfo", new Empty());
    expect(info.getVersion()).toBe("1.2.3");
  });

  it("a call the engine abandons has its signal aborted", async () => {
    const waiting = waitingCreate();
    const fake = fakeProvider({ create: waiting.create });
    const c = await start(fake.provider);
    const pending = c.raw.create(createRequest({}), () => undefined);
    const ctx = await waiting.running;
    const aborted = new Promise<unknown>((resolve) =>
      ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason)),
    );
    pending.cancel();
    await expect(aborted).resolves.toMatchObject({ name: "AbortError" });
  });

  it("close() aborts calls in flight and stops the server", async () => {
    const waiting = waitingCreate();
    const fake = fakeProvider({ create: waiting.create });
    const c = await start(fake.provider);
    const creating = c.call("create", createRequest({})).catch(() => undefined);
    const ctx = await waiting.running;
    const t0 = Date.now();
    await c.server.close();
    expect(ctx.signal.aborted).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
    await creating;
  });

  describe("shutDown", () => {
    /** A server whose graceful shutdown never calls back, as grpc-js's with a just-dropped connection. */
    const stuck = () => {
      const forced: number[] = [];
      return { forced, tryShutdown: () => undefined, forceShutdown: () => forced.push(Date.now()) };
    };

    it("with nothing in flight, waits only SETTLE_MS for a graceful shutdown that never ends", async () => {
      const server = stuck();
      const t0 = Date.now();
      await shutDown(server, Promise.resolve(), 3000);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(SETTLE_MS - 5);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(server.forced).toHaveLength(1);
    });

    it("lets calls in flight answer until the grace, then forces", async () => {
      const server = stuck();
      let idle!: () => void;
      const t0 = Date.now();
      const closing = shutDown(server, new Promise<void>((r) => (idle = r)), 300);
      await new Promise((r) => setTimeout(r, 150));
      expect(server.forced).toEqual([]);
      await closing;
      expect(Date.now() - t0).toBeGreaterThanOrEqual(295);
      expect(server.forced).toHaveLength(1);
      idle();
    });

    it("the last call in flight finishing ends the wait", async () => {
      const server = stuck();
      let idle!: () => void;
      const t0 = Date.now();
      const closing = shutDown(server, new Promise<void>((r) => (idle = r)), 3000);
      setTimeout(idle, 50);
      await closing;
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(server.forced).toHaveLength(1);
    });

    it("does not force a graceful shutdown that completes", async () => {
      const forced: number[] = [];
      await shutDown(
        { tryShutdown: (cb) => cb(), forceShutdown: () => forced.push(1) },
        Promise.resolve(),
        3000,
      );
      await new Promise((r) => setTimeout(r, SETTLE_MS + 20));
      expect(forced).toEqual([]);
    });
  });
});

describe("runPlugin (the plugin process)", () => {
  const fixture = path.join(__dirname, "fixtures", "plugin.ts");
  const repoRoot = path.resolve(__dirname, "..", "..");

  /** Starts the fixture plugin as the engine does and reads the port from its first line. */
  async function startPlugin(): Promise<{
    child: ChildProcess;
    port: number;
    output: () => string;
    exited: Promise<number | null>;
  }> {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", fixture, "127.0.0.1:1"],
      { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] },
    );
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    let rest = "";
    const port = await new Promise<number>((resolve, reject) => {
      let first = "";
      const onData = (d: Buffer) => {
        first += d.toString();
        const nl = first.indexOf("\n");
        if (nl < 0) return;
        child.stdout!.off("data", onData);
        rest += first.slice(nl + 1);
        child.stdout!.on("data", (x: Buffer) => (rest += x.toString()));
        resolve(Number(first.slice(0, nl)));
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (x: Buffer) => (rest += x.toString()));
      void exited.then((code) => reject(new Error(`plugin exited (${code}) early: ${rest}`)));
    });
    return { child, port, output: () => rest, exited };
  }

  function clientFor(port: number) {
    const raw = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    cleanups.push(() => raw.close());
    return <T>(method: string, req: unknown) =>
      new Promise<T>((resolve, reject) =>
        raw[method](req, { deadline: Date.now() + 10_000 }, (err: Error | null, resp: T) =>
          err ? reject(err) : resolve(resp),
        ),
      );
  }

  it("prints the port alone on its first line, serves there, and exits 0 on the engine's Cancel + SIGINT, printing nothing else", async () => {
    const plugin = await startPlugin();
    expect(plugin.port).toBeGreaterThan(0);
    const call = clientFor(plugin.port);
    const info = await call<pluginPb.PluginInfo>("getPluginInfo", new Empty());
    expect(info.getVersion()).toBe("9.8.7");

    const creating = call(
      "create",
      new providerPb.CreateRequest().setUrn("urn:pulumi:s::p::codeocean:index:Waiter::w"),
    ).catch((e: grpc.ServiceError) => e);
    await call("cancel", new Empty());
    expect(await creating).toMatchObject({ details: "cancelled by the Pulumi engine" });

    plugin.child.kill("SIGINT");
    expect(await plugin.exited).toBe(0);
    expect(plugin.output()).toBe("");
  });

  it("exits when the engine's stdin pipe closes (the CLI is gone)", async () => {
    const plugin = await startPlugin();
    plugin.child.stdin!.end();
    expect(await plugin.exited).toBe(0);
    expect(plugin.output()).toContain("stdin closed");
  });

  it("exits when the CLI was killed: stdin closed and nobody reading its stderr any more", async () => {
    const plugin = await startPlugin();
    // A SIGKILLed CLI closes every pipe end it held, so the plugin's writes to stderr fail
    // (EPIPE). They once fed the stray-error handler, which wrote again, forever, at full CPU.
    plugin.child.stdout!.destroy();
    plugin.child.stderr!.destroy();
    plugin.child.stdin!.end();
    expect(await plugin.exited).toBe(0);
  }, 15_000);
});
