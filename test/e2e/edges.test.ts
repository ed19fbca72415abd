/**
 * The promise at its edges, through the real engine: an interrupted run (the CLI or the
 * provider host killed, Ctrl-C twice) converges on the next `up` with exactly the declared
 * assets, all in the state; a 404 is not taken as proof of deletion; secrets stay out of the
 * state also when a fresh process reads them back; a rotated token gets advice that works.
 * Each case asserts what Code Ocean holds against what the state holds.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_EMULATOR_TOKEN, RunningEmulator, SEED_IDS, startEmulator } from "../../emulator";
import { eventually } from "../helpers/emulator";
import { TestStack, describeWithEngine, newStack } from "../helpers/engine";
import { alive, processesIn, signal } from "../helpers/processes";

const codeocean: typeof import("pulumi-codeocean") = require("pulumi-codeocean");

type Resources = { urn: string; id?: string; type: string }[];

async function stateAssets(t: TestStack): Promise<Resources> {
  const resources = (await t.stack.exportStack()).deployment.resources as Resources;
  return resources.filter((r) => r.type.endsWith("DataAsset"));
}

/** Live assets (not archived) whose name starts with `prefix`. */
function liveAssets(emu: RunningEmulator, prefix: string) {
  return emu.admin.assets().filter((a) => !a.archived && a.name.startsWith(prefix));
}

function assetsProgram(prefix: string, n: number) {
  return async () => {
    const out: Record<string, pulumi.Output<string>> = {};
    for (let i = 0; i < n; i++) {
      const a = new codeocean.DataAsset(`${prefix}${i}`, {
        name: `${prefix}${i}`,
        mount: `${prefix}${i}`,
        tags: ["edges"],
        source: { aws: { bucket: "acme-rna-reads", prefix: `edges/${prefix}${i}/` } },
      });
      out[`id${i}`] = a.id;
    }
    return out;
  };
}

const N = 6;

/** Whether this @pulumi/pulumi's Automation API passes `--run-program` to refresh and destroy. */
const AUTOMATION_RUNS_PROGRAM = fs
  .readFileSync(require.resolve("@pulumi/pulumi/automation/stack.js"), "utf8")
  .includes("--run-program");

describeWithEngine("edges: an interrupted run converges on the next up", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 200 });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  /**
   * Starts an up of N assets that Code Ocean keeps in draft, waits until all N creates were
   * accepted, interrupts the run with `interrupt`, then lets the imports finish and runs the
   * user's next steps: `pulumi cancel` (when the stack is locked) and `pulumi up`.
   */
  async function interruptedThenUp(
    prefix: string,
    interrupt: (t: TestStack) => void | Promise<void>,
  ) {
    emu.admin.addOutcome({ match: { namePrefix: prefix }, outcome: { kind: "draft" } });
    const t = await newStack(`edges-${prefix.replace(/-$/, "")}`, assetsProgram(prefix, N), emu);
    try {
      const first = t.stack.up({ parallel: 2 * N }).then(
        () => "finished",
        (e: unknown) => String(e),
      );
      await eventually(() => liveAssets(emu, prefix).length === N, 60_000, 50);
      await interrupt(t);
      const outcome = await first;
      expect(outcome).not.toBe("finished");
      // Whatever the crash left running (a host still waiting) is stopped, as a reboot would.
      signal(processesIn(t.engine.dir, /dynamic-provider|pulumi/), "SIGKILL");
      emu.admin.clearOutcomes();
      for (const a of liveAssets(emu, prefix)) emu.admin.updateAsset(a.id, { state: "ready" });
      const before = liveAssets(emu, prefix).map((a) => a.id);

      await t.stack.cancel().catch(() => undefined);
      const up = await t.stack.up({ parallel: 2 * N });
      expect(up.summary.result).toBe("succeeded");

      const live = liveAssets(emu, prefix);
      const state = await stateAssets(t);
      expect(live.map((a) => a.id).sort()).toEqual(before.sort());
      expect(live).toHaveLength(N);
      expect(new Set(live.map((a) => a.name)).size).toBe(N);
      expect(state.map((r) => r.id).sort()).toEqual(live.map((a) => a.id).sort());
      // The next preview shows nothing to do.
      const preview = await t.stack.preview();
      expect(preview.changeSummary).toEqual({ same: N + 1 });
      return t;
    } finally {
      await t.destroyAndCleanup().catch(() => undefined);
    }
  }

  it("SIGKILL of the pulumi CLI during creates: cancel, up → exactly the N assets, all in state", async () => {
    await interruptedThenUp("kill-cli-", (t) => {
      const cli = processesIn(t.engine.dir, /pulumi.* up /);
      expect(cli.length).toBeGreaterThan(0);
      signal(cli, "SIGKILL");
    });
  }, 240_000);

  it("SIGKILL of the provider host during creates: up → exactly the N assets, all in state", async () => {
    await interruptedThenUp("kill-host-", (t) => {
      const host = processesIn(t.engine.dir, /dynamic-provider/);
      expect(host.length).toBeGreaterThan(0);
      signal(host, "SIGKILL");
    });
  }, 240_000);

  it("Ctrl-C twice during creates: up → exactly the N assets, all in state", async () => {
    await interruptedThenUp("ctrl-c-", async (t) => {
      const cli = processesIn(t.engine.dir, /pulumi.* up /);
      expect(cli.length).toBeGreaterThan(0);
      // A person pressing Ctrl-C twice: the first asks the engine to cancel, the second
      // terminates the CLI at once ("may lead to orphaned resources").
      signal(cli, "SIGINT");
      await new Promise((r) => setTimeout(r, 300));
      signal(cli, "SIGINT");
      await eventually(() => cli.every((p) => !alive(p)), 30_000);
    });
  }, 240_000);
});

describeWithEngine("edges: a 404 is not proof of deletion", () => {
  let emu: RunningEmulator;
  let t: TestStack;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 100 });
    t = await newStack("edges-404", assetsProgram("lag-", 5), emu);
    await t.stack.up();
  }, 120_000);
  afterAll(async () => {
    await t?.destroyAndCleanup().catch(() => undefined);
    await emu?.stop();
  }, 120_000);

  it("a refresh that meets one 404 per asset drops none of them; the next up creates nothing", async () => {
    emu.admin.setFaults([
      {
        route: "GET /data_assets/:id",
        kind: "status",
        status: 404,
        message: "not found",
        times: 5,
      },
    ]);
    await t.stack.refresh();
    emu.admin.clearFaults();
    expect(await stateAssets(t)).toHaveLength(5);
    emu.admin.clearJournal();
    const up = await t.stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 6 });
    expect(emu.admin.counts()["POST /data_assets"] ?? 0).toBe(0);
    expect(liveAssets(emu, "lag-")).toHaveLength(5);
  });

  it("an archive that answers 404 once during destroy is confirmed, retried, and the asset archived", async () => {
    emu.admin.setFaults([
      { route: "PATCH /data_assets/:id/archive", kind: "status", status: 404, times: 5 },
    ]);
    await t.stack.destroy();
    emu.admin.clearFaults();
    expect(liveAssets(emu, "lag-")).toEqual([]);
    await t.stack.up();
  });
});

describeWithEngine("edges: secrets stay out of the state", () => {
  const SECRET = "gcp-secret-edges-2f9c61";
  const SECRET_BUCKET = "acme-secret-bucket-edges";
  const SECRET_CLIENT = "svc-secret-client-edges";
  let emu: RunningEmulator;
  let t: TestStack;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 100 });
    emu.admin.addOutcome({
      match: { name: "echoing" },
      outcome: { kind: "fail", reason: `PermissionDenied for client_secret=${SECRET} on gs://x` },
    });
    const pulumiSdk: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
    t = await newStack(
      "edges-secrets",
      async () => {
        new codeocean.DataAsset("echoing", {
          name: "echoing",
          mount: "echoing",
          source: { gcp: { bucket: "acme-imaging", clientId: "svc-1", clientSecret: SECRET } },
        });
        new codeocean.DataAsset("wrapped", {
          name: "wrapped",
          mount: "wrapped",
          source: pulumiSdk.secret({
            gcp: { bucket: SECRET_BUCKET, clientId: SECRET_CLIENT, clientSecret: SECRET },
          }),
        });
        return {};
      },
      emu,
    );
  }, 120_000);
  afterAll(async () => {
    await t?.destroyAndCleanup().catch(() => undefined);
    await emu?.stop();
  }, 120_000);

  const clean = () => {
    const text = t.backendText();
    expect({
      secret: text.includes(SECRET),
      bucket: text.includes(SECRET_BUCKET),
      client: text.includes(SECRET_CLIENT),
      token: text.includes(DEFAULT_EMULATOR_TOKEN),
    }).toEqual({ secret: false, bucket: false, client: false, token: false });
  };

  it("a failure reason echoing the GCP secret, read back by refresh in a fresh host, is not in the state", async () => {
    await expect(t.stack.up()).rejects.toThrow(/could not create data asset "echoing"/);
    clean();
    await t.stack.refresh();
    const echoing = (await stateAssets(t)).find((r) => r.urn.endsWith("::echoing"));
    expect(echoing).toBeDefined();
    clean();
  });

  it("a source wrapped in pulumi.secret keeps every part of it secret in the state", async () => {
    // `exportStack` decrypts secrets; what matters is the state as stored: the backend's files.
    const wrapped = (await stateAssets(t)).find((r) => r.urn.endsWith("::wrapped"));
    expect(wrapped?.id).toBeTruthy();
    clean();
  });
});

describeWithEngine("edges: a rotated token", () => {
  const OLD = "cop_old_token_edges";
  const NEW = "cop_new_token_edges";
  let emu: RunningEmulator;
  let t: TestStack;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "edges-rotation-"));
    emu = await startEmulator({
      port: 0,
      readyAfterMs: 100,
      tokens: [OLD],
      dataFile: path.join(dataDir, "state.json"),
    });
    t = await newStack("edges-rotation", assetsProgram("rotated-", 2), emu, {});
    await t.stack.setConfig("codeocean:token", { value: OLD, secret: true });
    await t.stack.up();
    // Rotate: Code Ocean now takes only the new token, and the stack config holds it.
    const port = emu.port;
    await emu.stop();
    emu = await startEmulator({
      port,
      readyAfterMs: 100,
      tokens: [NEW],
      dataFile: path.join(dataDir, "state.json"),
    });
    await t.stack.setConfig("codeocean:token", { value: NEW, secret: true });
  }, 120_000);
  afterAll(async () => {
    await t?.destroyAndCleanup().catch(() => undefined);
    await emu?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it("refresh with the recorded token fails with advice that works; the advice works", async () => {
    const failed = await t.stack.refresh().then(
      () => "",
      (e: unknown) => String(e),
    );
    // The engine configures the provider as the last up recorded it: the old token.
    expect(failed).toMatch(/HTTP 401: invalid API token/);
    expect(failed).toMatch(/run `pulumi refresh --run-program` or `pulumi destroy --run-program`/);
    expect(failed.includes(NEW) || failed.includes(OLD)).toBe(false);
    if (AUTOMATION_RUNS_PROGRAM) {
      // The advice itself: refresh and destroy configured from the program and current config.
      // (Typed loosely: the Automation API of the peer floor, 3.139, has no runProgram option.)
      const runProgram = { runProgram: true } as object;
      const refresh = await t.stack.refresh(runProgram);
      expect(refresh.summary.result).toBe("succeeded");
      const destroy = await t.stack.destroy(runProgram);
      expect(destroy.summary.result).toBe("succeeded");
    } else {
      // An Automation API without runProgram (the peer floor) cannot run the inline program for
      // a refresh or destroy: the message's other advice, an `up` that records the new token.
      await t.stack.up();
      expect((await t.stack.refresh()).summary.result).toBe("succeeded");
      expect((await t.stack.destroy()).summary.result).toBe("succeeded");
    }
    expect(liveAssets(emu, "rotated-")).toEqual([]);
  });
});

describeWithEngine("edges: hostile pages end, and a foreign odd asset breaks nothing", () => {
  let emu: RunningEmulator;
  let t: TestStack;
  let lookupError = "";
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 100 });
    emu.admin.seed({
      customMetadata: {
        fields: [{ name: "modality", type: "string", multiple: true }],
        categories: [],
      },
    });
    t = await newStack(
      "edges-pages",
      async () => {
        for (let i = 0; i < 3; i++) {
          new codeocean.DataAsset(`paged-${i}`, {
            name: `paged-${i}`,
            mount: `paged-${i}`,
            customMetadata: { modality: ["ephys", "imaging"] },
            source: { aws: { bucket: "acme-rna-reads", prefix: `paged/${i}/` } },
          });
        }
        try {
          await codeocean.searchDataAssets({ tags: ["shared"] });
        } catch (e) {
          lookupError = String(e);
        }
        return {};
      },
      emu,
    );
    await t.stack.up();
  }, 120_000);
  afterAll(async () => {
    await t?.destroyAndCleanup().catch(() => undefined);
    await emu?.stop();
  }, 120_000);

  it("a search that repeats its page token, or answers empty pages, ends with an error naming it", async () => {
    for (const kind of ["page-repeat-token", "page-empty"] as const) {
      emu.admin.setFaults([{ route: "POST /data_assets/search", kind }]);
      emu.admin.clearJournal();
      lookupError = "";
      await t.stack.preview();
      emu.admin.clearFaults();
      expect(lookupError).toMatch(
        /did not end: page \d+ (gave a next_token it had already given|was empty although it says there are more results)/,
      );
      expect(lookupError).toMatch(/search for data assets \(query "tag:\\"shared\\""/);
      // Bounded: the loop stops at the first page that makes no progress.
      expect(emu.admin.counts()["POST /data_assets/search"]).toBeLessThanOrEqual(3);
    }
  });

  it("a refresh beside another team's archived asset with a multi-valued value reads every asset; list values round-trip", async () => {
    emu.admin.importAssets([
      {
        name: "other team's asset",
        archived: true,
        owner: "0f7e2d1c-aaaa-4bbb-8ccc-other0team001",
        custom_metadata: { modality: ["ephys", "fmri"], weird: { nested: true } },
      },
    ]);
    const refresh = await t.stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    const preview = await t.stack.preview();
    expect(preview.changeSummary).toEqual({ same: 4 });
    for (const a of liveAssets(emu, "paged-"))
      expect(a.custom_metadata).toEqual({ modality: ["ephys", "imaging"] });
  });
});

describeWithEngine("edges: two stacks, one attachment", () => {
  let emu: RunningEmulator;
  let shared: string;
  let first: TestStack;
  let second: TestStack;
  const attachProgram = () => async () => {
    new codeocean.CapsuleAttachment("reference", {
      capsuleId: SEED_IDS.capsule,
      dataAssetId: shared,
      mount: "reference",
    });
    return {};
  };
  const attached = () =>
    emu.admin.attachments().filter((a) => a.assetId === shared && a.targetId === SEED_IDS.capsule);
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 50, attachReadyAfterMs: 50 });
    [shared] = emu.admin.importAssets([{ name: "shared reference", mount: "reference" }]);
    first = await newStack("edges-first", attachProgram(), emu);
    second = await newStack("edges-second", attachProgram(), emu);
  }, 120_000);
  afterAll(async () => {
    await first?.destroyAndCleanup().catch(() => undefined);
    await second?.destroyAndCleanup().catch(() => undefined);
    await emu?.stop();
  }, 120_000);

  it("the second stack finds it attached and says so; destroying it leaves the first stack's attachment", async () => {
    await first.stack.up();
    const up = await second.stack.up();
    expect(up.stdout + up.stderr).toMatch(
      /was already attached to capsule .* before this stack attached it/,
    );
    const outputs = (await second.stack.exportStack()).deployment.resources.find(
      (r: { urn: string }) => r.urn.endsWith("::reference"),
    ).outputs;
    expect(outputs.foundAttached).toBe(true);
    const destroy = await second.stack.destroy();
    expect(destroy.stdout + destroy.stderr).toMatch(/left data asset .* attached to capsule/);
    expect(attached()).toHaveLength(1);
    const refresh = await first.stack.refresh();
    expect(refresh.summary.resourceChanges).toEqual({ same: 2 });
  });

  it("when the first stack detaches it, the second stack's refresh sees the loss and its up attaches it again", async () => {
    await second.stack.up();
    await first.stack.destroy();
    expect(attached()).toHaveLength(0);
    await second.stack.refresh();
    const preview = await second.stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 1 });
    await second.stack.up();
    expect(attached()).toHaveLength(1);
  });
});
