/**
 * What a face passes to a resource method beside its inputs.
 */
import type { WaitLimit } from "../core/waiter";

/**
 * What a face knows of one call beyond its inputs: the plugin face passes the resource's
 * `customTimeouts` (the dynamic provider host never receives them).
 */
export interface CallOptions {
  /** customTimeouts for this operation, in seconds. */
  timeoutSeconds?: number;
}

/** How long a create or update waits: the resource's customTimeouts when given, else readyTimeoutSeconds. */
export function waitLimit(
  inputs: { readyTimeoutSeconds: number },
  call: CallOptions,
  operation: "create" | "update",
): WaitLimit {
  return call.timeoutSeconds
    ? { seconds: call.timeoutSeconds, setBy: `customTimeouts.${operation}` }
    : { seconds: inputs.readyTimeoutSeconds, setBy: "readyTimeoutSeconds" };
}
