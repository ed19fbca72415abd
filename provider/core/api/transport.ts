import * as http from "http";
import * as https from "https";
import fetch, { Response } from "node-fetch";
import { z } from "zod";
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  RequestDescription,
  ResponseValidationError,
} from "./errors";
import { Idempotency, RetryPolicy, isRetryable, parseRetryAfter, retryDelayMs } from "./retry";
import { Throttle } from "./throttle";
import { VERSION } from "../../version";

/** The API version this client speaks; older servers answer 400 to it (as with the official SDK). */
const MIN_SERVER_VERSION = "4.6.0";

/** Connection failures where the request provably never reached the server. */
const NEVER_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

export interface TransportOptions {
  /** Ends in `/api/v1/`. */
  baseUrl: string;
  token: string;
  timeoutMs: number;
  retry: RetryPolicy;
  throttle: Throttle;
  /**
   * The engine's Cancel (ProviderRuntime.cancelled): stops backoff waits at once, and reads in
   * flight (GET). A write already sent is left to finish — abandoning it would leave its
   * outcome unknown — within its own timeout.
   */
  cancelled?: AbortSignal;
}

export interface Request<T> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Below the base URL, starting with `/`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  kind: Idempotency;
  /** Validates a 2xx body; omitted for calls whose body is meaningless (archive, detach). */
  schema?: z.ZodType<T>;
}

/** Counters of one transport, read by benchmarks and the soak run. */
export interface TransportStats {
  requests: number;
  retries: number;
  rateLimited: number;
  errors: number;
}

/** Waits `ms`, or less when `signal` aborts (then rejects with its reason). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/** Describes a zod failure by the path of the first offending field. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`)
    .join("; ");
}

/** The one HTTP path of this package: auth, throttling, timeouts, retries, error mapping. */
export class Transport {
  private readonly agent: http.Agent;
  private readonly authorization: string;
  readonly stats: TransportStats = { requests: 0, retries: 0, rateLimited: 0, errors: 0 };

  constructor(private readonly options: TransportOptions) {
    const AgentClass = options.baseUrl.startsWith("https:") ? https.Agent : http.Agent;
    this.agent = new AgentClass({
      keepAlive: true,
      maxSockets: options.throttle.options.maxConcurrent,
    });
    // Token as the Basic-auth user name with an empty password, as Code Ocean expects.
    this.authorization = `Basic ${Buffer.from(`${options.token}:`).toString("base64")}`;
  }

  async request<T>(req: Request<T>): Promise<T> {
    const desc: RequestDescription = { method: req.method, path: req.path };
    const cancelled = this.options.cancelled;
    for (let retry = 0; ; retry++) {
      if (cancelled?.aborted) throw cancelled.reason;
      try {
        return await this.attempt(req, desc);
      } catch (error) {
        if (retry >= this.options.retry.maxRetries || !isRetryable(error, req.kind)) {
          this.stats.errors++;
          throw error;
        }
        this.stats.retries++;
        const retryAfter = error instanceof APIError ? error.retryAfterSeconds : undefined;
        await sleep(retryDelayMs(retry, this.options.retry, retryAfter), cancelled);
      }
    }
  }

  private async attempt<T>(req: Request<T>, desc: RequestDescription): Promise<T> {
    const release = await this.options.throttle.acquire();
    this.stats.requests++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    // A read in flight stops with Cancel (a write is left to finish: see TransportOptions).
    const cancelled = req.method === "GET" ? this.options.cancelled : undefined;
    const cancel = () => controller.abort();
    cancelled?.addEventListener("abort", cancel, { once: true });
    try {
      let response: Response;
      let text: string;
      try {
        const qs = req.query ? `?${new URLSearchParams(req.query).toString()}` : "";
        response = await fetch(this.options.baseUrl + req.path.replace(/^\//, "") + qs, {
          method: req.method,
          headers: {
            Authorization: this.authorization,
            "Content-Type": "application/json",
            Accept: "application/json",
            "User-Agent": `pulumi-codeocean/${VERSION}`,
            "Min-Server-Version": MIN_SERVER_VERSION,
          },
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          agent: this.agent,
          signal: controller.signal as never,
        });
        text = await response.text();
      } catch (error) {
        if (cancelled?.aborted) throw cancelled.reason;
        throw this.connectionError(error, desc, controller.signal.aborted);
      }
      const requestId =
        response.headers.get("request-id") ?? response.headers.get("x-request-id") ?? undefined;
      if (response.status === 429) {
        this.stats.rateLimited++;
        this.options.throttle.onRateLimited();
      } else {
        this.options.throttle.onSuccess();
      }
      if (response.status < 200 || response.status >= 300) {
        const { message, body } = readErrorBody(text, response.status, response.statusText);
        throw APIError.from({
          request: desc,
          status: response.status,
          serverMessage: message,
          body,
          requestId,
          retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")),
        });
      }
      if (!req.schema) return undefined as T;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ResponseValidationError(
          desc,
          `the body is not JSON (starts with ${JSON.stringify(text.slice(0, 40))})`,
        );
      }
      const parsed = req.schema.safeParse(json);
      if (!parsed.success) throw new ResponseValidationError(desc, describeZodError(parsed.error));
      return parsed.data;
    } finally {
      clearTimeout(timer);
      cancelled?.removeEventListener("abort", cancel);
      release();
    }
  }

  private connectionError(
    error: unknown,
    desc: RequestDescription,
    aborted: boolean,
  ): APIConnectionError {
    if (aborted) return new APITimeoutError(desc, this.options.timeoutMs);
    const e = error as { code?: string; errno?: string; message?: string };
    const code = e.code ?? e.errno;
    const reached = code && NEVER_SENT_CODES.has(code) ? "no" : "unknown";
    // node-fetch's message quotes the URL; ours never carries credentials, but keep only the reason.
    const reason = (e.message ?? String(error)).replace(/^request to \S+ failed, reason: /, "");
    return new APIConnectionError(desc, reason, code, reached);
  }

  /** Closes idle keep-alive sockets (tests, benchmarks). */
  close(): void {
    this.agent.destroy();
  }
}

const ErrorBody = z.object({ message: z.string().nullish() }).loose();

/** Code Ocean's `message` when the body is JSON; otherwise a short, tag-free excerpt. */
export function readErrorBody(
  text: string,
  status: number,
  statusText: string,
): { message: string; body: unknown } {
  try {
    const body: unknown = JSON.parse(text);
    const parsed = ErrorBody.safeParse(body);
    if (parsed.success && parsed.data.message) return { message: parsed.data.message, body };
    return { message: statusText || `HTTP ${status}`, body };
  } catch {
    const excerpt = text
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 200);
    return {
      message: excerpt
        ? `${statusText || "error"} (non-JSON body: ${excerpt})`
        : statusText || `HTTP ${status}`,
      body: undefined,
    };
  }
}
