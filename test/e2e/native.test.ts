/**
 * The plugin's resources from a TypeScript program (`pulumi-codeocean/native`), through the
 * real engine and the plugin `pulumi-resource-codeocean`:
 * 1. Migration: the 0.1.0 upgrade fixture — a stack made with the dynamic resources — declared
 *    again, unchanged, with the plugin's classes. The aliases to the dynamic types make the
 *    engine see the same resources: preview and up show no change and make no write call; the
 *    state then holds `codeocean:index:*` resources with the same ids; refresh, a second
 *    preview and destroy work through the plugin.
 * 2. What only the plugin gives a TypeScript program: two deployments in one stack through
 *    explicit providers (the token encrypted in the state), a lookup through the plugin, an
 *    adoption with `import:` that previews as an import and changes nothing.
 */
import { EngineEvent, LocalWorkspace, OpType, Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import {
  DEFAULT_EMULATOR_TOKEN,
  JournalEntry,
  RunningEmulator,
  SEED_IDS,
  startEmulator,
} from "../../emulator";
import { EngineEnv, engineEnv, projectSettings } from "../../scripts/lib/pulumiCli";
import {
  ASSETS,
  ATTACHMENTS,
  PASSPHRASE,
  PROJECT,
  RESOURCE_COUNT,
  STACK,
  fixtureProgram,
} from "../fixtures/upgrade-0.1.0/program";
import { cliDir, describeWithEngine, newStack, readBackend } from "../helpers/engine";

// The package as a user installs it (the repo links itself as node_modules/pulumi-codeocean).
const codeocean: typeof import("pulumi-codeocean") = require("pulumi-codeocean");
const native: typeof import("pulumi-codeocean/native") = require("pulumi-codeocean/native");

const FIXTURE = path.join(__dirname, "..", "fixtures", "upgrade-0.1.0");
const readFixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURE, name), "utf8"));

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

const writes = (journal: JournalEntry[]) =>
  journal
    .filter((e) => e.method !== "GET" && !e.route.endsWith("/search"))
    .map((e) => `${e.method} ${e.path}`);

const idsByName = (resources: StateResource[], types: string[]) =>
  Object.fromEntries(
    resources.filter((r) => types.includes(r.type)).map((r) => [r.urn.split("::").pop()!, r.id]),
  );

const DYNAMIC = [
  "pulumi-nodejs:dynamic/codeocean:DataAsset",
  "pulumi-nodejs:dynamic/codeocean:CapsuleAttachment",
];
const NATIVE = ["codeocean:index:DataAsset", "codeocean:index:CapsuleAttachment"];

/** Steps that are not "same", or "same" with differences. */
const changed = (events: EngineEvent[]) =>
  events
    .flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata] : []))
    .filter((m) => m.op !== ("same" as OpType) || (m.diffs?.length ?? 0) > 0)
    .map((m) => ({ urn: m.urn, op: m.op, diffs: m.diffs }));

describeWithEngine("the plugin's classes: a dynamic stack moves over by alias", () => {
  const fixtureState = readFixture("state.json");
  const fixtureResources: StateResource[] = fixtureState.deployment.resources;
  const before = idsByName(fixtureResources, DYNAMIC);

  let engine: EngineEnv;
  let emu: RunningEmulator;
  let stack: Stack;
  const resources = async (): Promise<StateResource[]> =>
    (await stack.exportStack()).deployment.resources;

  beforeAll(async () => {
    engine = engineEnv(cliDir!, "codeocean-native-migration-");
    const dataFile = path.join(engine.dir, "emulator-data.json");
    fs.copyFileSync(path.join(FIXTURE, "emulator-data.json"), dataFile);
    emu = await startEmulator({ port: 0, host: "127.0.0.1", dataFile });
    // The same program as 0.1.0 wrote it, with the plugin's classes in place of the dynamic ones.
    const program = fixtureProgram({ ...codeocean, ...native } as unknown as typeof codeocean);
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, projectName: PROJECT, program },
      {
        workDir: engine.dir,
        envVars: {
          ...engine.env,
          PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
          CODEOCEAN_DOMAIN: emu.url,
          CODEOCEAN_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
          CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.1",
        },
        projectSettings: projectSettings(PROJECT),
      },
    );
    await stack.importStack(fixtureState);
  }, 120_000);

  afterAll(async () => {
    await emu?.stop();
    engine?.cleanup();
  });

  it("1. preview shows no change and makes no write call", async () => {
    emu.admin.clearJournal();
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    expect(changed(events).filter((c) => !c.urn.includes("pulumi:providers:"))).toEqual([]);
    expect(preview.changeSummary).toEqual({ same: RESOURCE_COUNT });
    expect(writes(emu.admin.journal())).toEqual([]);
  });

  it("2. up moves every resource to the plugin's type with the same id, writing nothing", async () => {
    emu.admin.clearJournal();
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: RESOURCE_COUNT });
    expect(writes(emu.admin.journal())).toEqual([]);
    const after = await resources();
    expect(after.filter((r) => DYNAMIC.includes(r.type))).toEqual([]);
    const moved = idsByName(after, NATIVE);
    expect(moved).toEqual(before);
    expect(Object.keys(moved)).toHaveLength(
      Object.keys(ASSETS).length + Object.keys(ATTACHMENTS).length,
    );
    // The dynamic provider's serialized stub stays only as a leftover input, until a refresh.
    const providers = after
      .filter((r) => r.type.startsWith("pulumi:providers:"))
      .map((r) => r.type);
    expect(providers).toEqual(["pulumi:providers:codeocean"]);
    // The GCP client secret stays encrypted (the export shows it decrypted: read the backend).
    expect(readBackend(engine.dir)).not.toContain("gcp-upgrade-fixture-secret-5e1d");
    expect(JSON.stringify(await stack.exportStack())).toContain('"plaintext":"\\"gcp-upgrade');
  });

  it("3. refresh writes nothing and drops the dynamic leftovers; a preview after it shows no change", async () => {
    emu.admin.clearJournal();
    const refresh = await stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    expect(writes(emu.admin.journal())).toEqual([]);
    const after = await resources();
    expect(idsByName(after, NATIVE)).toEqual(before);
    for (const r of after.filter((x) => NATIVE.includes(x.type))) {
      expect(Object.keys(r.outputs ?? {})).not.toContain("__provider");
    }
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    expect(changed(events)).toEqual([]);
    expect(preview.changeSummary).toEqual({ same: RESOURCE_COUNT });
  });

  it("4. destroy through the plugin archives, deletes the onDelete:delete one and detaches", async () => {
    emu.admin.clearJournal();
    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges).toEqual({ delete: RESOURCE_COUNT });
    expect(emu.admin.attachments()).toEqual([]);
    for (const [name, id] of Object.entries(before)) {
      if (!(name in ASSETS)) continue;
      if (ASSETS[name].onDelete === "delete") expect(emu.admin.asset(id!)).toBeUndefined();
      else expect(emu.admin.asset(id!)).toMatchObject({ archived: true });
    }
  });
});

describeWithEngine("the plugin's classes: explicit providers, lookups, import", () => {
  let staging: RunningEmulator;
  let production: RunningEmulator;

  beforeAll(async () => {
    staging = await startEmulator({ port: 0, host: "127.0.0.1", readyAfterMs: 100 });
    production = await startEmulator({ port: 0, host: "127.0.0.1", readyAfterMs: 100 });
  });
  afterAll(async () => {
    await staging?.stop();
    await production?.stop();
  });

  it("manages two deployments in one stack, looks up through the plugin, adopts with import:", async () => {
    const [handmade] = production.admin.importAssets([{ name: "made by hand", mount: "handmade" }]);
    const program = async () => {
      const prod = new native.Provider("production", {
        domain: production.url,
        token: DEFAULT_EMULATOR_TOKEN,
        minPollIntervalSeconds: 0.1,
      });
      const a = new native.DataAsset("on-staging", {
        name: "reference",
        mount: "reference",
        source: { aws: { bucket: "acme-reference", keepOnExternalStorage: true } },
      });
      const b = new native.DataAsset(
        "on-production",
        {
          name: "reference",
          mount: "reference",
          source: { aws: { bucket: "acme-reference", keepOnExternalStorage: true } },
        },
        { provider: prod },
      );
      new native.CapsuleAttachment(
        "b-on-capsule",
        { capsuleId: SEED_IDS.capsule, dataAssetId: b.id },
        { provider: prod },
      );
      const adopted = new native.DataAsset(
        "adopted",
        // Adopting names the asset in the declaration too (as `pulumi import` writes it): the
        // declaration must stand on its own in later runs, where no source is given.
        { name: "made by hand", mount: "handmade", onDelete: "retain", adoptExistingId: handmade },
        { provider: prod, import: handmade },
      );
      const found = native.getDataAssetOutput({ id: b.id }, { provider: prod });
      return {
        staging: a.id,
        production: b.id,
        attachedAt: b.mount,
        foundName: found.name,
        adopted: adopted.id,
        searched: pulumi
          .output(native.searchDataAssets({ name: "made by hand" }, { provider: prod }))
          .apply((xs) => xs.map((x) => x.id)),
      };
    };
    const s = await newStack("codeocean-native", program, staging);
    try {
      const events: EngineEvent[] = [];
      const up = await s.stack.up({ onEvent: (e) => events.push(e) });
      const out = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
      expect(staging.admin.asset(out.staging as string)).toMatchObject({ name: "reference" });
      expect(production.admin.asset(out.production as string)).toMatchObject({ name: "reference" });
      expect(staging.admin.asset(out.production as string)).toBeUndefined();
      expect(production.admin.attachments()).toHaveLength(1);
      expect(out).toMatchObject({
        foundName: "reference",
        adopted: handmade,
        searched: [handmade],
      });
      const ops = events.flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata] : []));
      expect(ops.find((m) => m.urn.endsWith("::adopted"))?.op).toBe("import");

      // The explicit provider's token is encrypted in the state.
      // (The export shows secrets decrypted, as `plaintext` of an envelope: read the backend.)
      expect(s.backendText()).not.toContain(DEFAULT_EMULATOR_TOKEN);
      const exported = (await s.stack.exportStack()).deployment.resources as StateResource[];
      const prodProvider = exported.find((r) => r.urn.endsWith("::production"));
      expect(JSON.stringify(prodProvider?.inputs?.token)).toContain("plaintext");

      staging.admin.clearJournal();
      production.admin.clearJournal();
      const previewEvents: EngineEvent[] = [];
      await s.stack.preview({ onEvent: (e) => previewEvents.push(e) });
      expect(changed(previewEvents)).toEqual([]);
      expect(writes([...staging.admin.journal(), ...production.admin.journal()])).toEqual([]);
    } finally {
      await s.destroyAndCleanup();
    }
    // onDelete: "retain" leaves the adopted asset live; the others are archived.
    expect(production.admin.asset(handmade)).toMatchObject({ archived: false });
    expect(production.admin.attachments()).toEqual([]);
  }, 240_000);
});
