import {
  DEFAULT_EMULATOR_TOKEN,
  EmulatorOptions,
  RunningEmulator,
  SEED_IDS,
  startEmulator,
} from "../../emulator";
import { CodeOceanClient, ClientSettings } from "../../provider/core/api/client";
import { Throttle } from "../../provider/core/api/throttle";
import { freshRuntime } from "./runtime";

export { DEFAULT_EMULATOR_TOKEN as TOKEN, SEED_IDS };

/** Starts an emulator on a random loopback port for one test file; stops it afterwards. */
export function useEmulator(opts: EmulatorOptions = {}): { current: RunningEmulator } {
  const ref = {} as { current: RunningEmulator };
  beforeAll(async () => {
    ref.current = await startEmulator({
      port: 0,
      readyAfterMs: 100,
      attachReadyAfterMs: 50,
      ...opts,
    });
  });
  afterAll(async () => {
    await ref.current?.stop();
  });
  return ref;
}

/** A client for the emulator with fast retries, so fault tests do not wait seconds. */
export function fastClient(
  emu: RunningEmulator,
  settings: Partial<ClientSettings> = {},
  throttle?: Throttle,
): CodeOceanClient {
  return new CodeOceanClient(
    {
      domain: emu.url,
      token: DEFAULT_EMULATOR_TOKEN,
      requestTimeoutMs: 5_000,
      retry: { initialDelayMs: 10, maxDelayMs: 50, maxRetries: 4, maxRetryAfterMs: 2_000 },
      throttle: { requestsPerSecond: 1_000, maxConcurrent: 32 },
      ...settings,
    },
    throttle,
  );
}

/** Points the provider's run-time configuration at an emulator (environment fallback). */
export function configureProviderEnv(
  emu: RunningEmulator,
  extra: Record<string, string> = {},
): () => void {
  const keys = {
    CODEOCEAN_DOMAIN: emu.url,
    CODEOCEAN_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    CODEOCEAN_REQUESTS_PER_SECOND: "500",
    ...extra,
  };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(keys)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  // The provider reads its configuration once per runtime, as the host does in `configure`.
  freshRuntime();
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    freshRuntime();
  };
}

/** Polls `fn` until it returns a truthy value, up to `timeoutMs`. */
export async function eventually<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
