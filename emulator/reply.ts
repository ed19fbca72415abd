/**
 * Handlers return a Reply instead of writing to the socket so that "after" faults
 * (reset-after, hang-after, malformed) can process a request fully and still decide how
 * (or whether) the response leaves the server.
 */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers and validators; becomes a JSON `{message, ...extra}` error reply. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** `message` continues the field name, e.g. badRequest("name", "is required"). */
export function badRequest(field: string, message: string): ApiError {
  return new ApiError(400, `${field} ${message}`, { field });
}

export function notFound(message: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(404, message, extra);
}

export function json(body: unknown, status = 200): Reply {
  return { status, body };
}

export const NO_CONTENT: Reply = { status: 204 };

export function errorReply(err: unknown): Reply {
  if (err instanceof ApiError) {
    return { status: err.status, body: { message: err.message, ...err.extra } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { message: `internal emulator error: ${message}` } };
}
