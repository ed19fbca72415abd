/**
 * What the preview shows is what happens — the field-trial defects, through the real engine:
 * a lookup by an id that does not exist fails; a removed `permissions` block previews as a
 * revoke and revokes; an attachment without a mount follows its asset's mount change, in the
 * preview and in the up; a refresh after drift adds no phantom diff; a wrong token or no
 * domain fails the preview (unless previews are declared offline); a failed lookup prints its
 * message once, without a stack; a misspelt property names the likely one; a missing capsule
 * at attach time says what to check.
 */
import * as fs from "fs";
import type * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { spawn } from "child_process";
import * as path from "path";
import { DEFAULT_EMULATOR_TOKEN, RunningEmulator, SEED_IDS, startEmulator } from "../../emulator";
import { projectSettings } from "../../scripts/lib/pulumiCli";
import { TestStack, describeWithEngine, newStack } from "../helpers/engine";

const codeocean: typeof import("pulumi-codeocean") = require("pulumi-codeocean");

const MISSING = "0b4f1d2e-9c8a-4b7d-8e6f-5a4b3c2d1e0f";

/**
 * The resources a preview would change, with the inputs it shows as changed (what `pulumi
 * preview --diff` prints: the old inputs against the new ones; a dynamic provider's diff
 * names no properties of its own).
 */
function changes(events: EngineEvent[]) {
  const differing = (a: Record<string, unknown> = {}, b: Record<string, unknown> = {}) =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((k) => k !== "__provider" && JSON.stringify(a[k]) !== JSON.stringify(b[k]))
      .sort();
  return events
    .flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata] : []))
    .filter((m) => m.op !== ("same" as OpType))
    .map((m) => ({
      name: m.urn.split("::").pop(),
      op: m.op,
      diffs: differing(m.old?.inputs, m.new?.inputs),
    }));
}

/** Whether this @pulumi/pulumi's dynamic-provider host returns the inputs a read gives it. */
const HOST_RETURNS_READ_INPUTS = /read\(call[\s\S]*?setInputs[\s\S]*?\n {4}(async )?\w+\(call/.test(
  fs.readFileSync(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"), "utf8"),
);

describeWithEngine("the preview is the truth", () => {
  let emu: RunningEmulator;
  let t: TestStack;
  const spec = {
    mount: "reference",
    permissions: {
      groups: [{ group: "neuroscience", role: "viewer" }],
      everyone: "discoverable",
    } as { groups: { group: string; role: "viewer" }[]; everyone: "discoverable" } | undefined,
    description: undefined as string | undefined,
  };
  let outputs: Record<string, pulumi.Output<unknown>> = {};

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 50, attachReadyAfterMs: 30 });
    t = await newStack(
      "preview-truth",
      async () => {
        const asset = new codeocean.DataAsset("reference", {
          name: "Reference genome",
          mount: spec.mount,
          description: spec.description,
          permissions: spec.permissions,
          source: { aws: { bucket: "acme-references", prefix: "grch38/" } },
        });
        const attachment = new codeocean.CapsuleAttachment("reference-on-capsule", {
          capsuleId: SEED_IDS.capsule,
          dataAssetId: asset.id,
        });
        outputs = { assetId: asset.id, attachedAt: attachment.mount };
        return outputs;
      },
      emu,
    );
    await t.stack.up();
  }, 120_000);
  afterAll(async () => {
    await t?.destroyAndCleanup().catch(() => undefined);
    await emu?.stop();
  }, 120_000);

  const assetId = async () => (await t.stack.outputs()).assetId.value as string;

  it("2. removing the permissions block previews as a change of permissions, and revokes what it granted", async () => {
    spec.permissions = undefined;
    const events: EngineEvent[] = [];
    await t.stack.preview({ onEvent: (e) => events.push(e) });
    expect(changes(events)).toEqual([{ name: "reference", op: "update", diffs: ["permissions"] }]);
    await t.stack.up();
    expect(emu.admin.permissions(await assetId())).toMatchObject({
      groups: [],
      everyone: "none",
    });
  });

  it("3. a new mount of the asset replaces the attachment that relied on it, in the preview and the up", async () => {
    spec.mount = "grch38";
    const events: EngineEvent[] = [];
    await t.stack.preview({ onEvent: (e) => events.push(e) });
    const planned = changes(events);
    expect(planned).toContainEqual({ name: "reference", op: "update", diffs: ["mount"] });
    expect(planned.find((c) => c.name === "reference-on-capsule")?.op).toMatch(/replace/);
    const up = await t.stack.up();
    expect(up.outputs.attachedAt.value).toBe("grch38");
    const attached = emu.admin.attachments().filter((a) => a.assetId === up.outputs.assetId.value);
    expect(attached.map((a) => a.mount)).toEqual(["grch38"]);
  });

  it("3b. a change of another input keeps the attachment as it is", async () => {
    spec.description = "GRCh38";
    const events: EngineEvent[] = [];
    await t.stack.preview({ onEvent: (e) => events.push(e) });
    expect(changes(events)).toEqual([{ name: "reference", op: "update", diffs: ["description"] }]);
    await t.stack.up();
    spec.description = undefined;
    await t.stack.up();
  });

  it("4. after a refresh that found drift, the preview shows the drift and nothing else", async () => {
    emu.admin.updateAsset(await assetId(), { tags: ["edited-by-hand"] });
    await t.stack.refresh();
    const events: EngineEvent[] = [];
    await t.stack.preview({ onEvent: (e) => events.push(e) });
    // The property list comes from the inputs a refresh stored; a dynamic-provider host that
    // drops a read's inputs (the peer floor, 3.139) leaves the engine nothing to list.
    const diffs = HOST_RETURNS_READ_INPUTS ? ["tags"] : [];
    // Each step once (with that floor, the engine sends the step's pre-event twice).
    const steps = [...new Map(changes(events).map((c) => [JSON.stringify(c), c])).values()];
    expect(steps).toEqual([{ name: "reference", op: "update", diffs }]);
    await t.stack.up();
  });

  it("6. a wrong token fails the preview, saying so; with skipCredentialsValidation it passes", async () => {
    await t.stack.setConfig("codeocean:token", { value: "cop_wrong_token", secret: true });
    try {
      const failed = await t.stack.preview().then(
        () => "",
        (e: unknown) => String(e),
      );
      expect(failed).toMatch(/could not reach Code Ocean with this configuration.*HTTP 401/s);
      expect(failed).toMatch(/codeocean:skipCredentialsValidation/);
      await t.stack.setConfig("codeocean:skipCredentialsValidation", { value: "true" });
      const preview = await t.stack.preview();
      expect(preview.changeSummary).toEqual({ same: 3 });
    } finally {
      await t.stack.removeConfig("codeocean:skipCredentialsValidation");
      await t.stack.setConfig("codeocean:token", { value: DEFAULT_EMULATOR_TOKEN, secret: true });
    }
  });
});

describeWithEngine("the preview is the truth: lookups, messages, missing objects", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 50 });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it("1. DataAsset.get of an id that does not exist fails, naming the id", async () => {
    const t = await newStack(
      "get-missing",
      async () => {
        codeocean.DataAsset.get("missing", MISSING);
        return {};
      },
      emu,
    );
    try {
      const failed = await t.stack.up().then(
        () => "",
        (e: unknown) => String(e),
      );
      expect(failed).toMatch(new RegExp(`DataAsset\\.get: no data asset with id ${MISSING}`));
    } finally {
      await t.destroyAndCleanup().catch(() => undefined);
    }
  });

  it("7. a failed lookup prints its message as Pulumi prints any program error: no more often, no stack", async () => {
    const holder = await newStack("lookup-fails-holder", async () => ({}), emu);
    // The program runs in a process of its own, as a user's would (see the fixture); this
    // process keeps serving the emulator meanwhile, so the child is awaited, not waited for.
    const run = (env: Record<string, string>) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            path.join(__dirname, "../fixtures/programs/failingLookup.js"),
            holder.engine.dir,
            JSON.stringify(projectSettings("lookup-fails")),
          ],
          {
            cwd: holder.engine.dir,
            env: {
              ...process.env,
              ...holder.engine.env,
              CODEOCEAN_DOMAIN: emu.url,
              CODEOCEAN_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
              CAPSULE_ID: SEED_IDS.capsule,
              ...env,
            },
          },
        );
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
      });
    try {
      const baseline = await run({ BASELINE: "a plain RunError" });
      const lookup = await run({});
      const count = (out: string, text: RegExp) => (out.match(text) ?? []).length;
      const expected = count(baseline, /a plain RunError/g);
      expect(expected).toBeGreaterThan(0);
      expect(count(lookup, /getDataAsset: no live data asset is named "no such asset"/g)).toBe(
        expected,
      );
      expect(lookup).not.toMatch(/^\s+at /m);
      expect(lookup).not.toMatch(/unhandled exception/);
    } finally {
      holder.engine.cleanup();
    }
  }, 120_000);

  it("8 and 9. a misspelt property names the likely one; a missing capsule says what to check, not refresh", async () => {
    const t = await newStack(
      "messages",
      async () => {
        new codeocean.DataAsset("typo", {
          name: "typo",
          mount: "typo",
          source: { aws: { bucket: "acme-reads" } },
          readyTimeoutSecond: 60,
        } as unknown as import("pulumi-codeocean").DataAssetArgs);
        return {};
      },
      emu,
    );
    try {
      const failed = await t.stack.preview().then(
        () => "",
        (e: unknown) => String(e),
      );
      expect(failed).toMatch(
        /readyTimeoutSecond.*is not a known property: did you mean readyTimeoutSeconds\?/,
      );
    } finally {
      await t.destroyAndCleanup().catch(() => undefined);
    }

    const [asset] = emu.admin.importAssets([{ name: "to attach" }]);
    const a = await newStack(
      "missing-capsule",
      async () => {
        new codeocean.CapsuleAttachment("nowhere", { capsuleId: MISSING, dataAssetId: asset });
        return {};
      },
      emu,
    );
    try {
      const failed = await a.stack.up().then(
        () => "",
        (e: unknown) => String(e),
      );
      expect(failed).toMatch(
        new RegExp(
          `HTTP 404.*Code Ocean does not know capsule ${MISSING} or data asset ${asset}.*check capsuleId`,
        ),
      );
      expect(failed).not.toMatch(/pulumi refresh/);
    } finally {
      await a.destroyAndCleanup().catch(() => undefined);
    }
  });
});
