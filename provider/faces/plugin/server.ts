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
import type * as grpcJs from "@grpc/grpc-js";
import { handlers } from "./handlers";
import { grpc, serviceDefinition } from "./service";
import { Session } from "./session";
import type { Props } from "./struct";
import type { CallContext, CheckFailure, PluginProvider, ResourceMethods } from "./types";

export type { CallContext, CheckFailure, PluginProvider, Props, ResourceMethods };

/** As the engine and the SDK set it (rpcutil/serve.go, runtime/settings.js): 400 MiB. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

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
  server.addService(serviceDefinition, handlers(session));
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
