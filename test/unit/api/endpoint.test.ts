import { apiBaseUrl, isLoopbackHost } from "../../../provider/core/api/endpoint";
import { ConfigurationError } from "../../../provider/core/api/errors";

describe("apiBaseUrl", () => {
  it.each([
    ["acme.codeocean.com", "https://acme.codeocean.com/api/v1/"],
    ["  acme.codeocean.com  ", "https://acme.codeocean.com/api/v1/"],
    ["https://acme.codeocean.com", "https://acme.codeocean.com/api/v1/"],
    ["https://acme.codeocean.com/", "https://acme.codeocean.com/api/v1/"],
    ["https://acme.codeocean.com/api/v1", "https://acme.codeocean.com/api/v1/"],
    ["https://acme.codeocean.com/api/v1/", "https://acme.codeocean.com/api/v1/"],
    ["https://acme.codeocean.com//", "https://acme.codeocean.com/api/v1/"],
    ["acme.codeocean.com:8443", "https://acme.codeocean.com:8443/api/v1/"],
    ["https://proxy.example.com/codeocean", "https://proxy.example.com/codeocean/api/v1/"],
    ["http://127.0.0.1:8787", "http://127.0.0.1:8787/api/v1/"],
    ["http://127.0.0.1:8787/api/v1/", "http://127.0.0.1:8787/api/v1/"],
    ["http://localhost:1", "http://localhost:1/api/v1/"],
    ["http://LOCALHOST:1", "http://localhost:1/api/v1/"],
    ["http://[::1]:5", "http://[::1]:5/api/v1/"],
  ])("%j → %j", (domain, expected) => {
    expect(apiBaseUrl(domain)).toBe(expected);
  });

  it("refuses plain http to a remote host, saying the token would travel in clear text", () => {
    expect(() => apiBaseUrl("http://remote.example.com")).toThrow(ConfigurationError);
    expect(() => apiBaseUrl("http://remote.example.com")).toThrow(/clear text/);
    expect(() => apiBaseUrl("http://remote.example.com")).toThrow(/codeocean:allowInsecureHttp/);
  });

  it.each(["http://localhost.evil.example", "http://127.0.0.1.evil.example", "http://10.0.0.1"])(
    "does not mistake %j for loopback",
    (domain) => {
      expect(() => apiBaseUrl(domain)).toThrow(/clear text/);
    },
  );

  it("accepts plain http to a remote host with allowInsecureHttp", () => {
    expect(apiBaseUrl("http://remote.example.com", true)).toBe("http://remote.example.com/api/v1/");
  });

  it.each([
    "https://cop_token:@acme.codeocean.com",
    "https://user:password@acme.codeocean.com/",
    "https://user@acme.codeocean.com",
  ])("refuses credentials in the URL %j, and never echoes them", (domain) => {
    let error: unknown;
    try {
      apiBaseUrl(domain);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/must not contain credentials/);
    expect((error as Error).message).toMatch(/pulumi config set --secret codeocean:token/);
    expect((error as Error).message).not.toMatch(/password|cop_token|user@/);
  });

  it("refuses other schemes", () => {
    expect(() => apiBaseUrl("ftp://acme.codeocean.com")).toThrow(ConfigurationError);
    expect(() => apiBaseUrl("ftp://acme.codeocean.com")).toThrow(/https:\/\/.*ftp:/);
  });

  it.each(["", "   ", "\n"])("refuses an empty domain %j", (domain) => {
    expect(() => apiBaseUrl(domain)).toThrow(ConfigurationError);
    expect(() => apiBaseUrl(domain)).toThrow(/codeocean:domain is empty/);
  });

  it("refuses something that is not a host name", () => {
    expect(() => apiBaseUrl("https://")).toThrow(ConfigurationError);
    expect(() => apiBaseUrl("acme codeocean com")).toThrow(/not a host name or URL/);
  });
});

describe("isLoopbackHost", () => {
  it.each(["localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "LocalHost"])(
    "%j is loopback",
    (h) => {
      expect(isLoopbackHost(h)).toBe(true);
    },
  );
  it.each(["example.com", "localhost.example.com", "128.0.0.1", "0.0.0.0", "[::2]"])(
    "%j is not",
    (h) => {
      expect(isLoopbackHost(h)).toBe(false);
    },
  );
});
