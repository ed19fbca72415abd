/**
 * The `pulumirpc.ResourceProvider` gRPC service of the native plugin, implemented over the
 * SDK's generated protos (as the SDK's dynamic-provider host does) rather than the SDK's
 * `provider.main()`, whose server drops the configuration and the request objects.
 *
 * What the engine (pulumi/pkg/v3 v3.274.1, resource/plugin/provider_plugin.go unless another
 * file is named) requires of each method, and what this server answers:
 *
 * - Handshake: UNIMPLEMENTED. The engine then falls back to the capabilities Configure returns
 *   (:409-414). A provider that answers Handshake is recorded with `supportsPreview: true`
 *   whatever it says (:331-337, :506-511, :614-618), and would then get Create/Update calls
 *   with `preview: true` during every preview. The engine also uses Handshake as its
 *   readiness probe (plugin.go dialPlugin), so UNIMPLEMENTED must come back promptly.
 * - GetPluginInfo: required (host/host.go:389); the version must parse as semver (:2515-2521).
 * - GetSchema: required by `pulumi package get-schema` and SDK generation (:672-703).
 * - CheckConfig (:706-783): `olds`/`news` are the provider's inputs minus the engine's
 *   `__internal` key (deploy/providers/registry.go:677-682), secrets stripped to plaintext,
 *   unknowns kept (AllowUnknowns). The engine re-marks the returned inputs secret by top-level
 *   name (:777, annotateSecrets :937-951), puts `version` back if dropped and refuses a changed
 *   one (registry.go:693-708). UNIMPLEMENTED would be tolerated (:739-746); we implement it.
 *   Default provider: the inputs are the stack config keys of the `codeocean` namespace
 *   without the namespace (`domain`, `token`), every value a string — objects as JSON text —
 *   secure ones secret (deploy/target.go:46-71), plus `version` when the program asked for a
 *   version (deploy/default_providers.go:143-149). Explicit provider: the resource's inputs by
 *   schema property name; the generated Node SDK JSON-encodes every non-string one
 *   (codegen/nodejs/gen.go:898-901), YAML sends them typed; `version` too when given.
 * - DiffConfig (:820-922): `olds` = old outputs, `old_inputs`, `news`; UNIMPLEMENTED would be
 *   tolerated as "unknown, never replace" (:858-877). We answer DIFF_SOME/DIFF_NONE with the
 *   changed keys and no replaces.
 * - Configure (:1067-1173): sent with `args` = the checked inputs as stored (registry.go:868-877,
 *   :971-979) **with secrets wrapped even when the provider declined secrets** (:1110-1120), and
 *   the deprecated `variables` (`codeocean:config:<key>`, strings, no `version`, :1079-1108). Not
 *   sent at all while any input is unknown (:1085-1093): Check/Diff/Read are then answered by
 *   the engine itself. When no Handshake happened the engine takes `acceptSecrets`,
 *   `acceptResources`, `supportsPreview`, `acceptOutputs` from this response (:1156-1166). We
 *   answer all false: with `acceptSecrets: false` the engine strips secrets from every later
 *   request and re-marks the results by path (annotateSecrets, :1290, :1524, :1688, :1847);
 *   with `supportsPreview: false` it never calls Create/Update during a preview but uses the
 *   inputs as the previewed state (:1442-1457, :1736-1751), as for the dynamic provider.
 * - Check (:1176-1302): `olds` is `{}` on a create (:1209-1214); `news` may hold the unknown
 *   sentinel during preview. Diff (:1305-1415): `olds` are old outputs, `old_inputs` old inputs.
 * - Create (:1418-1536): `timeout` is customTimeouts.create in seconds (0 when unset), `preview`
 *   stays false for us. An ErrorResourceInitFailed detail records the object (:1488-1500,
 *   parseError :2634-2666); an empty id is an engine error (:1502-1505).
 * - Read (:1540-1706): refresh sends old outputs and inputs; `import` sends the id with an empty
 *   `properties` and no `inputs` at all (deploy/step.go:2174-2182); `inputs` is only sent when
 *   non-empty (:1569-1581). An empty id in the answer means "gone".
 * - Update (:1709-1862), Delete (:1865-1941): `olds`/`properties` are old outputs, `old_inputs`
 *   old inputs, `timeout` as for Create.
 * - Invoke (:2277-2369): only once configured; args plaintext.
 * - Cancel (:2547-2567): UNIMPLEMENTED or success are both fine, success marks the shutdown as
 *   acknowledged so the exit is not reported as a crash (plugin.go:758-803). The engine sends
 *   it on Ctrl-C (deploy/deployment_executor.go:150-160) and before closing every provider —
 *   host shutdown (host/host.go:727-750), a provider closed on its own (host/host.go:494-505) —
 *   then SIGINTs the plugin's process group, and SIGKILLs it 5 s later (plugin.go:652-682).
 * - Attach: only for a plugin started by hand and named in PULUMI_DEBUG_PROVIDERS; failing it
 *   fails the load (:346-351), so it succeeds (we need no engine address).
 * - GetMapping/GetMappings: UNIMPLEMENTED is "no mapping" (:2737, :2764). Parameterize,
 *   Construct, Call, List: never sent to a provider whose schema has no parameterization,
 *   components or methods; UNIMPLEMENTED makes a stray call a clear error.
 *
 * Seen with that CLI and pulumi-language-yaml v1.25.0 through this server: one plugin process
 * per provider (the default one, each explicit one, and one the YAML host loads the schema
 * from), each stopped by SIGINT after the run; default-provider config `{domain, token,
 * retries: "5"}` (token plaintext in CheckConfig and, unwrapped, in Configure); an explicit
 * provider's `retries: 3` as a number; customTimeouts.create 7m as `timeout` 420; `import` as
 * read(id, {}, {}); YAML nulls gone and a `__proto__` key kept; Ctrl-C during a waiting create
 * reaching its signal at once (the CLI printed "cancelled by the Pulumi engine" and exited 1);
 * a partial failure recorded in the state with its id, outputs, inputs and initErrors.
 *
 * Decisions:
 * - Cancel is final for this process: it aborts the signal of every call in flight, and every
 *   later check/diff/create/read/update/delete/invoke is refused at once with CANCELLED without
 *   reaching the provider — after Cancel the engine is stopping (Ctrl-C) or about to kill the
 *   process, so nothing may start a remote change or a long wait. Configuration and schema calls
 *   still answer (they do no I/O).
 * - The engine's own `version` input is kept away from the provider's config methods and put
 *   back; a changed `version` counts as a changed config key, so the state records it.
 * - A thrown error carrying `id` (non-empty string), `properties` (object) and `reasons`
 *   (strings) — and `inputs`, when present — becomes ErrorResourceInitFailed, exactly like the
 *   dynamic host's grpcResponseFromError; anything else becomes its message alone (UNKNOWN, as
 *   the dynamic host answers; the engine prints the message). Errors this server raises itself
 *   use INVALID_ARGUMENT (unknown token) and CANCELLED, which tell the engine nothing happened.
 *   Every message passes through `redact`.
 */
import * as path from "path";
import type * as grpcJs from "@grpc/grpc-js";
import type * as anyPb from "google-protobuf/google/protobuf/any_pb";
import type * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as statusPb from "@pulumi/pulumi/proto/status_pb";
import { redact } from "../../core/api/redact";
import {
  appendStructFields,
  encodeStruct,
  readStructFields,
  unwrapSecrets,
  type Props,
} from "./struct";
import type { CallContext, CheckFailure, PluginProvider, ResourceMethods } from "./types";

export type { CallContext, CheckFailure, PluginProvider, Props, ResourceMethods };

// The generated service and messages were built against @pulumi/pulumi's own copies of
// grpc-js and google-protobuf, and their serializers check `instanceof` against them: load
// those copies, not whichever ones happen to resolve from here.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = <T>(id: string): T => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = fromPulumi<typeof grpcJs>("@grpc/grpc-js");
const { Empty } = fromPulumi<typeof emptyPb>("google-protobuf/google/protobuf/empty_pb.js");
const { Any } = fromPulumi<typeof anyPb>("google-protobuf/google/protobuf/any_pb.js");
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as {
  ResourceProviderService: grpcJs.ServiceDefinition;
};

/** As the engine and the SDK set it (rpcutil/serve.go, runtime/settings.js): 400 MiB. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** The provider input the engine owns (registry.go SetProviderVersion). */
const VERSION_KEY = "version";

/**
 * The numbers of the Struct-typed fields of each request and response (provider.proto; the
 * struct tags in sdk/v3 v3.274.1 proto/go/provider.pb.go).
 */
const FIELD = {
  checkRequest: { olds: 2, news: 3 },
  checkResponse: { inputs: 1 },
  diffRequest: { olds: 3, news: 4, oldInputs: 6 },
  configureRequest: { args: 2 },
  createRequest: { properties: 2 },
  createResponse: { properties: 2 },
  readRequest: { properties: 3, inputs: 4 },
  readResponse: { properties: 2, inputs: 3 },
  updateRequest: { olds: 3, news: 4, oldInputs: 8 },
  updateResponse: { properties: 1 },
  deleteRequest: { properties: 3, oldInputs: 5 },
  invokeRequest: { args: 2 },
  invokeResponse: { return: 1 },
  errorResourceInitFailed: { properties: 2, inputs: 4 },
} as const;

/** A request: the generated message for its scalar fields, its Struct fields decoded here. */
interface Incoming<M> {
  msg: M;
  structs: Map<number, Props>;
}

/** A response: the generated message without its Struct fields, and those fields. */
interface Outgoing {
  msg: { serializeBinary(): Uint8Array };
  structs?: Record<number, Props | undefined>;
}

type UnaryCall<M> = grpcJs.ServerUnaryCall<Incoming<M>, Outgoing>;

/** The generated method definition with request and response (de)serialized through struct.ts. */
function method<M>(
  name: string,
  requestType: { deserializeBinary(bytes: Uint8Array): M },
  structFields: Record<string, number>,
): grpcJs.MethodDefinition<Incoming<M>, Outgoing> {
  const base = providerGrpc.ResourceProviderService[name];
  const fields = Object.values(structFields);
  return {
    ...base,
    requestDeserialize: (buf: Buffer) => ({
      msg: requestType.deserializeBinary(new Uint8Array(buf)),
      structs: readStructFields(buf, fields),
    }),
    responseSerialize: (out: Outgoing) =>
      appendStructFields(out.msg.serializeBinary(), out.structs ?? {}),
  } as grpcJs.MethodDefinition<Incoming<M>, Outgoing>;
}

const serviceDefinition: grpcJs.ServiceDefinition = {
  ...providerGrpc.ResourceProviderService,
  getPluginInfo: method("getPluginInfo", Empty, {}),
  getSchema: method("getSchema", providerPb.GetSchemaRequest, {}),
  checkConfig: method("checkConfig", providerPb.CheckRequest, FIELD.checkRequest),
  diffConfig: method("diffConfig", providerPb.DiffRequest, FIELD.diffRequest),
  configure: method("configure", providerPb.ConfigureRequest, FIELD.configureRequest),
  check: method("check", providerPb.CheckRequest, FIELD.checkRequest),
  diff: method("diff", providerPb.DiffRequest, FIELD.diffRequest),
  create: method("create", providerPb.CreateRequest, FIELD.createRequest),
  read: method("read", providerPb.ReadRequest, FIELD.readRequest),
  update: method("update", providerPb.UpdateRequest, FIELD.updateRequest),
  delete: method("delete", providerPb.DeleteRequest, FIELD.deleteRequest),
  invoke: method("invoke", providerPb.InvokeRequest, FIELD.invokeRequest),
  cancel: method("cancel", Empty, {}),
};

/** An error this server raises itself, with the status code that says what happened. */
class RpcError extends Error {
  constructor(
    readonly code: grpcJs.status,
    message: string,
  ) {
    super(message);
  }
}

interface InitFailure {
  message: string;
  id: string;
  properties: Props;
  reasons: string[];
  inputs?: Props;
}

function isObject(value: unknown): value is Props {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The partial-failure shape the dynamic host recognises, if `err` has it. */
function initFailure(err: unknown): InitFailure | undefined {
  if (!isObject(err)) return undefined;
  const { id, properties, reasons, inputs } = err;
  if (typeof id !== "string" || id === "") return undefined;
  if (!isObject(properties)) return undefined;
  if (!Array.isArray(reasons) || !reasons.every((r) => typeof r === "string")) return undefined;
  return {
    message: errorMessage(err),
    id,
    properties,
    reasons: reasons.map(redact),
    inputs: isObject(inputs) ? inputs : undefined,
  };
}

function errorMessage(err: unknown): string {
  // Providers may throw plain objects shaped like errors, as the dynamic host allows.
  const message = isObject(err) && typeof err.message === "string" ? err.message : undefined;
  const text = message || (err instanceof Error ? err.name : String(err));
  return redact(text || "unknown error");
}

function serviceError(
  code: grpcJs.status,
  message: string,
  metadata = new grpc.Metadata(),
): grpcJs.ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata });
}

/** The gRPC answer for a thrown error (see "Decisions" at the top). */
function toServiceError(err: unknown): grpcJs.ServiceError {
  if (err instanceof RpcError) return serviceError(err.code, redact(err.message));
  const failure = initFailure(err);
  if (!failure) return serviceError(grpc.status.UNKNOWN, errorMessage(err));

  // As grpcResponseFromError in @pulumi/pulumi's cmd/dynamic-provider: a google.rpc.Status
  // carrying the ErrorResourceInitFailed detail, sent as the `grpc-status-details-bin` trailer
  // that grpc-go turns back into status details.
  const detail = new providerPb.ErrorResourceInitFailed().setId(failure.id);
  let packed: Buffer;
  try {
    packed = appendStructFields(detail.setReasonsList(failure.reasons).serializeBinary(), {
      [FIELD.errorResourceInitFailed.properties]: failure.properties,
      [FIELD.errorResourceInitFailed.inputs]: failure.inputs,
    });
  } catch (err) {
    // Record the id even so: an object in the state without outputs can be refreshed, one
    // missing from the state is orphaned.
    const reason = `its outputs cannot be sent to the Pulumi engine: ${errorMessage(err)}`;
    packed = appendStructFields(
      detail.setReasonsList([...failure.reasons, reason]).serializeBinary(),
      { [FIELD.errorResourceInitFailed.properties]: {} },
    );
  }
  const any = new Any();
  any.pack(packed, "pulumirpc.ErrorResourceInitFailed");
  const status = new statusPb.Status();
  status.setCode(grpc.status.UNKNOWN);
  status.setMessage(failure.message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return serviceError(grpc.status.UNKNOWN, failure.message, metadata);
}

/** The type token of a URN: `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>`. */
function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

/** `props` without `key`, copied key by key so that a `__proto__` key stays an own property. */
function without(props: Props, key: string): Props {
  const out: Props = {};
  for (const k of Object.keys(props)) {
    if (k !== key) {
      Object.defineProperty(out, k, {
        value: props[k],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

/**
 * `outs` when they can be sent to the engine. Otherwise the remote change already happened:
 * answer a partial failure recording `id` with `fallback` (the inputs, which came over the
 * wire), so that a value the wire cannot carry (a bigint, a cycle) never orphans the object.
 */
function sendable(what: string, id: string, outs: Props, fallback: Props): Props {
  try {
    encodeStruct(outs);
    return outs;
  } catch (err) {
    const reason = `${what} succeeded but its outputs cannot be sent to the Pulumi engine: ${errorMessage(err)}`;
    throw Object.assign(new Error(reason), { id, properties: fallback, reasons: [reason] });
  }
}

function timeoutSeconds(timeout: number): number | undefined {
  return timeout > 0 ? timeout : undefined;
}

function abortReason(message: string): Error {
  return Object.assign(new Error(message), { name: "AbortError" });
}

/** One provider behind one gRPC server: its cancellation state and its calls in flight. */
class Session {
  private cancelled?: Error;
  private readonly inFlight = new Set<AbortController>();
  private idleWaiters: (() => void)[] = [];
  private functionTokens?: Set<string>;

  constructor(private readonly provider: PluginProvider) {}

  /** Aborts every call in flight and refuses every later one (see "Decisions"). */
  cancel(reason: string): void {
    this.cancelled ??= abortReason(reason);
    for (const controller of this.inFlight) controller.abort(this.cancelled);
  }

  /** Resolves once no call is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs `fn` with a CallContext whose signal Cancel, shutdown or the caller aborts. */
  private async withContext<T>(
    call: grpcJs.ServerUnaryCall<unknown, unknown>,
    what: string,
    urn: string,
    timeout: number | undefined,
    fn: (ctx: CallContext) => Promise<T>,
  ): Promise<T> {
    if (this.cancelled) {
      throw new RpcError(grpc.status.CANCELLED, `${what} not started: ${this.cancelled.message}`);
    }
    const controller = new AbortController();
    // The engine gave up on this call (its deadline, or the CLI terminating): stop waiting too.
    const onCallCancelled = () =>
      controller.abort(abortReason("the Pulumi engine abandoned the call"));
    call.once("cancelled", onCallCancelled);
    this.inFlight.add(controller);
    try {
      return await fn({ urn, timeoutSeconds: timeout, signal: controller.signal });
    } finally {
      this.inFlight.delete(controller);
      call.off("cancelled", onCallCancelled);
      if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private methodsFor(urn: string, type: string): ResourceMethods {
    // The engine sets `type` (v3.274.1 always does); older engines only sent the URN.
    const token = type || typeOfUrn(urn);
    const resources = this.provider.resources;
    if (!Object.prototype.hasOwnProperty.call(resources, token)) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        `unknown resource type "${token}"; this provider manages ${Object.keys(resources).join(", ")}`,
      );
    }
    return resources[token];
  }

  private knownFunctions(): Set<string> {
    if (!this.functionTokens) {
      const schema = JSON.parse(this.provider.schema()) as { functions?: Props };
      this.functionTokens = new Set(Object.keys(schema.functions ?? {}));
    }
    return this.functionTokens;
  }

  getPluginInfo(): Outgoing {
    return { msg: new pluginPb.PluginInfo().setVersion(this.provider.version) };
  }

  getSchema(): Outgoing {
    return { msg: new providerPb.GetSchemaResponse().setSchema(this.provider.schema()) };
  }

  async checkConfig({ structs }: Incoming<providerPb.CheckRequest>): Promise<Outgoing> {
    const olds = structs.get(FIELD.checkRequest.olds) ?? {};
    const news = structs.get(FIELD.checkRequest.news) ?? {};
    const { inputs, failures } = await this.provider.checkConfig(
      without(olds, VERSION_KEY),
      without(news, VERSION_KEY),
    );
    const checked = without(inputs, VERSION_KEY);
    if (Object.prototype.hasOwnProperty.call(news, VERSION_KEY)) {
      // The engine would put it back itself (registry.go:693-699); saying so keeps it obvious.
      checked[VERSION_KEY] = news[VERSION_KEY];
    }
    return {
      msg: new providerPb.CheckResponse().setFailuresList(checkFailures(failures)),
      structs: { [FIELD.checkResponse.inputs]: checked },
    };
  }

  diffConfig({ structs }: Incoming<providerPb.DiffRequest>): Outgoing {
    // Compare inputs with inputs; old states without `old_inputs` only have the old outputs,
    // which for a provider are the checked inputs anyway (registry.go Create).
    const olds =
      structs.get(FIELD.diffRequest.oldInputs) ?? structs.get(FIELD.diffRequest.olds) ?? {};
    const news = structs.get(FIELD.diffRequest.news) ?? {};
    const changed = [
      ...this.provider.diffConfig(without(olds, VERSION_KEY), without(news, VERSION_KEY)),
    ];
    if (olds[VERSION_KEY] !== news[VERSION_KEY] && !changed.includes(VERSION_KEY)) {
      changed.push(VERSION_KEY);
    }
    const resp = new providerPb.DiffResponse()
      .setChanges(
        changed.length > 0
          ? providerPb.DiffResponse.DiffChanges.DIFF_SOME
          : providerPb.DiffResponse.DiffChanges.DIFF_NONE,
      )
      .setDiffsList(changed)
      .setReplacesList([]);
    return { msg: resp };
  }

  async configure({ msg, structs }: Incoming<providerPb.ConfigureRequest>): Promise<Outgoing> {
    const args = structs.get(FIELD.configureRequest.args);
    const config = args ? (unwrapSecrets(args) as Props) : fromVariables(msg);
    await this.provider.configure(without(config, VERSION_KEY));
    const resp = new providerPb.ConfigureResponse()
      .setAcceptsecrets(false)
      .setAcceptresources(false)
      .setAcceptoutputs(false)
      .setSupportspreview(false);
    return { msg: resp };
  }

  async check(
    { msg, structs }: Incoming<providerPb.CheckRequest>,
    call: UnaryCall<providerPb.CheckRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const { inputs, failures } = await this.withContext(
      call,
      "check",
      msg.getUrn(),
      undefined,
      (ctx) =>
        methods.check(
          structs.get(FIELD.checkRequest.olds) ?? {},
          structs.get(FIELD.checkRequest.news) ?? {},
          ctx,
        ),
    );
    return {
      msg: new providerPb.CheckResponse().setFailuresList(checkFailures(failures)),
      structs: { [FIELD.checkResponse.inputs]: inputs },
    };
  }

  async diff(
    { msg, structs }: Incoming<providerPb.DiffRequest>,
    call: UnaryCall<providerPb.DiffRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const result = await this.withContext(call, "diff", msg.getUrn(), undefined, (ctx) =>
      methods.diff(
        msg.getId(),
        structs.get(FIELD.diffRequest.olds) ?? {},
        structs.get(FIELD.diffRequest.news) ?? {},
        structs.get(FIELD.diffRequest.oldInputs) ?? {},
        ctx,
      ),
    );
    const resp = new providerPb.DiffResponse()
      .setChanges(
        result.changes
          ? providerPb.DiffResponse.DiffChanges.DIFF_SOME
          : providerPb.DiffResponse.DiffChanges.DIFF_NONE,
      )
      .setReplacesList(result.replaces)
      .setDeletebeforereplace(result.deleteBeforeReplace)
      .setDiffsList(result.diffs ?? []);
    return { msg: resp };
  }

  async create(
    { msg, structs }: Incoming<providerPb.CreateRequest>,
    call: UnaryCall<providerPb.CreateRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const inputs = structs.get(FIELD.createRequest.properties) ?? {};
    if (msg.getPreview()) {
      // Never sent to us (supportsPreview is false); should an engine send it anyway, answer
      // as the engine itself does for such providers rather than create during a preview.
      return {
        msg: new providerPb.CreateResponse(),
        structs: { [FIELD.createResponse.properties]: inputs },
      };
    }
    const { id, outs } = await this.withContext(
      call,
      "create",
      msg.getUrn(),
      timeoutSeconds(msg.getTimeout()),
      (ctx) => methods.create(inputs, ctx),
    );
    return {
      msg: new providerPb.CreateResponse().setId(id),
      structs: { [FIELD.createResponse.properties]: sendable("create", id, outs, inputs) },
    };
  }

  async read(
    { msg, structs }: Incoming<providerPb.ReadRequest>,
    call: UnaryCall<providerPb.ReadRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const result = await this.withContext(
      call,
      "read",
      msg.getUrn(),
      // ReadRequest.timeout is newer than the oldest @pulumi/pulumi we support (3.139's
      // generated class has no getter; the field is then skipped and the timeout unknown).
      timeoutSeconds((msg as { getTimeout?: () => number }).getTimeout?.() ?? 0),
      (ctx) =>
        methods.read(
          msg.getId(),
          structs.get(FIELD.readRequest.properties) ?? {},
          structs.get(FIELD.readRequest.inputs) ?? {},
          ctx,
        ),
    );
    return {
      msg: new providerPb.ReadResponse().setId(result.id),
      structs: {
        [FIELD.readResponse.properties]: result.props,
        [FIELD.readResponse.inputs]: result.inputs,
      },
    };
  }

  async update(
    { msg, structs }: Incoming<providerPb.UpdateRequest>,
    call: UnaryCall<providerPb.UpdateRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const news = structs.get(FIELD.updateRequest.news) ?? {};
    if (msg.getPreview()) {
      // As for create: never sent to us, and never a reason to change anything.
      return {
        msg: new providerPb.UpdateResponse(),
        structs: { [FIELD.updateResponse.properties]: news },
      };
    }
    const { outs } = await this.withContext(
      call,
      "update",
      msg.getUrn(),
      timeoutSeconds(msg.getTimeout()),
      (ctx) =>
        methods.update(
          msg.getId(),
          structs.get(FIELD.updateRequest.olds) ?? {},
          news,
          structs.get(FIELD.updateRequest.oldInputs) ?? {},
          ctx,
        ),
    );
    return {
      msg: new providerPb.UpdateResponse(),
      structs: {
        [FIELD.updateResponse.properties]: sendable("update", msg.getId(), outs, news),
      },
    };
  }

  async delete(
    { msg, structs }: Incoming<providerPb.DeleteRequest>,
    call: UnaryCall<providerPb.DeleteRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    await this.withContext(call, "delete", msg.getUrn(), timeoutSeconds(msg.getTimeout()), (ctx) =>
      methods.delete(
        msg.getId(),
        structs.get(FIELD.deleteRequest.properties) ?? {},
        structs.get(FIELD.deleteRequest.oldInputs) ?? {},
        ctx,
      ),
    );
    return { msg: new Empty() };
  }

  async invoke(
    { msg, structs }: Incoming<providerPb.InvokeRequest>,
    call: UnaryCall<providerPb.InvokeRequest>,
  ): Promise<Outgoing> {
    const token = msg.getTok();
    const known = this.knownFunctions();
    if (!known.has(token)) {
      const list = known.size > 0 ? `; this provider has ${[...known].join(", ")}` : "";
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `unknown function "${token}"${list}`);
    }
    const result = await this.withContext(call, `invoke ${token}`, "", undefined, () =>
      this.provider.invoke(token, structs.get(FIELD.invokeRequest.args) ?? {}),
    );
    return {
      msg: new providerPb.InvokeResponse(),
      structs: { [FIELD.invokeResponse.return]: result },
    };
  }

  handlers(): grpcJs.UntypedServiceImplementation {
    const unary =
      <M>(run: (req: Incoming<M>, call: UnaryCall<M>) => Outgoing | Promise<Outgoing>) =>
      (call: UnaryCall<M>, callback: grpcJs.sendUnaryData<Outgoing>) => {
        Promise.resolve()
          .then(() => run(call.request, call))
          .then(
            (out) => callback(null, out),
            (err: unknown) => {
              const error = toServiceError(err);
              callback(error, null, error.metadata);
            },
          );
      };
    const unimplemented =
      (name: string) => (_call: unknown, callback: grpcJs.sendUnaryData<unknown>) =>
        callback(
          serviceError(
            grpc.status.UNIMPLEMENTED,
            `${name} is not implemented by the codeocean provider`,
          ),
        );

    return {
      getPluginInfo: unary(() => this.getPluginInfo()),
      getSchema: unary(() => this.getSchema()),
      checkConfig: unary((req: Incoming<providerPb.CheckRequest>) => this.checkConfig(req)),
      diffConfig: unary((req: Incoming<providerPb.DiffRequest>) => this.diffConfig(req)),
      configure: unary((req: Incoming<providerPb.ConfigureRequest>) => this.configure(req)),
      check: unary(this.check.bind(this)),
      diff: unary(this.diff.bind(this)),
      create: unary(this.create.bind(this)),
      read: unary(this.read.bind(this)),
      update: unary(this.update.bind(this)),
      delete: unary(this.delete.bind(this)),
      invoke: unary(this.invoke.bind(this)),
      cancel: unary(() => {
        this.cancel("cancelled by the Pulumi engine");
        return { msg: new Empty() };
      }),
      attach: (_call: unknown, callback: grpcJs.sendUnaryData<emptyPb.Empty>) =>
        callback(null, new Empty()),
      handshake: unimplemented("Handshake"),
      parameterize: unimplemented("Parameterize"),
      construct: unimplemented("Construct"),
      call: unimplemented("Call"),
      getMapping: unimplemented("GetMapping"),
      getMappings: unimplemented("GetMappings"),
      list: (call: grpcJs.ServerWritableStream<unknown, unknown>) =>
        call.emit(
          "error",
          serviceError(
            grpc.status.UNIMPLEMENTED,
            "List is not implemented by the codeocean provider",
          ),
        ),
    };
  }
}

function checkFailures(failures: CheckFailure[]): providerPb.CheckFailure[] {
  return failures.map((f) =>
    new providerPb.CheckFailure().setProperty(f.property).setReason(redact(f.reason)),
  );
}

/** Configure's deprecated `variables` (`<pkg>:config:<key>` → string), for engines without args. */
function fromVariables(msg: providerPb.ConfigureRequest): Props {
  const out: Props = {};
  for (const [key, value] of msg.getVariablesMap().getEntryList()) {
    const at = key.indexOf(":config:");
    const name = at >= 0 ? key.slice(at + ":config:".length) : key;
    Object.defineProperty(out, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export interface ServeOptions {
  /** Default 127.0.0.1: the engine always dials 127.0.0.1 (plugin.go dialPlugin). */
  host?: string;
  /** Default 0: a free port, which the caller then reports. */
  port?: number;
  /** How long close() lets calls in flight finish after aborting them. Default 3000 ms. */
  shutdownGraceMs?: number;
}

export interface PluginServer {
  port: number;
  /** Aborts every call in flight, refuses new ones, and stops the server. */
  close(): Promise<void>;
}

/** How long shutDown still lets grpc-js close the connections once no call is in flight. */
export const SETTLE_MS = 100;

/**
 * Stops `server` gracefully: the calls in flight (already aborted) may answer within `graceMs`,
 * then it is forced. Once none is in flight it waits only SETTLE_MS more for grpc-js to close
 * the connections: grpc-js (1.14) never completes a graceful shutdown while it still lists a
 * connection the client has just dropped — Http2Session.close() on a destroyed session
 * neither closes it nor calls back — and the engine closes its connection right before its
 * SIGINT, so that race cost about one `pulumi preview` in two the whole grace (3 s; bench §7).
 */
export function shutDown(
  server: Pick<grpcJs.Server, "tryShutdown" | "forceShutdown">,
  idle: Promise<void>,
  graceMs: number,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let settle: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (force: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(grace);
      clearTimeout(settle);
      if (force) server.forceShutdown();
      resolve();
    };
    const grace = setTimeout(() => finish(true), graceMs);
    server.tryShutdown(() => finish(false));
    void idle.then(() => {
      if (!done) settle = setTimeout(() => finish(true), SETTLE_MS);
    });
  });
}

/** Serves `provider` as `pulumirpc.ResourceProvider` over insecure gRPC. */
export async function serve(
  provider: PluginProvider,
  opts: ServeOptions = {},
): Promise<PluginServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES });
  const session = new Session(provider);
  server.addService(serviceDefinition, session.handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${opts.host ?? "127.0.0.1"}:${opts.port ?? 0}`,
      grpc.ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)),
    ),
  );
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      if (!closing) {
        session.cancel("the provider is shutting down");
        // The engine SIGKILLs 5 s after its SIGINT (plugin.go:662-680): stop waiting before.
        closing = shutDown(server, session.idle(), opts.shutdownGraceMs ?? 3000);
      }
      return closing;
    },
  };
}
