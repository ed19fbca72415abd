/**
 * What the plugin server (server.ts) asks of a provider. The server owns the protocol — wire
 * format, secrets, the provider's own `version` input, cancellation, partial failures — so
 * that an implementation of these interfaces only sees plain values and plain errors.
 */

/** A property bag as plain JavaScript: no `null` anywhere as an object value (null means absent). */
export type Props = Record<string, unknown>;

export interface CallContext {
  urn: string;
  /** From the request (customTimeouts), in seconds; undefined when not given. */
  timeoutSeconds?: number;
  /** Aborted by Cancel (the engine also calls Cancel at every normal shutdown). */
  signal: AbortSignal;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface ResourceMethods {
  check(
    olds: Props,
    news: Props,
    ctx: CallContext,
  ): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(
    id: string,
    olds: Props,
    news: Props,
    oldInputs: Props,
    ctx: CallContext,
  ): Promise<{
    changes: boolean;
    replaces: string[];
    deleteBeforeReplace: boolean;
    /** changed top-level properties, for display */
    diffs?: string[];
  }>;
  create(inputs: Props, ctx: CallContext): Promise<{ id: string; outs: Props }>;
  read(
    id: string,
    props: Props,
    inputs: Props,
    ctx: CallContext,
  ): Promise<{ id: string; props: Props; inputs?: Props }>;
  update(
    id: string,
    olds: Props,
    news: Props,
    oldInputs: Props,
    ctx: CallContext,
  ): Promise<{ outs: Props }>;
  delete(id: string, props: Props, oldInputs: Props, ctx: CallContext): Promise<void>;
}

export interface PluginProvider {
  version: string;
  /** The package schema as JSON text. */
  schema(): string;
  /**
   * Validates provider configuration: an explicit provider's inputs (its schema property
   * names; the generated Node SDK sends every non-string value as JSON text, YAML sends them
   * typed), or, for the default provider, the stack config's `codeocean:*` keys without the
   * `codeocean:` prefix, every value a string (objects as JSON text), even the ones the
   * schema types otherwise. Secrets arrive as plaintext; the engine marks the returned inputs
   * secret again by top-level name, so keep the names. Values may be the unknown sentinel
   * during preview. The engine's own `version` input never reaches here.
   */
  checkConfig(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  /** Which config keys changed (for DiffConfig); changing config never replaces resources. */
  diffConfig(olds: Props, news: Props): string[];
  /** Receives what checkConfig returned (as stored in the state), secrets as plaintext. */
  configure(config: Props): Promise<void>;
  /** By type token, e.g. "codeocean:index:DataAsset". */
  resources: Record<string, ResourceMethods>;
  /** Only called with tokens the schema lists under `functions`. */
  invoke(token: string, args: Props): Promise<Props>;
}
