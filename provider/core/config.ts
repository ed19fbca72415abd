/**
 * Provider configuration, read at run time inside the provider host — never captured in
 * the serialized provider, so neither the domain nor the token reaches Pulumi's state.
 * Stack config (delivered through the dynamic provider's `configure`) wins over the
 * environment. Pure: the runtime (runtime.ts) calls it once per configuration.
 */
import { DEFAULT_REQUEST_TIMEOUT_MS } from "./api/client";
import { ConfigurationError } from "./api/errors";
import { registerSecret } from "./api/redact";
import { DEFAULT_RETRY_POLICY } from "./api/retry";
import { DEFAULT_THROTTLE } from "./api/throttle";
import { DEFAULT_POLL_SCHEDULE } from "./waiter";

/** Stack config keys, their environment fallbacks and their defaults — stated here only. */
export const CONFIG_KEYS = {
  domain: { key: "codeocean:domain", env: "CODEOCEAN_DOMAIN" },
  token: { key: "codeocean:token", env: "CODEOCEAN_API_TOKEN" },
  requestsPerSecond: { key: "codeocean:requestsPerSecond", env: "CODEOCEAN_REQUESTS_PER_SECOND" },
  maxConcurrentRequests: {
    key: "codeocean:maxConcurrentRequests",
    env: "CODEOCEAN_MAX_CONCURRENT_REQUESTS",
  },
  requestTimeoutSeconds: {
    key: "codeocean:requestTimeoutSeconds",
    env: "CODEOCEAN_REQUEST_TIMEOUT_SECONDS",
  },
  allowInsecureHttp: { key: "codeocean:allowInsecureHttp", env: "CODEOCEAN_ALLOW_INSECURE_HTTP" },
  minPollIntervalSeconds: {
    key: "codeocean:minPollIntervalSeconds",
    env: "CODEOCEAN_MIN_POLL_INTERVAL_SECONDS",
  },
  retryDelayScale: { key: "codeocean:retryDelayScale", env: "CODEOCEAN_RETRY_DELAY_SCALE" },
  takeOverWindowSeconds: {
    key: "codeocean:takeOverWindowSeconds",
    env: "CODEOCEAN_TAKE_OVER_WINDOW_SECONDS",
  },
  skipCredentialsValidation: {
    key: "codeocean:skipCredentialsValidation",
    env: "CODEOCEAN_SKIP_CREDENTIALS_VALIDATION",
  },
} as const;

export interface ProviderSettings {
  domain: string;
  token: string;
  requestsPerSecond: number;
  maxConcurrentRequests: number;
  requestTimeoutSeconds: number;
  allowInsecureHttp: boolean;
  /** The shortest wait between readiness checks (default 2 s); lower it only for an emulator. */
  minPollIntervalSeconds: number;
  /** Multiplies retry backoff and Retry-After waits (default 1); lower it only for an emulator. */
  retryDelayScale: number;
  /** How old an interrupted run's asset may be for a create to take it over (0: never). */
  takeOverWindowSeconds: number;
}

export const DEFAULT_SETTINGS = {
  requestsPerSecond: DEFAULT_THROTTLE.requestsPerSecond,
  maxConcurrentRequests: DEFAULT_THROTTLE.maxConcurrent,
  requestTimeoutSeconds: DEFAULT_REQUEST_TIMEOUT_MS / 1000,
  /** The schedules' own shortest wait (waiter.ts); the setting scales them. */
  minPollIntervalSeconds: DEFAULT_POLL_SCHEDULE.minIntervalMs / 1000,
  retryDelayScale: DEFAULT_RETRY_POLICY.delayScale,
  /** A day: an interrupted `up` is usually run again within hours (see createRecovery.ts). */
  takeOverWindowSeconds: 86_400,
};

/** The `configure` request's config: keys `codeocean:…`, secrets decrypted. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

type Env = Record<string, string | undefined>;

function lookup(
  name: keyof typeof CONFIG_KEYS,
  stack: ConfigSource | undefined,
  env: Env,
): string | undefined {
  const { key, env: envName } = CONFIG_KEYS[name];
  const fromStack = stack?.get(key);
  if (fromStack !== undefined && fromStack !== "") return fromStack;
  const fromEnv = env[envName];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

/** The settings, or one error that names every missing key and both ways to set it. */
export function loadSettings(stack?: ConfigSource, env: Env = process.env): ProviderSettings {
  const get = (name: keyof typeof CONFIG_KEYS) => lookup(name, stack, env);
  const number = (
    name: keyof typeof DEFAULT_SETTINGS,
    max: number,
    whole = false,
    zeroAllowed = false,
  ): number => {
    const raw = get(name);
    if (raw === undefined) return DEFAULT_SETTINGS[name];
    const n = Number(raw);
    const { key, env: envName } = CONFIG_KEYS[name];
    if (!Number.isFinite(n) || n < 0 || (n === 0 && !zeroAllowed) || n > max) {
      throw new ConfigurationError(
        `${key} (or ${envName}) must be a number ${zeroAllowed ? "from 0" : "above 0"} to ${max}; got "${raw}".`,
      );
    }
    if (whole && !Number.isInteger(n)) {
      throw new ConfigurationError(
        `${key} (or ${envName}) must be a whole number from 1 to ${max}; got "${raw}".`,
      );
    }
    return n;
  };
  const domain = get("domain");
  const token = get("token");
  registerSecret(token);
  const missing: string[] = [];
  if (!domain)
    missing.push(
      `the Code Ocean domain: \`pulumi config set codeocean:domain acme.codeocean.com\` or CODEOCEAN_DOMAIN`,
    );
  if (!token)
    missing.push(
      `the API token: \`pulumi config set --secret codeocean:token <token>\` or CODEOCEAN_API_TOKEN`,
    );
  if (!domain || !token) {
    throw new ConfigurationError(
      `pulumi-codeocean is not configured. Set ${missing.join("; and ")}.`,
    );
  }
  return {
    domain,
    token,
    requestsPerSecond: number("requestsPerSecond", 10_000),
    maxConcurrentRequests: number("maxConcurrentRequests", 1_000, true),
    requestTimeoutSeconds: number("requestTimeoutSeconds", 3_600),
    allowInsecureHttp: /^(1|true|yes)$/i.test(get("allowInsecureHttp") ?? ""),
    minPollIntervalSeconds: number("minPollIntervalSeconds", 600),
    retryDelayScale: number("retryDelayScale", 1),
    takeOverWindowSeconds: number("takeOverWindowSeconds", 30 * 86_400, false, true),
  };
}

/** What a configuration consists of: equal fingerprints, equal settings (kept in memory only). */
export function configFingerprint(stack?: ConfigSource, env: Env = process.env): string {
  return JSON.stringify(
    Object.values(CONFIG_KEYS).map(({ key, env: e }) => [stack?.get(key), env[e]]),
  );
}

/** Domain and token are present (optional remote checks at preview run only then). */
export function isConfigured(stack?: ConfigSource, env: Env = process.env): boolean {
  return lookup("domain", stack, env) !== undefined && lookup("token", stack, env) !== undefined;
}

/**
 * `codeocean:skipCredentialsValidation`: previews (checks) make no call to validate the
 * credentials and accept a missing domain or token, for offline previews (as pulumi-aws's
 * skipCredentialsValidation). Read apart from the settings, which need domain and token.
 */
export function skipsCredentialsValidation(stack?: ConfigSource, env: Env = process.env): boolean {
  return /^(1|true|yes)$/i.test(lookup("skipCredentialsValidation", stack, env) ?? "");
}
