/**
 * Where the plugin face's warnings go: the engine's address among the plugin's arguments, the
 * Log sink's fallback to stderr, and the URN each warning carries (the resource call's, or
 * none for a note about the whole deployment). The Log requests themselves, to a fake engine
 * through the real process, are in test/host/plugin.host.test.ts.
 */
import * as os from "os";
import { registerSecret } from "../../../provider/core/api/redact";
import { engineAddress, engineLog } from "../../../provider/faces/plugin/engineLog";
import { createPluginProvider } from "../../../provider/faces/plugin/provider";
import type { CallContext } from "../../../provider/faces/plugin/types";

const ctx = (urn: string): CallContext => ({ urn, signal: new AbortController().signal });
const ATTACHMENT = "codeocean:index:CapsuleAttachment";
const ASSET = "codeocean:index:DataAsset";

describe("engineAddress: the engine's flags first, then its address", () => {
  it.each([
    [["127.0.0.1:5000"], "127.0.0.1:5000"],
    [["--logtostderr", "-v=9", "127.0.0.1:5000"], "127.0.0.1:5000"],
    [["--tracing", "file:/tmp/t.json", "127.0.0.1:5000"], "127.0.0.1:5000"],
    [["--logtostderr"], undefined],
    [[], undefined],
  ])("%j → %s", (args, address) => {
    expect(engineAddress(args)).toBe(address);
  });
});

describe("engineLog: what the engine does not take goes to the fallback", () => {
  it("without an address, at once", () => {
    const seen: string[] = [];
    engineLog(undefined, { fallback: (m) => seen.push(m) })("hello", "urn:x");
    expect(seen).toEqual(["hello"]);
  });

  it("with an address where nobody listens, once the call fails; a failing fallback fails nothing", async () => {
    const seen: string[] = [];
    const warn = engineLog("127.0.0.1:1", { fallback: (m) => seen.push(m) });
    warn("first", "urn:x");
    warn("second", undefined);
    expect(seen).toEqual([]);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => seen.length === 2 && (clearInterval(t), resolve()), 10);
    });
    expect(seen.sort()).toEqual(["first", "second"]);
    const throwing = engineLog(undefined, {
      fallback: () => {
        throw new Error("EPIPE");
      },
    });
    expect(() => throwing("x", undefined)).not.toThrow();
  });
});

describe("createPluginProvider: each warning with the URN it is about", () => {
  const logged: { message: string; urn: string | undefined }[] = [];
  const provider = createPluginProvider({
    env: {},
    warn: (message, urn) => logged.push({ message, urn }),
  });
  beforeEach(() => logged.splice(0));

  it("a resource's warning carries the URN of its call, redacted", async () => {
    // A secret where no warning should ever have one: a target id that quotes the token.
    const token = "tok-unit-warnings-0123456789";
    registerSecret(token);
    await provider.configure({ domain: "https://codeocean.invalid", token });
    const urn = `urn:pulumi:s::p::${ATTACHMENT}::shared`;
    const asset = "0f0e0d0c-0b0a-4908-8706-050403020100";
    await provider.resources[ATTACHMENT].delete(
      `capsule:${token}:${asset}`,
      { foundAttached: true },
      {},
      ctx(urn),
    );
    expect(logged).toEqual([{ message: expect.stringContaining(`left data asset ${asset}`), urn }]);
    expect(logged[0].message).toContain("capsule ***");
    expect(logged[0].message).not.toContain(token);
  });

  it("a note about the whole deployment (the parallelism note at preview) carries none", async () => {
    await provider.configure({
      domain: "https://codeocean.invalid",
      token: "tok-unit-warnings",
      skipCredentialsValidation: "true",
    });
    const many = 4 * os.cpus().length + 1;
    for (let i = 0; i < many; i++) {
      const { failures } = await provider.resources[ASSET].check(
        {},
        { name: `n${i}`, mount: `m${i}`, source: { aws: { bucket: "acme-reads" } } },
        ctx(`urn:pulumi:s::p::${ASSET}::a${i}`),
      );
      expect(failures).toEqual([]);
    }
    await new Promise((r) => setImmediate(r));
    expect(logged).toEqual([
      { message: expect.stringContaining("pulumi up --parallel"), urn: undefined },
    ]);
  });
});
