import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  CodeOceanError,
  ResponseValidationError,
} from "../../../provider/core/api/errors";
import {
  DEFAULT_RETRY_POLICY,
  Idempotency,
  RetryPolicy,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
} from "../../../provider/core/api/retry";

const req = { method: "GET", path: "/data_assets/1" };

describe("isRetryable", () => {
  // status → [idempotent, create]
  const table: [number, boolean, boolean][] = [
    [400, false, false],
    [401, false, false],
    [403, false, false],
    [404, false, false],
    [429, true, true],
    [500, false, false],
    [502, true, false],
    [503, true, true],
    [504, true, false],
  ];

  it.each(table)("HTTP %i: idempotent %s, create %s", (status, idempotent, create) => {
    const error = APIError.from({ request: req, status, serverMessage: "boom" });
    expect(isRetryable(error, "idempotent")).toBe(idempotent);
    expect(isRetryable(error, "create")).toBe(create);
  });

  it.each<[string, APIConnectionError, boolean, boolean]>([
    [
      "connection refused (never reached the server)",
      new APIConnectionError(req, "connect ECONNREFUSED", "ECONNREFUSED", "no"),
      true,
      true,
    ],
    [
      "DNS failure (never reached the server)",
      new APIConnectionError(req, "getaddrinfo ENOTFOUND", "ENOTFOUND", "no"),
      true,
      true,
    ],
    [
      "connection reset (may have reached the server)",
      new APIConnectionError(req, "socket hang up", "ECONNRESET", "unknown"),
      true,
      false,
    ],
    ["timeout", new APITimeoutError(req, 30_000), true, false],
  ])("%s: idempotent %s, create %s", (_label, error, idempotent, create) => {
    expect(isRetryable(error, "idempotent")).toBe(idempotent);
    expect(isRetryable(error, "create")).toBe(create);
  });

  it.each<Idempotency>(["idempotent", "create"])(
    "never retries errors that are not transport failures (%s)",
    (kind) => {
      expect(isRetryable(new Error("bug"), kind)).toBe(false);
      expect(isRetryable(new CodeOceanError("x"), kind)).toBe(false);
      expect(isRetryable(new ResponseValidationError(req, "bad body"), kind)).toBe(false);
      expect(isRetryable("string", kind)).toBe(false);
      expect(isRetryable(undefined, kind)).toBe(false);
    },
  );
});

describe("retryDelayMs", () => {
  const policy: RetryPolicy = {
    maxRetries: 6,
    initialDelayMs: 500,
    maxDelayMs: 8_000,
    delayScale: 1,
    maxRetryAfterMs: 60_000,
    notFoundConfirmDelaysMs: [1_000, 3_000],
  };
  const zero = () => 0;
  const one = () => 1;

  it.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 8_000],
    [20, 8_000],
  ])("retry %i: equal jitter between half and all of the capped backoff %i ms", (retry, base) => {
    expect(retryDelayMs(retry, policy, undefined, zero)).toBe(base / 2);
    expect(retryDelayMs(retry, policy, undefined, one)).toBe(base);
    expect(retryDelayMs(retry, policy, undefined, () => 0.5)).toBe((base * 3) / 4);
  });

  it("never exceeds maxDelayMs without Retry-After, for any draw", () => {
    for (let retry = 0; retry < 40; retry++) {
      for (const r of [0, 0.25, 0.5, 0.999, 1]) {
        const d = retryDelayMs(retry, policy, undefined, () => r);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(policy.maxDelayMs);
      }
    }
  });

  it("uses the default Math.random when none is injected and stays in bounds", () => {
    const d = retryDelayMs(2, DEFAULT_RETRY_POLICY, undefined);
    expect(d).toBeGreaterThanOrEqual(1_000);
    expect(d).toBeLessThanOrEqual(2_000);
  });

  it("honours Retry-After, with at most 250 ms of jitter on top", () => {
    expect(retryDelayMs(0, policy, 3, zero)).toBe(3_000);
    expect(retryDelayMs(0, policy, 3, one)).toBe(3_250);
    // Retry-After wins over the exponential backoff, larger or smaller.
    expect(retryDelayMs(5, policy, 1, zero)).toBe(1_000);
    expect(retryDelayMs(0, policy, 20, zero)).toBe(20_000);
    expect(retryDelayMs(0, policy, 0.5, zero)).toBe(500);
    expect(retryDelayMs(0, policy, 0, zero)).toBe(0);
  });

  it("caps Retry-After at maxRetryAfterMs", () => {
    expect(retryDelayMs(0, policy, 3_600, zero)).toBe(60_000);
    expect(retryDelayMs(0, policy, 3_600, one)).toBeLessThanOrEqual(60_000 + 250);
    expect(retryDelayMs(0, { ...policy, maxRetryAfterMs: 5_000 }, 10, zero)).toBe(5_000);
  });

  it("ignores a negative Retry-After and falls back to backoff", () => {
    expect(retryDelayMs(1, policy, -5, zero)).toBe(500);
    expect(retryDelayMs(1, policy, -5, one)).toBe(1_000);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);

  it.each([
    ["0", 0],
    ["5", 5],
    ["120", 120],
    [" 7 ", 7],
    ["1.5", 1.5],
    ["0.25", 0.25],
  ])("reads seconds %j as %d", (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  it("reads an HTTP date in the future as the seconds until then", () => {
    expect(parseRetryAfter(new Date(now + 10_000).toUTCString(), now)).toBe(10);
    expect(parseRetryAfter("Wed, 25 Nov 2026 12:01:30 GMT", now)).toBe(90);
  });

  it("reads an HTTP date in the past as 0", () => {
    expect(parseRetryAfter(new Date(now - 60_000).toUTCString(), now)).toBe(0);
  });

  it.each([undefined, null, "", "soon", "abc", "1e3", "5 apples", "Infinity", "0x10"])(
    "ignores %j",
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );

  // V8's lenient Date.parse reads these as dates in 2001, so they become "retry now".
  it.each(["-1", "1,5", "1."])("ignores garbage %j that Date.parse accepts", (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
