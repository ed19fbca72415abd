import { ConfigurationError } from "../../provider/core/api/errors";
import * as config from "../../provider/core/config";

const { CONFIG_KEYS } = config;
/** The stack config a test gave, as `configure` would hand it to the runtime. */
let stackConfig: config.ConfigSource | undefined;
const setStackConfig = (c: config.ConfigSource | undefined) => (stackConfig = c);
const loadSettings = () => config.loadSettings(stackConfig);
const isConfigured = () => config.isConfigured(stackConfig);

const TOKEN = "cop_stack_token_0123456789";
const ENV_TOKEN = "cop_env_token_9876543210";
const ENV_NAMES = Object.values(CONFIG_KEYS).map((k) => k.env);

const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const name of ENV_NAMES) saved[name] = process.env[name];
});
beforeEach(() => {
  for (const name of ENV_NAMES) delete process.env[name];
  setStackConfig(undefined);
});
afterAll(() => {
  for (const name of ENV_NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  setStackConfig(undefined);
});

/** A fake of the `configure` request's config: keys `codeocean:…`. */
function stack(values: Record<string, string>) {
  setStackConfig({ get: (key: string) => values[key] });
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

describe("loadSettings", () => {
  it("reads the stack config, with defaults for the tuning keys", () => {
    stack({ "codeocean:domain": "acme.codeocean.com", "codeocean:token": TOKEN });
    expect(loadSettings()).toMatchObject({
      domain: "acme.codeocean.com",
      token: TOKEN,
      requestsPerSecond: 10,
      maxConcurrentRequests: 16,
      requestTimeoutSeconds: 30,
      allowInsecureHttp: false,
    });
  });

  it("falls back to the environment", () => {
    process.env.CODEOCEAN_DOMAIN = "env.codeocean.com";
    process.env.CODEOCEAN_API_TOKEN = ENV_TOKEN;
    process.env.CODEOCEAN_REQUESTS_PER_SECOND = "2.5";
    process.env.CODEOCEAN_MAX_CONCURRENT_REQUESTS = "4";
    process.env.CODEOCEAN_REQUEST_TIMEOUT_SECONDS = "90";
    process.env.CODEOCEAN_ALLOW_INSECURE_HTTP = "true";
    expect(loadSettings()).toMatchObject({
      domain: "env.codeocean.com",
      token: ENV_TOKEN,
      requestsPerSecond: 2.5,
      maxConcurrentRequests: 4,
      requestTimeoutSeconds: 90,
      allowInsecureHttp: true,
    });
  });

  it("prefers the stack config over the environment, key by key", () => {
    process.env.CODEOCEAN_DOMAIN = "env.codeocean.com";
    process.env.CODEOCEAN_API_TOKEN = ENV_TOKEN;
    process.env.CODEOCEAN_REQUESTS_PER_SECOND = "3";
    process.env.CODEOCEAN_REQUEST_TIMEOUT_SECONDS = "45";
    stack({
      "codeocean:domain": "stack.codeocean.com",
      "codeocean:token": TOKEN,
      "codeocean:requestsPerSecond": "7",
    });
    const s = loadSettings();
    expect(s.domain).toBe("stack.codeocean.com");
    expect(s.token).toBe(TOKEN);
    expect(s.requestsPerSecond).toBe(7);
    expect(s.requestTimeoutSeconds).toBe(45);
  });

  it("treats an empty stack value as unset", () => {
    process.env.CODEOCEAN_DOMAIN = "env.codeocean.com";
    process.env.CODEOCEAN_API_TOKEN = ENV_TOKEN;
    stack({ "codeocean:domain": "", "codeocean:token": "" });
    expect(loadSettings().domain).toBe("env.codeocean.com");
    expect(loadSettings().token).toBe(ENV_TOKEN);
  });

  it("raises one error naming both keys and both environment variables when both are missing", () => {
    const error = errorOf(loadSettings);
    expect(error).toBeInstanceOf(ConfigurationError);
    for (const s of [
      "codeocean:domain",
      "codeocean:token",
      "CODEOCEAN_DOMAIN",
      "CODEOCEAN_API_TOKEN",
    ])
      expect(error.message).toContain(s);
    expect(error.message).toContain("pulumi config set --secret codeocean:token");
  });

  it("names only what is missing", () => {
    stack({ "codeocean:token": TOKEN });
    const noDomain = errorOf(loadSettings);
    expect(noDomain.message).toContain("CODEOCEAN_DOMAIN");
    expect(noDomain.message).not.toContain("CODEOCEAN_API_TOKEN");
    expect(noDomain.message).not.toContain(TOKEN);

    stack({ "codeocean:domain": "acme.codeocean.com" });
    const noToken = errorOf(loadSettings);
    expect(noToken.message).toContain("CODEOCEAN_API_TOKEN");
    expect(noToken.message).not.toContain("CODEOCEAN_DOMAIN");
  });

  it.each([
    ["codeocean:requestsPerSecond", "CODEOCEAN_REQUESTS_PER_SECOND", "fast"],
    ["codeocean:requestsPerSecond", "CODEOCEAN_REQUESTS_PER_SECOND", "0"],
    ["codeocean:requestsPerSecond", "CODEOCEAN_REQUESTS_PER_SECOND", "-1"],
    ["codeocean:requestsPerSecond", "CODEOCEAN_REQUESTS_PER_SECOND", "10001"],
    ["codeocean:requestsPerSecond", "CODEOCEAN_REQUESTS_PER_SECOND", "Infinity"],
    ["codeocean:requestsPerSecond", "CODEOCEAN_REQUESTS_PER_SECOND", "NaN"],
    ["codeocean:maxConcurrentRequests", "CODEOCEAN_MAX_CONCURRENT_REQUESTS", "many"],
    ["codeocean:maxConcurrentRequests", "CODEOCEAN_MAX_CONCURRENT_REQUESTS", "1001"],
    ["codeocean:requestTimeoutSeconds", "CODEOCEAN_REQUEST_TIMEOUT_SECONDS", "30s"],
    ["codeocean:requestTimeoutSeconds", "CODEOCEAN_REQUEST_TIMEOUT_SECONDS", "3601"],
  ])("rejects %s = %j (env %s)", (key, env, value) => {
    stack({ "codeocean:domain": "acme.codeocean.com", "codeocean:token": TOKEN, [key]: value });
    const error = errorOf(loadSettings);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(key);
    expect(error.message).toContain(env);
    expect(error.message).toContain(`"${value}"`);
    expect(error.message).not.toContain(TOKEN);
  });

  it("rejects an invalid number from the environment too", () => {
    process.env.CODEOCEAN_DOMAIN = "acme.codeocean.com";
    process.env.CODEOCEAN_API_TOKEN = ENV_TOKEN;
    process.env.CODEOCEAN_REQUEST_TIMEOUT_SECONDS = "abc";
    expect(loadSettings).toThrow(
      /codeocean:requestTimeoutSeconds.*CODEOCEAN_REQUEST_TIMEOUT_SECONDS/,
    );
  });

  it("rejects a maxConcurrentRequests that is not a whole number", () => {
    stack({
      "codeocean:domain": "acme.codeocean.com",
      "codeocean:token": TOKEN,
      "codeocean:maxConcurrentRequests": "2.6",
    });
    expect(loadSettings).toThrow(/maxConcurrentRequests.*whole number/);
  });

  // 0.4 passes the "> 0" check and then rounds to 0: a Throttle with maxConcurrent 0 makes
  // every request wait forever.
  it("never yields maxConcurrentRequests 0 (e.g. from 0.4)", () => {
    stack({
      "codeocean:domain": "acme.codeocean.com",
      "codeocean:token": TOKEN,
      "codeocean:maxConcurrentRequests": "0.4",
    });
    let value: number;
    try {
      value = loadSettings().maxConcurrentRequests;
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigurationError);
      return;
    }
    expect(value).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["", false],
  ])("reads allowInsecureHttp %j as %s", (value, expected) => {
    stack({
      "codeocean:domain": "acme.codeocean.com",
      "codeocean:token": TOKEN,
      "codeocean:allowInsecureHttp": value,
    });
    expect(loadSettings().allowInsecureHttp).toBe(expected);
  });

  it("never puts the token in an error message, even when it is pasted into another key", () => {
    process.env.CODEOCEAN_API_TOKEN = ENV_TOKEN;
    process.env.CODEOCEAN_DOMAIN = "acme.codeocean.com";
    process.env.CODEOCEAN_REQUESTS_PER_SECOND = ENV_TOKEN;
    const error = errorOf(loadSettings);
    expect(error.message).toContain("codeocean:requestsPerSecond");
    expect(error.message).not.toContain(ENV_TOKEN);
    expect(error.message).not.toContain(Buffer.from(`${ENV_TOKEN}:`).toString("base64"));
  });

  it("registers the stack token as a secret on setStackConfig", () => {
    const secret = "cop_only_in_stack_config_abc";
    stack({ "codeocean:token": secret, "codeocean:requestTimeoutSeconds": secret });
    // Domain missing: the message must not echo anything secret either.
    const error = errorOf(loadSettings);
    expect(error.message).not.toContain(secret);
  });
});

describe("isConfigured", () => {
  it("is true only with both domain and token", () => {
    expect(isConfigured()).toBe(false);
    process.env.CODEOCEAN_DOMAIN = "acme.codeocean.com";
    expect(isConfigured()).toBe(false);
    process.env.CODEOCEAN_API_TOKEN = ENV_TOKEN;
    expect(isConfigured()).toBe(true);
    delete process.env.CODEOCEAN_DOMAIN;
    stack({ "codeocean:domain": "acme.codeocean.com" });
    expect(isConfigured()).toBe(true);
  });
});
