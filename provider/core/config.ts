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
import { z } from "zod";
import * as t from "../declare/types";
import type { Property } from "../declare/types";

/** One setting of the provider: its type, description and default, and its environment variable. */
export interface Setting {
  env: string;
  property: Property;
}

const setting = (env: string, property: Property): Setting => ({ env, property });
const positive = () => t.number(z.number().positive());
const wholeNumber = () => t.integer(z.number().int().positive());

/**
 * The provider's settings, declared once: stack config `codeocean:<name>` (or an explicit
 * provider's input `<name>`), then the environment variable. The schema's provider
 * configuration and the README's table come from here.
 */
export const SETTINGS = {
  domain: setting(
    "CODEOCEAN_DOMAIN",
    t.required(
      t.string("a domain, e.g. acme.codeocean.com"),
      "Your deployment: `acme.codeocean.com`, `https://acme.codeocean.com/`, or a full API URL. Plain `http://` only for loopback (the emulator).",
    ),
  ),
  token: setting(
    "CODEOCEAN_API_TOKEN",
    t.required(
      t.string("an API token"),
      "API token (`cop_…`) with read/write scope on data assets and capsules. Sent as HTTP Basic user name; never logged, never in outputs or error messages. Set it with `--secret`.",
      { secret: true },
    ),
  ),
  requestsPerSecond: setting(
    "CODEOCEAN_REQUESTS_PER_SECOND",
    t.defaulted(
      positive(),
      DEFAULT_THROTTLE.requestsPerSecond,
      "Starting request rate for the whole stack. It adapts, so you need not know your deployment's limit: while requests queue it doubles each second until the first 429, which cuts it to 0.4 ×; after that it rises by 1/s each second and each further 429 cuts it by 30 %.",
    ),
  ),
  maxConcurrentRequests: setting(
    "CODEOCEAN_MAX_CONCURRENT_REQUESTS",
    t.defaulted(
      wholeNumber(),
      DEFAULT_THROTTLE.maxConcurrent,
      "Requests in flight at once, for the whole stack.",
    ),
  ),
  requestTimeoutSeconds: setting(
    "CODEOCEAN_REQUEST_TIMEOUT_SECONDS",
    t.defaulted(positive(), DEFAULT_REQUEST_TIMEOUT_MS / 1000, "Per HTTP request, in seconds."),
  ),
  minPollIntervalSeconds: setting(
    "CODEOCEAN_MIN_POLL_INTERVAL_SECONDS",
    t.defaulted(
      positive(),
      DEFAULT_POLL_SCHEDULE.minIntervalMs / 1000,
      "Shortest wait between readiness checks, in seconds. Lower it only for the emulator.",
    ),
  ),
  allowInsecureHttp: setting(
    "CODEOCEAN_ALLOW_INSECURE_HTTP",
    t.defaulted(
      t.boolean(),
      false,
      "Allow `http://` to a non-loopback host (the token would travel in clear text).",
    ),
  ),
  retryDelayScale: setting(
    "CODEOCEAN_RETRY_DELAY_SCALE",
    t.defaulted(
      positive(),
      DEFAULT_RETRY_POLICY.delayScale,
      "Multiplies every retry backoff and `Retry-After` wait (0–1). Lower it only for the emulator, so that tests do not sit in real backoff.",
    ),
  ),
  skipCredentialsValidation: setting(
    "CODEOCEAN_SKIP_CREDENTIALS_VALIDATION",
    t.defaulted(
      t.boolean(),
      false,
      "`true`: previews make no call to check the domain and token, and accept them missing (an offline preview, or CI without the token). Otherwise the first check of a preview validates them with one `GET /custom_metadata`, so that a wrong token or a missing domain fails the preview, not the `up`.",
    ),
  ),
  takeOverWindowSeconds: setting(
    "CODEOCEAN_TAKE_OVER_WINDOW_SECONDS",
    t.defaulted(
      t.number(z.number().min(0)),
      86_400,
      "How old an asset an interrupted `up` left behind may be for a create to take it over instead of creating another (a day by default); `0` turns taking over off.",
    ),
  ),
} as const;

/** Stack config keys and their environment fallbacks. */
export const CONFIG_KEYS = Object.fromEntries(
  Object.entries(SETTINGS).map(([name, s]) => [name, { key: `codeocean:${name}`, env: s.env }]),
) as { [K in keyof typeof SETTINGS]: { key: string; env: string } };

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

const defaultOf = (name: keyof typeof SETTINGS) => SETTINGS[name].property.default as number;

export const DEFAULT_SETTINGS = {
  requestsPerSecond: defaultOf("requestsPerSecond"),
  maxConcurrentRequests: defaultOf("maxConcurrentRequests"),
  requestTimeoutSeconds: defaultOf("requestTimeoutSeconds"),
  /** The schedules' own shortest wait (waiter.ts); the setting scales them. */
  minPollIntervalSeconds: defaultOf("minPollIntervalSeconds"),
  retryDelayScale: defaultOf("retryDelayScale"),
  /** A day: an interrupted `up` is usually run again within hours (see createRecovery.ts). */
  takeOverWindowSeconds: defaultOf("takeOverWindowSeconds"),
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
