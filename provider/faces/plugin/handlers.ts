/**
 * The service implementation: each method of `pulumirpc.ResourceProvider` answered by a
 * session's call, a thrown error turned into its gRPC answer (errors.ts), and the methods this
 * provider never serves answered UNIMPLEMENTED.
 */
import type * as grpcJs from "@grpc/grpc-js";
import type * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { checkConfig, configure, diffConfig } from "./config";
import { serviceError, toServiceError } from "./errors";
import { Empty, grpc, type Incoming, type Outgoing, type UnaryCall } from "./service";
import type { Session } from "./session";

/** The handlers of `session`'s calls, by method name. */
export function handlers(session: Session): grpcJs.UntypedServiceImplementation {
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
    getPluginInfo: unary(() => session.getPluginInfo()),
    getSchema: unary(() => session.getSchema()),
    checkConfig: unary((req: Incoming<providerPb.CheckRequest>) =>
      checkConfig(session.provider, req),
    ),
    diffConfig: unary((req: Incoming<providerPb.DiffRequest>) => diffConfig(session.provider, req)),
    configure: unary((req: Incoming<providerPb.ConfigureRequest>) =>
      configure(session.provider, req),
    ),
    check: unary(session.check.bind(session)),
    diff: unary(session.diff.bind(session)),
    create: unary(session.create.bind(session)),
    read: unary(session.read.bind(session)),
    update: unary(session.update.bind(session)),
    delete: unary(session.delete.bind(session)),
    invoke: unary(session.invoke.bind(session)),
    cancel: unary(() => {
      session.cancel("cancelled by the Pulumi engine");
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
