/**
 * Provider configuration, read at run time inside the provider host — never captured in
 * the serialized provider, so neither the domain nor the token reaches Pulumi's state.
 * Stack config (delivered through the dynamic provider's `configure`) wins over the
 * environment.
 */
import { CodeOceanClient, sharedThrottle } from "./api/client";
import { apiBaseUrl } from "./api/endpoint";
import { ConfigurationError } from "./api/errors";
import { registerSecret } from "./api/redact";
import { ATTACH_POLL_SCHEDULE } from "./resources/attachQueue";
import { DEFAULT_POLL_SCHEDULE, PollSchedule } from "./waiter";

/** Stack config keys and their environment fallbacks. */
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
}

type ConfigSource = { get(key: string): string | undefined };

let stackConfig: ConfigSource | undefined;

/** Called by the dynamic provider's `configure` with the stack's (decrypted) config. */
export function setStackConfig(config: ConfigSource | undefined): void {
  stackConfig = config;
  cached = undefined;
  const token = config?.get(CONFIG_KEYS.token.key);
  registerSecret(token);
}

function lookup(name: keyof typeof CONFIG_KEYS): string | undefined {
  const { key, env } = CONFIG_KEYS[name];
  const fromStack = stackConfig?.get(key);
  if (fromStack !== undefined && fromStack !== "") return fromStack;
  const fromEnv = process.env[env];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

function positiveNumber(name: keyof typeof CONFIG_KEYS, fallback: number, max: number): number {
  const raw = lookup(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    const { key, env } = CONFIG_KEYS[name];
    throw new ConfigurationError(
      `${key} (or ${env}) must be a number between 0 and ${max}; got "${raw}".`,
    );
  }
  return n;
}

function wholeNumber(name: keyof typeof CONFIG_KEYS, fallback: number, max: number): number {
  const n = positiveNumber(name, fallback, max);
  if (!Number.isInteger(n)) {
    const { key, env } = CONFIG_KEYS[name];
    throw new ConfigurationError(
      `${key} (or ${env}) must be a whole number from 1 to ${max}; got "${lookup(name)}".`,
    );
  }
  return n;
}

/** The settings, or one error that names every missing key and both ways to set it. */
export function loadSettings(): ProviderSettings {
  const domain = lookup("domain");
  const token = lookup("token");
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
  if (missing.length) {
    throw new ConfigurationError(
      `pulumi-codeocean is not configured. Set ${missing.join("; and ")}.`,
    );
  }
  return {
    domain: domain!,
    token: token!,
    requestsPerSecond: positiveNumber("requestsPerSecond", 10, 10_000),
    maxConcurrentRequests: wholeNumber("maxConcurrentRequests", 16, 1_000),
    requestTimeoutSeconds: positiveNumber("requestTimeoutSeconds", 30, 3_600),
    allowInsecureHttp: /^(1|true|yes)$/i.test(lookup("allowInsecureHttp") ?? ""),
    minPollIntervalSeconds: positiveNumber("minPollIntervalSeconds", 2, 600),
  };
}

/** Settings are present (used to decide whether optional remote checks can run at preview). */
export function isConfigured(): boolean {
  return lookup("domain") !== undefined && lookup("token") !== undefined;
}

let cached: { fingerprint: string; client: CodeOceanClient } | undefined;

/**
 * The process-wide client for the current settings. Every resource shares it, and with it
 * the request throttle keyed by base URL.
 */
export function getClient(): CodeOceanClient {
  const s = loadSettings();
  const fingerprint = JSON.stringify(s);
  if (cached?.fingerprint === fingerprint) return cached.client;
  const baseUrl = apiBaseUrl(s.domain, s.allowInsecureHttp);
  const throttle = sharedThrottle(baseUrl, {
    requestsPerSecond: s.requestsPerSecond,
    maxConcurrent: s.maxConcurrentRequests,
  });
  const client = new CodeOceanClient(
    {
      domain: s.domain,
      token: s.token,
      requestTimeoutMs: s.requestTimeoutSeconds * 1000,
      allowInsecureHttp: s.allowInsecureHttp,
    },
    throttle,
  );
  cached?.client.close();
  cached = { fingerprint, client };
  return client;
}

/**
 * The readiness schedules for assets and for mounts, scaled by minPollIntervalSeconds
 * (the defaults when it is 2 s).
 */
export function pollSchedules(): { asset: PollSchedule; attach: PollSchedule } {
  const scale = loadSettings().minPollIntervalSeconds / 2;
  const scaled = (s: PollSchedule): PollSchedule => ({
    ...s,
    firstPollMs: s.firstPollMs * scale,
    minIntervalMs: s.minIntervalMs * scale,
  });
  return { asset: scaled(DEFAULT_POLL_SCHEDULE), attach: scaled(ATTACH_POLL_SCHEDULE) };
}
