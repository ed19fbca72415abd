/**
 * Everything a provider process holds between calls, in one object built from one
 * configuration (aws-native's provider struct, built in Configure): the settings, the client
 * with its request budget, the readiness schedules and estimate, the metadata-schema cache,
 * the credentials check, cancellation, where warnings go, and the counters benchmarks read.
 * Both resources of a stack share it, since the engine runs them in one process and the
 * server's rate limit counts both. The resources' own helpers (resources/index.ts) are built over it; the core
 * knows nothing of them. Tests build a fresh one instead of resetting globals.
 */
import { setMaxListeners } from "events";
import * as os from "os";
import { CodeOceanClient } from "./api/client";
import { CodeOceanError, ConfigurationError } from "./api/errors";
import { redact } from "./api/redact";
import type { CustomMetadataField } from "./api/schemas";
import { DEFAULT_RETRY_POLICY } from "./api/retry";
import { Throttle } from "./api/throttle";
import {
  ConfigSource,
  DEFAULT_SETTINGS,
  isConfigured,
  loadSettings,
  ProviderSettings,
  skipsCredentialsValidation,
} from "./config";
import {
  ATTACH_POLL_SCHEDULE,
  DEFAULT_POLL_SCHEDULE,
  PollSchedule,
  ReadinessEstimate,
  scaledSchedule,
} from "./waiter";

/** The wait before a second look confirms that something is gone (as for a 404). */
const NOT_FOUND_CONFIRM_MS = DEFAULT_RETRY_POLICY.notFoundConfirmDelaysMs[0];

/** What the engine sizes its default parallelism by; read once, not per check. */
const CPU_CORES = os.cpus().length;

type Env = Record<string, string | undefined>;

/**
 * What a warning is about: the resource whose call is in flight, or the whole deployment
 * (a note said once for every resource, which the call that happened to trigger it does not own).
 */
export type WarningScope = "resource" | "deployment";

/** Where warnings go; the message is redacted already. */
export type WarningSink = (message: string, scope: WarningScope) => void;

export interface RuntimeOptions {
  /**
   * Where warnings go. By default stderr, which the dynamic-provider host shows to the user as
   * diagnostics; the plugin face sends them to the engine's Log service instead, since the
   * engine shows a resource plugin's stderr only as debug messages.
   */
  warn?: WarningSink;
}

const toStderr: WarningSink = (message) => console.error(message);

export class ProviderRuntime {
  /** Undefined when the configuration is incomplete or invalid; `client` then throws why. */
  readonly settings: ProviderSettings | undefined;
  /** Domain and token are given (optional remote checks at preview run only then). */
  readonly configured: boolean;
  /** Checks at preview make no call for the credentials, and accept a missing domain or token. */
  readonly offlinePreview: boolean;
  readonly schedules: { asset: PollSchedule; attach: PollSchedule };
  /** What similar assets took to become ready in this process (see ReadinessEstimate). */
  readonly readiness = new ReadinessEstimate();
  /** Attach and detach calls made (one per batch), for benchmarks and tests. */
  readonly attachStats = { attachCalls: 0, detachCalls: 0 };
  /** How old an interrupted run's leftover may be for a create to take it over (0: never). */
  readonly takeOverWindowSeconds: number;
  /** The wait before a second look confirms that something is gone (scaled like retries). */
  readonly confirmDelayMs: number;

  private readonly configError: unknown;
  private readonly cancellation = ((c) => {
    // Every wait and every read in flight listens to it: hundreds at once in a large stack.
    setMaxListeners(0, c.signal);
    return c;
  })(new AbortController());
  private built: CodeOceanClient | undefined;
  private metadataSchema: Promise<CustomMetadataField[] | undefined> | undefined;
  private credentials: Promise<void> | undefined;
  private plannedCreates = 0;
  private createsStarted = 0;
  private readonly sink: WarningSink;

  constructor(config?: ConfigSource, env: Env = process.env, options: RuntimeOptions = {}) {
    this.sink = options.warn ?? toStderr;
    let settings: ProviderSettings | undefined;
    try {
      settings = loadSettings(config, env);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      this.configError = error;
    }
    this.settings = settings;
    this.configured = isConfigured(config, env);
    this.offlinePreview = skipsCredentialsValidation(config, env);
    this.takeOverWindowSeconds =
      settings?.takeOverWindowSeconds ?? DEFAULT_SETTINGS.takeOverWindowSeconds;
    this.confirmDelayMs =
      NOT_FOUND_CONFIRM_MS * (settings?.retryDelayScale ?? DEFAULT_SETTINGS.retryDelayScale);
    const factor =
      (settings?.minPollIntervalSeconds ?? DEFAULT_SETTINGS.minPollIntervalSeconds) / 2;
    this.schedules = {
      asset: scaledSchedule(DEFAULT_POLL_SCHEDULE, factor),
      attach: scaledSchedule(ATTACH_POLL_SCHEDULE, factor),
    };
  }

  /**
   * Every warning of the provider goes here, redacted: to the user as a warning, attached by the
   * plugin face to the resource of the call in flight unless it is about the whole deployment.
   */
  warn(message: string, scope: WarningScope = "resource"): void {
    this.sink(redact(message), scope);
  }

  /** The client (and its throttle) for these settings, built on first use. */
  get client(): CodeOceanClient {
    if (!this.settings) throw this.configError;
    if (!this.built) {
      const s = this.settings;
      const throttle = new Throttle({
        requestsPerSecond: s.requestsPerSecond,
        maxConcurrent: s.maxConcurrentRequests,
      });
      this.built = new CodeOceanClient(
        {
          domain: s.domain,
          token: s.token,
          requestTimeoutMs: s.requestTimeoutSeconds * 1000,
          allowInsecureHttp: s.allowInsecureHttp,
          retry: { delayScale: s.retryDelayScale },
          cancelled: this.cancellation.signal,
        },
        throttle,
      );
    }
    return this.built;
  }

  /**
   * A preview must not pass with a wrong token or no domain and fail only at `up` (a green CI
   * check that lies): the first check of a run validates the configuration with one cheap
   * call, `GET /custom_metadata`, whose answer the metadata checks then reuse. One call per
   * provider process, not per resource. `codeocean:skipCredentialsValidation` turns it off
   * for offline previews.
   */
  checkCredentials(): Promise<void> {
    if (this.offlinePreview) return Promise.resolve();
    this.credentials ??= (async () => {
      if (!this.settings) {
        throw new ConfigurationError(
          `${(this.configError as Error).message} (To preview without Code Ocean, set codeocean:skipCredentialsValidation to true.)`,
        );
      }
      const schema = this.client.getCustomMetadataSchema();
      try {
        this.metadataSchema = Promise.resolve(await schema);
      } catch (error) {
        throw new ConfigurationError(
          `pulumi-codeocean could not reach Code Ocean with this configuration (codeocean:domain ${this.settings.domain}), so this preview would not tell you whether \`pulumi up\` can work: ${error instanceof Error ? error.message : String(error)} ` +
            "To preview without Code Ocean (offline, or in CI without the token), set codeocean:skipCredentialsValidation to true.",
        );
      }
    })();
    // Kept, failed or not: every resource's check gets the same answer from one call.
    return this.credentials;
  }

  /** The deployment's custom-metadata schema, fetched once; undefined (with one note) if unreachable. */
  customMetadataSchema(): Promise<CustomMetadataField[] | undefined> {
    // A configuration error (e.g. plain http to a remote host) fails the check; an
    // unreachable deployment only skips this optional look-up.
    this.metadataSchema ??= this.client.getCustomMetadataSchema().catch((error: unknown) => {
      // One note for every resource that declares customMetadata, not just the first one's.
      this.warn(
        `pulumi-codeocean: customMetadata not checked against the deployment's schema at preview: ${String(error)}`,
        "deployment",
      );
      return undefined;
    });
    return this.metadataSchema;
  }

  /**
   * Counts a DataAsset that the running operation will create (a check without old
   * state). When more of them wait on Code Ocean than the engine runs at once, its default
   * parallelism (4 × CPU cores) makes them queue: said once, at preview — no create has run
   * in the process then — with the `--parallel` value that lets them all wait together.
   */
  notePlannedCreate(): void {
    this.plannedCreates++;
    const enginePlaces = 4 * CPU_CORES;
    if (this.plannedCreates === enginePlaces + 1 && this.createsStarted === 0) {
      setImmediate(() =>
        this.warn(
          `pulumi-codeocean: this update creates more than ${enginePlaces} data assets, and Pulumi runs ${enginePlaces} operations at once by default (4 × ${CPU_CORES} CPU cores). ` +
            `Each create waits until Code Ocean has imported its asset, so the rest queue behind them: run \`pulumi up --parallel ${Math.max(100, enginePlaces * 4)}\` (or set PULUMI_PARALLEL) unless you already did. The request rate stays shared and bounded either way.`,
          "deployment",
        ),
      );
    }
  }

  /** A create began: the operation is an update, not a preview. */
  noteCreate(): void {
    this.createsStarted++;
  }

  /**
   * Aborted by the engine's Cancel (the plugin face; Ctrl-C, and also every normal shutdown):
   * every wait of this runtime stops at once. What Code Ocean already accepted is recorded in
   * the stack by the call that was waiting (a partial failure with its id).
   */
  get cancelled(): AbortSignal {
    return this.cancellation.signal;
  }

  cancel(): void {
    if (this.cancellation.signal.aborted) return;
    this.cancellation.abort(
      new CodeOceanError(
        "Stopped waiting: the Pulumi engine cancelled the operation (Ctrl-C, or the engine shutting down). What Code Ocean had already accepted is recorded in the stack; the next `pulumi up` resumes from there.",
      ),
    );
  }

  /** Closes idle connections (a replaced runtime, tests, benchmarks). */
  close(): void {
    this.built?.close();
  }
}
