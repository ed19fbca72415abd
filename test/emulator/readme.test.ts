// emulator/README.md documents the emulator's public surface; this keeps it from going stale.
// Its admin route table is generated from the same data as GET /__emulator/.
import * as fs from "fs";
import * as path from "path";
import {
  API_ROUTE_KEYS,
  FAULT_KINDS,
  SEED_IDS,
  type EmulatorAdmin,
  type EmulatorOptions,
} from "../../emulator";
import { adminRoutesMarkdown } from "../../emulator/admin";
import { USAGE } from "../../emulator/cli";

const README = path.resolve(__dirname, "../../emulator/README.md");
const text = fs.readFileSync(README, "utf8");

// Typed as every key, so adding an option or an admin call without listing it here fails to
// compile, and listing it here without documenting it fails below.
const OPTIONS: Record<keyof EmulatorOptions, true> = {
  port: true,
  host: true,
  tokens: true,
  dataFile: true,
  readyAfterMs: true,
  attachReadyAfterMs: true,
  notFoundAfterCreateMs: true,
  seed: true,
  faults: true,
  rateLimit: true,
  faultSeed: true,
  serverVersion: true,
  log: true,
};
const ADMIN_CALLS: Record<keyof EmulatorAdmin, true> = {
  reset: true,
  seed: true,
  addOutcome: true,
  clearOutcomes: true,
  setFaults: true,
  addFault: true,
  clearFaults: true,
  setRateLimit: true,
  journal: true,
  counts: true,
  clearJournal: true,
  assets: true,
  asset: true,
  updateAsset: true,
  importAssets: true,
  removeAsset: true,
  permissions: true,
  setPermissions: true,
  removeCapsule: true,
  removePipeline: true,
  attachments: true,
  setNotFoundAfterCreateMs: true,
  setWorkstationRunning: true,
};

/** Names not found in code spans, alone (`name`) or with an argument (`--port N`). */
const missing = (names: readonly string[]) =>
  names.filter((n) => !text.includes(`\`${n}\``) && !text.includes(`\`${n} `));

describe("emulator/README.md", () => {
  it("carries the admin route table generated from the admin index", () => {
    const start = /<!-- admin-routes:start[^>]*-->\n/.exec(text);
    const end = text.indexOf("<!-- admin-routes:end -->");
    expect(start).not.toBeNull();
    expect(end).toBeGreaterThan(start!.index);
    const table = `${adminRoutesMarkdown()}\n`;
    const current = text.slice(start!.index + start![0].length, end);
    if (current !== table && process.env.UPDATE_EMULATOR_README === "1") {
      fs.writeFileSync(
        README,
        text.slice(0, start!.index + start![0].length) + table + text.slice(end),
      );
      return;
    }
    // Out of date: run with UPDATE_EMULATOR_README=1 to regenerate it.
    expect(current).toBe(table);
  });

  it("names every option, CLI flag, admin call, fault kind, route key and seeded id", () => {
    expect(missing(Object.keys(OPTIONS))).toEqual([]);
    const flags = [...new Set(USAGE.match(/--[a-z][a-z-]*/g))].filter((f) => f !== "--help");
    expect(flags.length).toBeGreaterThan(10);
    expect(missing(flags)).toEqual([]);
    expect(missing(Object.keys(ADMIN_CALLS))).toEqual([]);
    expect(missing([...FAULT_KINDS])).toEqual([]);
    expect(missing([...API_ROUTE_KEYS])).toEqual([]);
    expect(missing(Object.keys(SEED_IDS))).toEqual([]);
  });
});
