/**
 * `npm run demo`: the quickstart on the built-in Code Ocean emulator, with a throwaway local
 * Pulumi backend — no Code Ocean account and no cloud credentials. Gets the Pulumi CLI if it
 * is missing, runs `pulumi up`, prints the outputs, then destroys the stack.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { DEFAULT_EMULATOR_TOKEN, startEmulator } from "../emulator";
import { quickstart } from "../examples/quickstart/program";
import { REPO_ROOT, engineEnv, ensurePulumiCli } from "./lib/pulumiCli";

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
        projectSettings: { name: "codeocean-quickstart", runtime: "nodejs" },
      },
    );
    process.chdir(REPO_ROOT);
    await stack.setAllConfig({
      "codeocean:domain": { value: emulator.url },
      "codeocean:token": { value: DEFAULT_EMULATOR_TOKEN, secret: true },
      "codeocean:minPollIntervalSeconds": { value: "0.5" },
    });
    const up = await stack.up({ onOutput: (s) => process.stdout.write(s) });
    console.log("\nOutputs:");
    for (const [k, v] of Object.entries(up.outputs))
      console.log(`  ${k}: ${JSON.stringify(v.value)}`);
    console.log("\nTearing down (assets are archived, attachments detached):\n");
    await stack.destroy({ onOutput: (s) => process.stdout.write(s) });
    await stack.workspace.removeStack("demo");
    const archived = emulator.admin.assets().filter((a) => a.archived).length;
    console.log(
      `\nDemo finished: ${archived} data assets archived in the emulator, ${emulator.admin.attachments().length} attachments left.`,
    );
  } finally {
    await emulator.stop();
    engine.cleanup();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
