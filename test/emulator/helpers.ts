import { DEFAULT_EMULATOR_TOKEN, SEED_IDS, type RunningEmulator } from "../../emulator";

// Response bodies are arbitrary JSON; tests assert on their shape directly.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

export interface CallOptions {
  /** null sends no Authorization header. */
  token?: string | null;
  /** Sent verbatim instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function basicAuth(token: string = DEFAULT_EMULATOR_TOKEN): string {
  return `Basic ${Buffer.from(`${token}:`).toString("base64")}`;
}

/** One API call under /api/v1 (or an absolute path when it starts with /__emulator). */
export async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "Min-Server-Version": "4.6.0",
    ...opts.headers,
  };
  const token = opts.token === undefined ? DEFAULT_EMULATOR_TOKEN : opts.token;
  if (token !== null) headers.Authorization = basicAuth(token);
  const url = path.startsWith("/__emulator") ? emu.url + path : `${emu.url}/api/v1${path}`;
  const res = await fetch(url, {
    method,
    headers,
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: opts.signal,
  });
  const text = await res.text();
  let json: Json = undefined;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Polls `fn` until `done` holds; fails after `timeoutMs` instead of sleeping a fixed time. */
export async function waitFor<T>(
  fn: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs}ms; last value: ${JSON.stringify(value)}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function awsAsset(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "raw reads",
    mount: "raw-reads",
    tags: ["genomics"],
    source: { aws: { bucket: "acme-raw", prefix: "run-1/" } },
    ...overrides,
  };
}

export function resultAsset(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "run results",
    mount: "results",
    tags: [],
    source: { computation: { id: SEED_IDS.computation } },
    ...overrides,
  };
}

export async function createAsset(
  emu: RunningEmulator,
  body: Record<string, unknown>,
): Promise<Json> {
  const res = await call(emu, "POST", "/data_assets", body);
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${res.text}`);
  return res.json;
}

export async function waitForState(emu: RunningEmulator, id: string, state: string): Promise<Json> {
  const res = await waitFor(
    () => call(emu, "GET", `/data_assets/${id}`),
    (r) => r.json?.state === state,
  );
  return res.json;
}

/** Creates an asset and waits until it is ready (the emulator under test must not stall it). */
export async function createReadyAsset(
  emu: RunningEmulator,
  body: Record<string, unknown>,
): Promise<Json> {
  const created = await createAsset(emu, body);
  return waitForState(emu, created.id, "ready");
}
