import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  CodeOceanError,
  ConfigurationError,
  ResponseValidationError,
} from "../../../provider/core/api/errors";
import { redact, registerSecret } from "../../../provider/core/api/redact";
import { PartialFailure } from "../../../provider/resources/partialFailure";

const TOKEN = "cop_0123456789abcdefSECRET";
const BASIC = Buffer.from(`${TOKEN}:`).toString("base64");
const echo = `token ${TOKEN} rejected; header was "Authorization: Basic ${BASIC}"`;

// Registered before the error table below is built (at collection time).
registerSecret(TOKEN);

describe("redact", () => {
  it("removes a registered secret and its Basic-auth base64 form, every occurrence", () => {
    const out = redact(`${echo} / again ${TOKEN} ${BASIC}`);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(BASIC);
    expect(out).toContain("***");
    expect(out.split("***")).toHaveLength(5);
  });

  it("leaves text without secrets alone", () => {
    expect(redact("nothing to see")).toBe("nothing to see");
  });

  it("ignores values shorter than 4 characters and undefined", () => {
    registerSecret("abc");
    registerSecret(undefined);
    registerSecret("");
    expect(redact("abc abcd")).toBe("abc abcd");
  });

  it("redacts several registered secrets", () => {
    registerSecret("gcp-client-secret-value");
    expect(redact(`${TOKEN} and gcp-client-secret-value`)).toBe("*** and ***");
  });
});

describe("every error class redacts its message", () => {
  const req = { method: "GET", path: "/data_assets/1" };
  const errors: [string, Error][] = [
    ["CodeOceanError", new CodeOceanError(echo)],
    ["ConfigurationError", new ConfigurationError(echo)],
    ...[400, 401, 403, 404, 429, 500, 502, 503, 504, 418].map((s): [string, Error] => [
      `APIError ${s}`,
      APIError.from({ request: req, status: s, serverMessage: echo, body: { message: echo } }),
    ]),
    ["APIConnectionError", new APIConnectionError(req, echo, "ECONNRESET", "unknown")],
    [
      "APIConnectionError (path)",
      new APIConnectionError({ ...req, path: `/x/${TOKEN}` }, "", undefined, "no"),
    ],
    ["APITimeoutError (path)", new APITimeoutError({ ...req, path: `/x/${TOKEN}` }, 5)],
    ["ResponseValidationError", new ResponseValidationError(req, echo)],
    ["PartialFailure", new PartialFailure(new Error(echo), "id-1", {})],
    ["PartialFailure (string cause)", new PartialFailure(echo, "id-1", {})],
  ];

  it.each(errors)("%s", (_label, error) => {
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(BASIC);
    expect(error.message).toContain("***");
    expect(String(error.stack)).not.toContain(TOKEN);
    expect(String(error)).not.toContain(TOKEN);
  });

  it("APIError.serverMessage is redacted too", () => {
    const error = APIError.from({ request: req, status: 401, serverMessage: echo });
    expect(error.serverMessage).not.toContain(TOKEN);
    expect(error.serverMessage).not.toContain(BASIC);
  });

  it("PartialFailure.reasons are redacted", () => {
    const error = new PartialFailure(new Error(echo), "id-1", {});
    expect(error.reasons.join(" ")).not.toContain(TOKEN);
  });
});
