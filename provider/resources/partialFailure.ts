import { CodeOceanError } from "../core/api/errors";
/** The input under which Pulumi stores the serialized provider. */
export const PROVIDER_KEY = "__provider";

export function withProvider(
  props: Record<string, unknown>,
  provider: unknown,
): Record<string, unknown> {
  return provider === undefined ? props : { ...props, [PROVIDER_KEY]: provider };
}

/**
 * Thrown after the remote object exists. The dynamic-provider host turns an error carrying
 * `id` and `properties` into ErrorResourceInitFailed: the engine records the object in the
 * state (with init errors) and retries it with an update on the next `up`, instead of
 * forgetting an object that exists in Code Ocean. `properties` is a full output set including
 * `__provider`, because later refresh and destroy load the provider from it.
 */
export class PartialFailure extends CodeOceanError {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  override readonly cause: unknown;

  constructor(cause: unknown, id: string, properties: Record<string, unknown>) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.cause = cause;
    this.id = id;
    this.properties = properties;
    this.reasons = [this.message];
  }
}
