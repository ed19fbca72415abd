/**
 * The `pulumirpc.ResourceProvider` service as this server speaks it: the SDK's generated
 * methods, loaded from @pulumi/pulumi's own copies of grpc-js and google-protobuf, with each
 * request's and response's Struct fields (de)serialized through struct.ts.
 */
import * as path from "path";
import type * as grpcJs from "@grpc/grpc-js";
import type * as anyPb from "google-protobuf/google/protobuf/any_pb";
import type * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { redact } from "../../core/api/redact";
import { appendStructFields, readStructFields, type Props } from "./struct";
import type { CheckFailure } from "./types";

// The generated service and messages were built against @pulumi/pulumi's own copies of
// grpc-js and google-protobuf, and their serializers check `instanceof` against them: load
// those copies, not whichever ones happen to resolve from here.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = <T>(id: string): T => require(require.resolve(id, { paths: [pulumiDir] }));
export const grpc = fromPulumi<typeof grpcJs>("@grpc/grpc-js");
export const { Empty } = fromPulumi<typeof emptyPb>("google-protobuf/google/protobuf/empty_pb.js");
export const { Any } = fromPulumi<typeof anyPb>("google-protobuf/google/protobuf/any_pb.js");
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as {
  ResourceProviderService: grpcJs.ServiceDefinition;
};

/**
 * The numbers of the Struct-typed fields of each request and response (provider.proto; the
 * struct tags in sdk/v3 v3.274.1 proto/go/provider.pb.go).
 */
export const FIELD = {
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
export interface Incoming<M> {
  msg: M;
  structs: Map<number, Props>;
}

/** A response: the generated message without its Struct fields, and those fields. */
export interface Outgoing {
  msg: { serializeBinary(): Uint8Array };
  structs?: Record<number, Props | undefined>;
}

export type UnaryCall<M> = grpcJs.ServerUnaryCall<Incoming<M>, Outgoing>;

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

export const serviceDefinition: grpcJs.ServiceDefinition = {
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

export function checkFailures(failures: CheckFailure[]): providerPb.CheckFailure[] {
  return failures.map((f) =>
    new providerPb.CheckFailure().setProperty(f.property).setReason(redact(f.reason)),
  );
}
