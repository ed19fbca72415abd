/**
 * Upgrading pulumi-codeocean never touches a stack.
 *
 * test/fixtures/upgrade-0.1.0/ holds a stack as the released 0.1.0 left it after `pulumi up`
 * (state.json, exported from the real engine) and the Code Ocean it talked to
 * (emulator-data.json, the emulator's data file from the same run); generate.ts there made
 * both, from a 0.1.0 checkout. Here the current package takes that stack over, declared by
 * the same, unchanged program: a preview shows no change at all, refresh works, an up after
 * it writes nothing, and destroy still archives, deletes and detaches what 0.1.0 created.
 *
 * Keep this test for every later version; never regenerate the fixture from newer code
 * (test/fixtures/upgrade-0.1.0/generate.ts says how to regenerate it from 0.1.0). The domain
 * and token reach the provider through the environment, as when the fixture was made: with
 * stack config the engine records every `codeocean:*` key in the default provider resource.
 */
import { EngineEvent, LocalWorkspace, OpType, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import {
  DEFAULT_EMULATOR_TOKEN,
  JournalEntry,
  RunningEmulator,
  startEmulator,
} from "../../emulator";
import { EngineEnv, engineEnv } from "../../scripts/lib/pulumiCli";
import {
  ASSETS,
  ATTACHMENTS,
  PASSPHRASE,
  PROJECT,
  RESOURCE_COUNT,
  STACK,
  fixtureProgram,
} from "../fixtures/upgrade-0.1.0/program";
import { cliDir, describeWithEngine } from "../helpers/engine";

// The package as a user installs it (the repo links itself as node_modules/pulumi-codeocean).
const codeocean: typeof import("pulumi-codeocean") = require("pulumi-codeocean");

const FIXTURE = path.join(__dirname, "..", "fixtures", "upgrade-0.1.0");
const readFixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURE, name), "utf8"));

interface StateResource {
  urn: string;
  type: string;
  id?: string;
}
interface WireAsset {
  id: string;
  name: string;
  mount: string;
  description: string;
  tags: string[];
  custom_metadata: Record<string, unknown>;
}

const DATA_ASSET = "pulumi-nodejs:dynamic/codeocean:DataAsset";
const ATTACHMENT = "pulumi-nodejs:dynamic/codeocean:CapsuleAttachment";

/** Requests that change something in Code Ocean (a search is a read). */
const writes = (journal: JournalEntry[]) =>
  journal
    .filter((e) => e.method !== "GET" && !e.route.endsWith("/search"))
    .map((e) => `${e.method} ${e.path}`);

/** Every resource's name and id (the stack and the default provider included). */
const idsByName = (resources: StateResource[]) =>
  Object.fromEntries(resources.map((r) => [r.urn.split("::").pop()!, r.id ?? null]));

describeWithEngine("upgrading from 0.1.0 never touches a stack", () => {
  const meta = readFixture("meta.json");
  const fixtureState = readFixture("state.json");
  const fixtureData = readFixture("emulator-data.json");
  const fixtureResources: StateResource[] = fixtureState.deployment.resources;
  const assetId = Object.fromEntries(
    fixtureResources
      .filter((r) => r.type === DATA_ASSET)
      .map((r) => [r.urn.split("::").pop()!, r.id!]),
  );

  let engine: EngineEnv;
  let emu: RunningEmulator;
  let stack: Stack;
  const admin = () => emu.admin;
  const stateResources = async (): Promise<StateResource[]> =>
    (await stack.exportStack()).deployment.resources;

  beforeAll(async () => {
    engine = engineEnv(cliDir!, "codeocean-upgrade-");
    // The emulator works on a copy: the checked-in data file must never change.
    const dataFile = path.join(engine.dir, "emulator-data.json");
    fs.copyFileSync(path.join(FIXTURE, "emulator-data.json"), dataFile);
    emu = await startEmulator({ port: 0, host: "127.0.0.1", dataFile });
    // As in the fixture: the domain and token come from the environment, not stack config,
    // so that the default provider's (empty) inputs stay what 0.1.0 recorded.
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, projectName: PROJECT, program: fixtureProgram(codeocean) },
      {
        workDir: engine.dir,
        envVars: {
          ...engine.env,
          PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
          CODEOCEAN_DOMAIN: emu.url,
          CODEOCEAN_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
          CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.1",
        },
        projectSettings: { name: PROJECT, runtime: "nodejs" },
      },
    );
    await stack.importStack(fixtureState);
  }, 120_000);

  afterAll(async () => {
    await emu?.stop();
    engine?.cleanup();
  });

  it("0. the imported stack is the 0.1.0 fixture, and the emulator holds what it created", async () => {
    expect(meta.version).toBe("0.1.0");
    expect(idsByName(await stateResources())).toEqual(idsByName(fixtureResources));
    expect(fixtureResources.filter((r) => r.type === DATA_ASSET)).toHaveLength(
      Object.keys(ASSETS).length,
    );
    expect(fixtureResources.filter((r) => r.type === ATTACHMENT)).toHaveLength(
      Object.keys(ATTACHMENTS).length,
    );
    for (const id of Object.values(assetId))
      expect(admin().asset(id)).toMatchObject({ state: "ready", archived: false });
    expect(admin().attachments()).toHaveLength(Object.keys(ATTACHMENTS).length);
  });

  it("1. preview of the unchanged program shows no change at all and makes no write call", async () => {
    admin().clearJournal();
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    // Each step first: a failure then names the resource and the properties that differ.
    const steps = events.flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata] : []));
    const notSame = steps
      .filter((m) => m.op !== ("same" as OpType) || (m.diffs?.length ?? 0) > 0)
      .map((m) => ({ urn: m.urn, op: m.op, diffs: m.diffs, detailedDiff: m.detailedDiff }));
    expect(notSame).toEqual([]);
    expect(steps.filter((m) => m.type === DATA_ASSET || m.type === ATTACHMENT)).toHaveLength(
      RESOURCE_COUNT - 1,
    );
    expect(preview.changeSummary).toEqual({ same: RESOURCE_COUNT });
    expect(writes(admin().journal())).toEqual([]);
  });

  it("2. refresh succeeds, keeps every resource and makes no write call", async () => {
    admin().clearJournal();
    const refresh = await stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    expect(writes(admin().journal())).toEqual([]);
    expect(idsByName(await stateResources())).toEqual(idsByName(fixtureResources));
  });

  it("3. an up after the refresh changes nothing and makes no write call", async () => {
    admin().clearJournal();
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: RESOURCE_COUNT });
    expect(writes(admin().journal())).toEqual([]);
    expect(Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]))).toEqual(
      Object.fromEntries(Object.entries(assetId).map(([name, id]) => [`${name}Id`, id])),
    );
    expect(idsByName(await stateResources())).toEqual(idsByName(fixtureResources));
    // Code Ocean still holds every asset exactly as 0.1.0 left it.
    for (const wire of fixtureData.assets.map((a: { wire: WireAsset }) => a.wire)) {
      const { id, name, mount, description, tags, custom_metadata } = wire as WireAsset;
      expect(admin().asset(id)).toMatchObject({
        name,
        mount,
        description,
        tags,
        custom_metadata,
        archived: false,
      });
    }
  });

  it("4. destroy archives the assets, deletes the onDelete:delete one and detaches", async () => {
    admin().clearJournal();
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(destroy.summary.resourceChanges).toEqual({ delete: RESOURCE_COUNT });
    expect(admin().attachments()).toEqual([]);
    for (const [name, id] of Object.entries(assetId)) {
      if (ASSETS[name].onDelete === "delete") expect(admin().asset(id)).toBeUndefined();
      else expect(admin().asset(id)).toMatchObject({ archived: true });
    }
    const calls = writes(admin().journal());
    // Only archives, deletes and detaches: nothing created or updated on the way out.
    expect(calls.filter((c) => !/^(PATCH .*\/archive|DELETE )/.test(c))).toEqual([]);
    expect(calls.filter((c) => c.startsWith("DELETE /api/v1/data_assets/"))).toEqual([
      `DELETE /api/v1/data_assets/${assetId.scratch}`,
    ]);
    // Detaches may be batched per capsule: every target is detached from, nothing else.
    const detached = new Set(
      calls.flatMap((c) => /^DELETE \/api\/v1\/(capsules|pipelines)\/([^/]+)\//.exec(c)?.[2] ?? []),
    );
    expect([...detached].sort()).toEqual(
      [...new Set(Object.values(ATTACHMENTS).map((a) => a.capsuleId ?? a.pipelineId))].sort(),
    );
    expect((await stateResources()) ?? []).toEqual([]);
  });
});
