import { z } from "zod";
import { describeZodError, readErrorBody } from "../../../provider/core/api/transport";

describe("readErrorBody", () => {
  it("takes Code Ocean's message from a JSON body and keeps the body", () => {
    const text = JSON.stringify({ message: "name is required", datasets: [{ id: "a" }] });
    const out = readErrorBody(text, 400, "Bad Request");
    expect(out.message).toBe("name is required");
    expect(out.body).toEqual({ message: "name is required", datasets: [{ id: "a" }] });
  });

  it.each([
    ["{}", {}],
    ['{"error":"x"}', { error: "x" }],
    ['{"message":null}', { message: null }],
    ['{"message":""}', { message: "" }],
    ['{"message":42}', { message: 42 }],
    ["[1,2]", [1, 2]],
    ["null", null],
    ['"oops"', "oops"],
  ])("falls back to the status text for JSON %s without a usable message", (text, body) => {
    const out = readErrorBody(text, 503, "Service Unavailable");
    expect(out.message).toBe("Service Unavailable");
    expect(out.body).toEqual(body);
  });

  it("falls back to HTTP <status> without a status text", () => {
    expect(readErrorBody("{}", 502, "").message).toBe("HTTP 502");
  });

  it("strips tags, scripts and styles from an HTML page and keeps a short excerpt", () => {
    const html =
      "<!DOCTYPE html><html><head><title>502 Bad Gateway</title>" +
      "<style>body { color: red }</style><script>var secret = 1;</script></head>" +
      `<body><h1>Bad   Gateway</h1>\n<p>nginx</p><p>${"x".repeat(500)}</p></body></html>`;
    const out = readErrorBody(html, 502, "Bad Gateway");
    expect(out.body).toBeUndefined();
    expect(out.message).toMatch(
      /^Bad Gateway \(non-JSON body: 502 Bad Gateway Bad Gateway nginx x+\)$/,
    );
    expect(out.message).not.toMatch(/[<>]/);
    expect(out.message).not.toContain("color");
    expect(out.message).not.toContain("secret");
    const excerpt = out.message.replace(/^Bad Gateway \(non-JSON body: /, "").replace(/\)$/, "");
    expect(excerpt.length).toBeLessThanOrEqual(200);
  });

  it("uses 'error' when a non-JSON body comes without a status text", () => {
    expect(readErrorBody("upstream timed out", 504, "").message).toBe(
      "error (non-JSON body: upstream timed out)",
    );
  });

  it.each(["", "   ", "<html></html>"])("handles an empty body %j", (text) => {
    expect(readErrorBody(text, 500, "Internal Server Error")).toEqual({
      message: "Internal Server Error",
      body: undefined,
    });
    expect(readErrorBody(text, 500, "").message).toBe("HTTP 500");
  });
});

describe("describeZodError", () => {
  it("names the path of each offending field, at most three", () => {
    const schema = z.object({ id: z.string(), a: z.number(), b: z.number(), c: z.number() });
    const parsed = schema.safeParse({ id: 1, a: "x", b: "y", c: "z" });
    expect(parsed.success).toBe(false);
    const text = describeZodError(parsed.error!);
    expect(text.split("; ")).toHaveLength(3);
    expect(text).toMatch(/^id: /);
  });

  it("says (body) for a root-level problem", () => {
    const parsed = z.array(z.string()).safeParse({});
    expect(describeZodError(parsed.error!)).toMatch(/^\(body\): /);
  });
});
