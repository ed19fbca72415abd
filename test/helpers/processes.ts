/**
 * Finding the processes an engine test started — the Pulumi CLI and the provider host it
 * spawned — so that a test can kill them the way a crash would. Linux only (it reads /proc).
 */
import * as fs from "fs";

/** Pids of processes whose working directory is `dir` and whose command line matches `pattern`. */
export function processesIn(dir: string, pattern: RegExp): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/cwd`) !== dir) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      if (pattern.test(cmdline)) found.push(Number(entry));
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return found;
}

/** Sends `signal` to each pid that still exists. */
export function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

/** Whether a pid still runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
