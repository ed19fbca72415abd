/**
 * What registering one of our resources costs the user's program, kept small.
 *
 * Pulumi's Node SDK backs every property a resource registers with four promises and takes
 * a stack trace (`new Error().stack`) for each, kept as debug context for its promise-leak
 * report. Under ts-node — how the Pulumi language host runs TypeScript programs —
 * source-map-support maps every frame of every such trace: about 0.8 ms per property, and a
 * DataAsset registers ~30 (each input and output, so that each is an Output on the object).
 * For 200 assets that was 4 of the 8 s of a `pulumi preview` (bench §5b).
 *
 * `withoutStackCaptures` runs the (synchronous) registration with `Error.stackTraceLimit` at
 * 0, so those traces are empty and cost nothing, and restores the limit before returning.
 * What is lost: frames in a leak report about one of our resources' internal promises (they
 * would point into the SDK), and frames of an error thrown synchronously inside the
 * constructor (for example by a legacy `transformations` callback) — its message is kept.
 * Not lost: the source position the SDK reports to the engine for each resource — newer
 * SDKs (3.270 checked) capture it with their own limit (`Resource.callsites` raises it to
 * Infinity). Older SDKs (3.139.0, the peer floor) capture it under the current limit and so
 * report none for our resources; what they reported before was no user location either:
 * their pattern skips at most one subclass constructor, so for any dynamic resource it
 * named the subclass's own file (here dist/provider/faces/dynamic/dataAsset.js).
 */
export function withoutStackCaptures(): () => void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}

/**
 * Whether a config key was set as a secret, from the SDK's runtime (not in its type
 * declarations; present since long before our peer floor). Undefined if an SDK lacks it.
 */
export function configSecrecy(): ((key: string) => boolean) | undefined {
  const config = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: unknown };
  return typeof config.isConfigSecret === "function"
    ? (config.isConfigSecret as (key: string) => boolean)
    : undefined;
}
