/**
 * The note at preview when an `up` would create more assets than the engine's default
 * parallelism runs at once (4 × CPU cores): said once, with the `--parallel` value to use.
 */
import * as os from "os";
import { startEmulator, RunningEmulator } from "../../emulator";
import { describeWithEngine, newStack, TestStack } from "../helpers/engine";

const codeocean: typeof import("pulumi-codeocean") = require("pulumi-codeocean");

jest.setTimeout(180_000);

describeWithEngine("the parallelism note at preview", () => {
  let emu: RunningEmulator;
  let t: TestStack | undefined;
  const many = 4 * os.cpus().length + 2;
  let declared = many;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, readyAfterMs: 50 });
    t = await newStack(
      "parallelism-note",
      async () => {
        for (let i = 0; i < declared; i++)
          new codeocean.DataAsset(`a${i}`, {
            name: `note ${i}`,
            mount: `m${i}`,
            source: { aws: { bucket: "acme-reads", keepOnExternalStorage: true } },
          });
        return {};
      },
      emu,
    );
  });
  afterAll(async () => {
    await t?.destroyAndCleanup();
    await emu?.stop();
  });

  const notes = (text: string) => text.split("this update creates more than").length - 1;

  it("says once, at preview, which --parallel would let every create wait at once", async () => {
    let text = "";
    await t!.stack.preview({ onOutput: (o) => (text += o) });
    // The engine shows a diagnostic where it happens and again in its closing summary.
    expect(notes(text.slice(text.indexOf("Diagnostics:")))).toBe(1);
    expect(text).toMatch(/pulumi up --parallel \d+/);
  });

  it("says nothing for fewer creates than the engine runs at once", async () => {
    declared = 2;
    let text = "";
    await t!.stack.preview({ onOutput: (o) => (text += o) });
    expect(notes(text)).toBe(0);
  });
});
