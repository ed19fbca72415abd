/** Shared pieces of the reliability and security suites (not a test file itself). */
import type { RunningEmulator } from "../../emulator";
import { attachmentId } from "../../provider/resources/capsuleAttachment/table";
import { freshRuntime } from "../helpers/runtime";

export type Props = Record<string, unknown>;

/** The engine's unknown-value sentinel (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Stand-in for the serialized shim the engine stores as `__provider`. */
export const PROVIDER = "exports.handler = __f0; /* stand-in for the serialized shim */";

/** A valid DataAsset declaration (engine-side inputs before check). */
export function declaredAsset(name: string, overrides: Props = {}): Props {
  return {
    __provider: PROVIDER,
    name,
    mount: name.replace(/[^A-Za-z0-9._-]/g, "_"),
    tags: ["reliability"],
    source: { aws: { bucket: "acme-rna-reads", prefix: "runs/", keepOnExternalStorage: true } },
    ...overrides,
  };
}

/**
 * Makes the provider build a new client (and a new adaptive throttle) on its next call, and
 * forgets the cached metadata schema: every test starts from the same process-wide state.
 */
export function freshProviderState(): void {
  freshRuntime();
}

/** Whether `v` holds `undefined` anywhere (the host fails on it after the remote call). */
export function hasUndefined(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.some(hasUndefined);
  if (v && typeof v === "object") return Object.values(v).some(hasUndefined);
  return false;
}

/**
 * The promise of the suite, checked against the emulator's own records:
 * - every data asset is known to Pulumi (an id returned by create, carried by a partial
 *   failure, or already in the state) or archived;
 * - no resource has more than one live (unarchived) asset — assets are named after their
 *   resource, and a replaced asset is archived;
 * - every attachment is known to Pulumi.
 * Returns the violations, so a caller can print them rather than just fail.
 */
export function invariantViolations(
  emu: RunningEmulator,
  known: { assets: Set<string>; attachments?: Set<string> },
): string[] {
  const problems: string[] = [];
  const assets = emu.admin.assets();
  for (const a of assets) {
    if (!a.archived && !known.assets.has(a.id))
      problems.push(`lost: asset ${a.id} ("${a.name}") is neither known nor archived`);
  }
  const byName = new Map<string, number>();
  for (const a of assets) if (!a.archived) byName.set(a.name, (byName.get(a.name) ?? 0) + 1);
  for (const [name, n] of byName)
    if (n > 1) problems.push(`duplicated: ${n} live assets named "${name}"`);
  if (known.attachments) {
    for (const a of emu.admin.attachments()) {
      const id = attachmentId(a.targetKind, a.targetId, a.assetId);
      if (!known.attachments.has(id)) problems.push(`lost: attachment ${id} is not known`);
    }
  }
  return problems;
}

/** Renders rows of cells as a fixed-width text table. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...rows.map(line)].join("\n");
}
