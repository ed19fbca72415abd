import { redact } from "./redact";

/** Root of every error this package throws; callers branch on `instanceof`, never on message text. */
export class CodeOceanError extends Error {
  constructor(message: string) {
    super(redact(message));
    this.name = new.target.name;
    // Pulumi prints a RunError's message alone, once: ours say what happened and what to do,
    // and a stack trace of this package's internals would only bury that (a failed lookup
    // used to print its message five times, four with stacks). Pulumi tells RunErrors by
    // this marker (`RunError.isInstance`), so no dependency on the SDK's class is needed.
    Object.defineProperty(this, "__pulumiRunError", { value: true });
  }
}

/** Missing or invalid provider configuration (domain, token, tuning keys). */
export class ConfigurationError extends CodeOceanError {}

export interface RequestDescription {
  method: string;
  /** Path below `/api/v1`, e.g. `/data_assets/1234`. Never carries credentials. */
  path: string;
}

/**
 * The next step for a 401 met by `pulumi refresh` or `pulumi destroy`: the engine configures
 * the provider from what the last `pulumi up` recorded in the stack, not from the current
 * stack config, so a rotated token is not used until the program runs again.
 */
export const RECORDED_TOKEN_STEP =
  "Code Ocean refused the API token. `pulumi refresh` and `pulumi destroy` configure the provider as the last `pulumi up` recorded it, not from the current stack config: " +
  "if you have changed codeocean:token (or CODEOCEAN_API_TOKEN) since, run `pulumi refresh --run-program` or `pulumi destroy --run-program` (they configure it from the program and the current config), or `pulumi up` once. " +
  "Otherwise check the token: `pulumi config set --secret codeocean:token <token>`.";

/** Rethrows a 401 from a refresh or destroy step with the advice that fits there. */
export function withRecordedTokenAdvice(error: unknown): unknown {
  return error instanceof AuthenticationError ? error.withNextStep(RECORDED_TOKEN_STEP) : error;
}

/** What the user should do next, per status family. */
function nextStep(status: number): string {
  if (status === 401)
    return "Check the API token: `pulumi config set --secret codeocean:token <token>` or CODEOCEAN_API_TOKEN.";
  if (status === 403)
    return "The token is valid but lacks permission for this object: give it the data-asset/capsule read-write scopes, or use the owner's token.";
  if (status === 404)
    return "Code Ocean does not know this object: a wrong id, an object deleted outside Pulumi, or one the token cannot see.";
  if (status === 429)
    return "Code Ocean is rate limiting; retries were exhausted. Lower codeocean:requestsPerSecond or try again later.";
  if (status >= 500)
    return status === 500
      ? "Code Ocean had a server-side problem. Try again later; `pulumi up` resumes where it stopped."
      : "Code Ocean had a server-side problem; retries were exhausted. Try again later; `pulumi up` resumes where it stopped.";
  return "Fix the request as the message says and run `pulumi up` again.";
}

/** What a non-2xx answer carries; `APIError` and its subclasses are built from it. */
export interface APIErrorOptions {
  request: RequestDescription;
  status: number;
  /** Code Ocean's `message`, or a short excerpt of a non-JSON body. */
  serverMessage: string;
  /** The parsed JSON body, when there was one. */
  body?: unknown;
  requestId?: string;
  /** Seconds the server asked us to wait (429/503 `Retry-After`). */
  retryAfterSeconds?: number;
  /** What to do next, when the caller knows better than the status alone. */
  nextStep?: string;
}

/** A response from Code Ocean with a non-2xx status. */
export class APIError extends CodeOceanError {
  readonly status: number;
  /** Code Ocean's `message`, or a short excerpt of a non-JSON body. */
  readonly serverMessage: string;
  /** The parsed JSON body, when there was one. */
  readonly body: unknown;
  readonly method: string;
  readonly path: string;
  readonly requestId: string | undefined;
  /** Seconds the server asked us to wait (429/503 `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;
  private readonly options: APIErrorOptions;

  constructor(o: APIErrorOptions) {
    const id = o.requestId ? ` (request id ${o.requestId})` : "";
    super(
      `Code Ocean API ${o.request.method} ${o.request.path} failed: HTTP ${o.status}: ${o.serverMessage || "(no message)"}${id}. ${o.nextStep ?? nextStep(o.status)}`,
    );

    this.status = o.status;
    this.serverMessage = redact(o.serverMessage);
    this.body = o.body === undefined ? undefined : JSON.parse(redact(JSON.stringify(o.body)));
    this.method = o.request.method;
    this.path = o.request.path;
    this.requestId = o.requestId;
    this.retryAfterSeconds = o.retryAfterSeconds;
    // Kept for withNextStep, redacted like the fields above.
    this.options = { ...o, serverMessage: this.serverMessage, body: this.body };
  }

  /** The same error (same class, status and body) with the next step that fits where it happened. */
  withNextStep(step: string): APIError {
    const Cls = this.constructor as new (o: APIErrorOptions) => APIError;
    return new Cls({ ...this.options, nextStep: step });
  }

  /** The subclass for the status family. */
  static from(o: APIErrorOptions): APIError {
    const Cls = STATUS_CLASSES[o.status] ?? (o.status >= 500 ? InternalServerError : APIError);
    return new Cls(o);
  }
}

export class BadRequestError extends APIError {}
export class AuthenticationError extends APIError {}
export class PermissionDeniedError extends APIError {}
export class NotFoundError extends APIError {}
export class RateLimitError extends APIError {}
export class InternalServerError extends APIError {}

const STATUS_CLASSES: Record<number, new (o: APIErrorOptions) => APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
};

/**
 * No usable response. `reachedServer` says whether the request may have been processed:
 * "no" only when the connection was never established (refused, DNS failure), which is the
 * one case where a non-idempotent create may be sent again.
 */
export class APIConnectionError extends CodeOceanError {
  readonly method: string;
  readonly path: string;
  readonly code: string | undefined;
  readonly reachedServer: "no" | "unknown";

  constructor(
    req: RequestDescription,
    detail: string,
    code: string | undefined,
    reachedServer: "no" | "unknown",
  ) {
    super(
      `Code Ocean API ${req.method} ${req.path} failed: ${detail}${code ? ` (${code})` : ""}. ` +
        (reachedServer === "no"
          ? "Check codeocean:domain and the network; the request never reached Code Ocean."
          : "The connection broke; Code Ocean may or may not have processed the request. Run `pulumi up` again; it reconciles."),
    );
    this.method = req.method;
    this.path = req.path;
    this.code = code;
    this.reachedServer = reachedServer;
  }
}

/** No response within the per-request timeout. */
export class APITimeoutError extends APIConnectionError {
  constructor(req: RequestDescription, timeoutMs: number) {
    super(
      req,
      `no response within ${timeoutMs} ms (codeocean:requestTimeoutSeconds)`,
      "ETIMEDOUT",
      "unknown",
    );
  }
}

/** A 2xx response whose body does not have the documented shape. */
export class ResponseValidationError extends CodeOceanError {
  readonly method: string;
  readonly path: string;
  constructor(req: RequestDescription, detail: string) {
    super(
      `Code Ocean API ${req.method} ${req.path} returned a response this provider cannot read: ${detail}. ` +
        "The server may be newer or older than this provider expects, or a proxy altered the response.",
    );
    this.method = req.method;
    this.path = req.path;
  }
}
