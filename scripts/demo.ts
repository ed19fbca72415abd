/**
 * `npm run demo`: the quickstart on the built-in Code Ocean emulator, with a throwaway local
 * Pulumi backend — no Code Ocean account and no cloud credentials. Gets the Pulumi CLI if it
 * is missing, runs `pulumi up` (the engine prints the outputs), destroys the stack, and ends
 * with what happened in Code Ocean, from the emulator's journal.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { DEFAULT_EMULATOR_TOKEN, RunningEmulator, startEmulator } from "../emulator";
import { quickstart } from "../examples/quickstart/program";
import { REPO_ROOT, engineEnv, ensurePulumiCli, projectSettings } from "./lib/pulumiCli";

async function main() {
  let cliDir: string;
  try {
    cliDir = ensurePulumiCli();
  } catch {
    console.error(
      "The Pulumi CLI is not installed and could not be built here (that needs Go).\n" +
        "Install it with: curl -fsSL https://get.pulumi.com | sh   (see https://www.pulumi.com/docs/install/)",
    );
    process.exit(1);
  }
  const emulator = await startEmulator({ port: 0, readyAfterMs: 1500, attachReadyAfterMs: 500 });
  const engine = engineEnv(cliDir, "codeocean-demo-");
  console.log(`Code Ocean emulator at ${emulator.url}; Pulumi state in ${engine.dir}\n`);
  try {
    // The program of the root Pulumi.yaml, run inline so the CLI needs no Node language plugin.
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "demo", projectName: "codeocean-quickstart", program: async () => quickstart() },
      {
        workDir: engine.dir,
        envVars: engine.env,
        projectSettings: projectSettings("codeocean-quickstart"),
      },
    );
    process.chdir(REPO_ROOT);
    await stack.setAllConfig({
      "codeocean:domain": { value: emulator.url },
      "codeocean:token": { value: DEFAULT_EMULATOR_TOKEN, secret: true },
      "codeocean:minPollIntervalSeconds": { value: "0.5" },
    });
    // The engine's own output includes the stack outputs.
    await stack.up({ onOutput: (s) => process.stdout.write(s) });
    const afterUp = journalSummary(emulator);
    emulator.admin.clearJournal();
    console.log("\nTearing down (assets are archived, attachments detached):\n");
    await stack.destroy({ onOutput: (s) => process.stdout.write(s) });
    await stack.workspace.removeStack("demo");
    const afterDestroy = journalSummary(emulator);
    const assets = emulator.admin.assets();
    console.log(
      [
        "",
        "Demo finished. What happened in Code Ocean (the emulator's journal):",
        `  pulumi up:      ${afterUp.created} data assets created (ready after ${afterUp.assetPolls} readiness checks);` +
          ` ${afterUp.attachmentsMade} attachments made (${afterUp.attachCalls} attach calls, counting the re-posts that check a mount is ready)`,
        `  pulumi destroy: ${afterUp.attachmentsMade - emulator.admin.attachments().length} attachments detached` +
          ` (${afterDestroy.detachCalls} detach calls), ${afterDestroy.archived} data assets archived` +
          ` (onDelete "archive": reversible), ${afterDestroy.deleted} deleted`,
        `  left in Code Ocean: ${assets.filter((a) => a.archived).length} of ${assets.length} data assets archived,` +
          ` ${emulator.admin.attachments().length} attachments; stack "demo" removed`,
        `  ${afterUp.calls + afterDestroy.calls} API calls in all, ${afterUp.errors + afterDestroy.errors} answered with an error`,
      ].join("\n"),
    );
  } finally {
    await emulator.stop();
    engine.cleanup();
  }
}

/** Counts from the emulator's journal since it was last cleared. */
function journalSummary(emulator: RunningEmulator) {
  const counts = emulator.admin.counts();
  const sum = (match: (route: string) => boolean) =>
    Object.entries(counts)
      .filter(([route]) => match(route))
      .reduce((n, [, c]) => n + c, 0);
  const journal = emulator.admin.journal();
  return {
    created: counts["POST /data_assets"] ?? 0,
    assetPolls: counts["GET /data_assets/:id"] ?? 0,
    attachCalls: sum((r) => /^POST \/(capsules|pipelines)\/:id\/data_assets$/.test(r)),
    attachmentsMade: emulator.admin.attachments().length,
    detachCalls: sum((r) => /^DELETE \/(capsules|pipelines)\/:id\/data_assets$/.test(r)),
    archived: counts["PATCH /data_assets/:id/archive"] ?? 0,
    deleted: counts["DELETE /data_assets/:id"] ?? 0,
    calls: journal.length,
    errors: journal.filter((e) => e.status === 0 || e.status >= 400).length,
  };
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
