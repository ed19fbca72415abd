/**
 * What the server answers for a thrown error (see "Decisions" in server.ts): a partial failure
 * becomes ErrorResourceInitFailed, the server's own refusals carry the status code that says
 * what happened, anything else is its message alone; every message passes through `redact`.
 */
import type * as grpcJs from "@grpc/grpc-js";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as statusPb from "@pulumi/pulumi/proto/status_pb";
import { redact } from "../../core/api/redact";
import { Any, FIELD, grpc } from "./service";
import { appendStructFields, encodeStruct, type Props } from "./struct";

/** An error this server raises itself, with the status code that says what happened. */
export class RpcError extends Error {
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

export function errorMessage(err: unknown): string {
  // Providers may throw plain objects shaped like errors, as the dynamic host allows.
  const message = isObject(err) && typeof err.message === "string" ? err.message : undefined;
  const text = message || (err instanceof Error ? err.name : String(err));
  return redact(text || "unknown error");
}

export function serviceError(
  code: grpcJs.status,
  message: string,
  metadata = new grpc.Metadata(),
): grpcJs.ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata });
}

/** The gRPC answer for a thrown error (see "Decisions" in server.ts). */
export function toServiceError(err: unknown): grpcJs.ServiceError {
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

/**
 * `outs` when they can be sent to the engine. Otherwise the remote change already happened:
 * answer a partial failure recording `id` with `fallback` (the inputs, which came over the
 * wire), so that a value the wire cannot carry (a bigint, a cycle) never orphans the object.
 */
export function sendable(what: string, id: string, outs: Props, fallback: Props): Props {
  try {
    encodeStruct(outs);
    return outs;
  } catch (err) {
    const reason = `${what} succeeded but its outputs cannot be sent to the Pulumi engine: ${errorMessage(err)}`;
    throw Object.assign(new Error(reason), { id, properties: fallback, reasons: [reason] });
  }
}

export function abortReason(message: string): Error {
  return Object.assign(new Error(message), { name: "AbortError" });
}
