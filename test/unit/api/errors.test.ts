import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  CodeOceanError,
  ConfigurationError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
} from "../../../provider/core/api/errors";

const req = { method: "PUT", path: "/data_assets/4367940e-e863-4819-afbd-1b6b9f9b1256" };

describe("APIError.from", () => {
  it.each<[number, new (...args: never[]) => APIError, RegExp]>([
    [400, BadRequestError, /Fix the request/],
    [401, AuthenticationError, /codeocean:token.*CODEOCEAN_API_TOKEN/],
    [403, PermissionDeniedError, /scopes/],
    [404, NotFoundError, /does not know this object: a wrong id, an object deleted outside Pulumi/],
    [429, RateLimitError, /codeocean:requestsPerSecond/],
    [500, InternalServerError, /Try again later/],
    [502, InternalServerError, /Try again later/],
    [503, InternalServerError, /Try again later/],
    [504, InternalServerError, /Try again later/],
  ])("HTTP %i → %p with a next step", (status, Cls, nextStep) => {
    const error = APIError.from({
      request: req,
      status,
      serverMessage: "the server says no",
      body: { message: "x" },
      requestId: "req-42",
      retryAfterSeconds: 3,
    });
    expect(error).toBeInstanceOf(Cls);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(CodeOceanError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(Cls.name);
    expect(error.status).toBe(status);
    expect(error.method).toBe("PUT");
    expect(error.path).toBe(req.path);
    expect(error.serverMessage).toBe("the server says no");
    expect(error.body).toEqual({ message: "x" });
    expect(error.requestId).toBe("req-42");
    expect(error.retryAfterSeconds).toBe(3);
    expect(error.message).toContain("PUT");
    expect(error.message).toContain(req.path);
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain("the server says no");
    expect(error.message).toContain("request id req-42");
    expect(error.message).toMatch(nextStep);
  });

  it.each([409, 418, 422])("HTTP %i → a plain APIError (no subclass)", (status) => {
    const error = APIError.from({ request: req, status, serverMessage: "conflict" });
    expect(error.constructor).toBe(APIError);
    expect(error.name).toBe("APIError");
    expect(error.message).toMatch(/Fix the request/);
  });

  it("says so when the server gave no message, and omits a missing request id", () => {
    const error = APIError.from({ request: req, status: 500, serverMessage: "" });
    expect(error.message).toContain("(no message)");
    expect(error.message).not.toContain("request id");
    expect(error.requestId).toBeUndefined();
  });

  it("distinguishes subclasses with instanceof", () => {
    const notFound = APIError.from({ request: req, status: 404, serverMessage: "gone" });
    expect(notFound).not.toBeInstanceOf(PermissionDeniedError);
    expect(notFound).not.toBeInstanceOf(InternalServerError);
  });
});

describe("connection errors", () => {
  it("APIConnectionError says whether the request reached the server", () => {
    const never = new APIConnectionError(req, "connect ECONNREFUSED", "ECONNREFUSED", "no");
    expect(never.message).toContain("PUT");
    expect(never.message).toContain(req.path);
    expect(never.message).toContain("(ECONNREFUSED)");
    expect(never.message).toMatch(/never reached Code Ocean/);
    const maybe = new APIConnectionError(req, "socket hang up", undefined, "unknown");
    expect(maybe.message).toMatch(/may or may not have processed/);
    expect(maybe.message).not.toContain("(undefined)");
    expect(maybe.name).toBe("APIConnectionError");
  });

  it("APITimeoutError is a connection error of unknown outcome naming the setting", () => {
    const error = new APITimeoutError(req, 30_000);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.reachedServer).toBe("unknown");
    expect(error.code).toBe("ETIMEDOUT");
    expect(error.message).toContain("30000 ms");
    expect(error.message).toContain("codeocean:requestTimeoutSeconds");
    expect(error.name).toBe("APITimeoutError");
  });

  it("ResponseValidationError and ConfigurationError are CodeOceanErrors", () => {
    const bad = new ResponseValidationError(req, "id: expected string");
    expect(bad).toBeInstanceOf(CodeOceanError);
    expect(bad.message).toContain("id: expected string");
    expect(bad.message).toContain(req.path);
    expect(new ConfigurationError("x")).toBeInstanceOf(CodeOceanError);
    expect(new ConfigurationError("x").name).toBe("ConfigurationError");
  });
});
