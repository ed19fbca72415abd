/**
 * The plugin's warnings, where the engine shows them: its Log service.
 *
 * The engine (pulumi/sdk/v3 v3.274.1, go/common/resource/plugin/plugin.go:324-327, :350-351)
 * shows whatever a resource plugin other than the dynamic-provider host writes on stdout or
 * stderr only as debug messages (`--debug`, `-v`). What a user must see goes to
 * `pulumirpc.Engine/Log` at the address the engine gives the plugin as its argument, as the
 * SDK's `pulumi.log.warn` sends it: severity WARNING, not ephemeral, on the URN of the resource
 * it is about (pkg/v3 host/host_server.go:92-113). The CLI then shows it under that resource
 * and again in its closing "Diagnostics:" summary.
 *
 * Fire and forget: no resource call waits for a log. Each has a deadline, and one that fails
 * (the engine gone, or no engine at all: a plugin started by hand, a test) goes to stderr
 * instead, where `--debug` still shows it.
 */
import * as path from "path";
import type * as grpcJs from "@grpc/grpc-js";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";

// As server.ts loads them: the generated client and messages were built against
// @pulumi/pulumi's own copy of grpc-js, so the credentials must come from that copy too.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = <T>(id: string): T => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = fromPulumi<typeof grpcJs>("@grpc/grpc-js");

interface EngineClient extends grpcJs.Client {
  log(
    request: enginePb.LogRequest,
    metadata: grpcJs.Metadata,
    options: Partial<grpcJs.CallOptions>,
    callback: (error: grpcJs.ServiceError | null) => void,
  ): grpcJs.ClientUnaryCall;
}
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
  EngineClient: new (address: string, credentials: grpcJs.ChannelCredentials) => EngineClient;
};

/** Where a warning goes: its message (redacted already), on a resource's URN when it has one. */
export type LogSink = (message: string, urn: string | undefined) => void;

/** How long one log may take before it counts as failed and goes to stderr. */
const LOG_DEADLINE_MS = 5_000;

/** A line on stderr: what the engine shows only with `--debug`. */
export function toStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * The engine's address among the plugin's arguments. The engine passes its flags first —
 * `--logtostderr`, `-v=<n>`, `--tracing <endpoint>` — and then the address (sdk/v3
 * go/common/resource/plugin/plugin.go buildPluginArguments :728-744), as the SDK's own
 * provider/internals.js parseArgs reads them.
 */
export function engineAddress(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--logtostderr" || arg.startsWith("-v=")) continue;
    if (arg === "--tracing") {
      i++;
      continue;
    }
    return arg || undefined;
  }
  return undefined;
}

export interface EngineLogOptions {
  /** Where a log goes that the engine did not take (default: stderr). */
  fallback?: (message: string) => void;
  deadlineMs?: number;
}

/**
 * Warnings to the engine at `address` (none: straight to the fallback). The connection is
 * made at the first warning; a failure of any kind — refused, past the deadline, a bad address
 * — sends that message to the fallback and never reaches the caller.
 */
export function engineLog(address: string | undefined, options: EngineLogOptions = {}): LogSink {
  const to = options.fallback ?? toStderr;
  const fallback = (message: string) => {
    try {
      to(message);
    } catch {
      // Nowhere left to say it (stderr closed): a warning must not fail anything.
    }
  };
  const deadlineMs = options.deadlineMs ?? LOG_DEADLINE_MS;
  let client: EngineClient | undefined;
  return (message, urn) => {
    if (!address) return fallback(message);
    try {
      client ??= new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
      const request = new enginePb.LogRequest()
        .setSeverity(enginePb.LogSeverity.WARNING)
        .setMessage(message)
        .setUrn(urn ?? "")
        .setEphemeral(false);
      client.log(request, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (error) => {
        if (error) fallback(message);
      });
    } catch {
      fallback(message);
    }
  };
}
