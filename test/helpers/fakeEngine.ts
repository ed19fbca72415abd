/**
 * The engine's side of `pulumirpc.Engine` as a plugin sees it: a gRPC server on a random
 * loopback port whose address a test passes to the plugin as its argument, as the engine does.
 * It records every Log request; the other methods answer UNIMPLEMENTED.
 */
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";

const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const { Empty } = require(
  require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiDir] }),
);

export interface LoggedMessage {
  severity: "DEBUG" | "INFO" | "WARNING" | "ERROR";
  message: string;
  urn: string;
  ephemeral: boolean;
}

export interface FakeEngine {
  /** `127.0.0.1:<port>`: the plugin's argument. */
  address: string;
  logs: LoggedMessage[];
  stop(): Promise<void>;
}

const SEVERITY = Object.fromEntries(
  Object.entries(enginePb.LogSeverity).map(([name, n]) => [n, name]),
) as Record<number, LoggedMessage["severity"]>;

export async function startFakeEngine(): Promise<FakeEngine> {
  const logs: LoggedMessage[] = [];
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService, {
    log(
      call: grpc.ServerUnaryCall<enginePb.LogRequest, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      const r = call.request;
      logs.push({
        severity: SEVERITY[r.getSeverity()],
        message: r.getMessage(),
        urn: r.getUrn(),
        ephemeral: r.getEphemeral(),
      });
      callback(null, new Empty());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000).unref();
      }),
  };
}
