/**
 * Shared helpers of the benchmark: statistics over repeated runs, bars (pass/fail against
 * the limits of issue 5), and tables rendered as aligned text (console) or markdown (README).
 */

/** Median, min and max over the runs of one invocation. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function stat(values: number[]): Stat {
  return {
    median: quantile(values, 0.5),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
    runs: values.length,
  };
}

/** A number with `digits` decimals; "–" for NaN. */
export function num(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "–";
}

/** "5.9 (5.7–6.2)": median, then min–max when there was more than one run and they differ. */
export function fmtStat(s: Stat, digits = 1): string {
  const m = num(s.median, digits);
  if (s.runs <= 1 || num(s.min, digits) === num(s.max, digits)) return m;
  return `${m} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

/** A ratio with 2 decimals, or 3 when 2 would print it equal to the limit it is checked against. */
export function ratio(x: number, limit: number): string {
  return num(x, num(x, 2) === num(limit, 2) && x !== limit ? 3 : 2);
}

export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)} %` : "–";
}

/** One limit from the issue, checked against a measured figure of this run. */
export interface Bar {
  section: number;
  /** What is limited, e.g. "N = 200: wall ≤ 1.5 × ideal". */
  name: string;
  measured: string;
  limit: string;
  /** `null`: not measured in this run (section skipped or failed). */
  pass: boolean | null;
  /** A short qualifier of how it was measured, e.g. "with --parallel 100". */
  note?: string;
  /** For a missed bar: by how much and why, from this run's figures. */
  why?: string;
}

export function bar(
  section: number,
  name: string,
  measured: string,
  limit: string,
  pass: boolean | null,
  note?: string,
  why?: string,
): Bar {
  return {
    section,
    name,
    measured,
    limit,
    pass,
    ...(note ? { note } : {}),
    ...(why && pass === false ? { why } : {}),
  };
}

export const verdict = (pass: boolean | null): string =>
  pass === null ? "n/a" : pass ? "PASS" : "FAIL";

export interface Table {
  title: string;
  head: string[];
  rows: string[][];
  notes?: string[];
}

export interface SectionResult {
  number: number;
  key: string;
  title: string;
  /** Why the section did not run (e.g. no Pulumi CLI). */
  skipped?: string;
  /** The error that stopped the section, if any. */
  error?: string;
  tables: Table[];
  bars: Bar[];
  /** Raw figures per run, for the JSON file. */
  data: Record<string, unknown>;
  seconds: number;
}

export interface BenchContext {
  quick: boolean;
  /** Progress lines (stderr), so stdout holds only the report. */
  log: (line: string) => void;
}

const width = (s: string) => [...s].length;
const pad = (s: string, w: number, right: boolean) =>
  right ? " ".repeat(w - width(s)) + s : s + " ".repeat(w - width(s));
/** Short cells that read as figures ("5.9 (5.7–6.2)", "≤ 2.0", "1.7 %"), not words. */
const numeric = (s: string) =>
  /^[-+≤]?\s?[\d.–]/.test(s) && !/[A-Za-z]{3,}/.test(s) && width(s) <= 30;
/** A column is right-aligned when every cell in it reads as a figure (never the first). */
const rightAligned = (t: Table) =>
  t.head.map((_, i) => i > 0 && t.rows.length > 0 && t.rows.every((r) => numeric(r[i] ?? "")));

export function textTable(t: Table): string {
  const widths = t.head.map((h, i) => Math.max(width(h), ...t.rows.map((r) => width(r[i] ?? ""))));
  const right = rightAligned(t);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c ?? "", widths[i], right[i]))
      .join("  ")
      .trimEnd();
  const out = [t.title, line(t.head), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const r of t.rows) out.push(line(r));
  for (const n of t.notes ?? []) out.push(`  * ${n}`);
  return out.join("\n");
}

export function markdownTable(t: Table, heading = "####"): string {
  const esc = (s: string) => (s ?? "").replace(/\|/g, "\\|");
  const right = rightAligned(t);
  const out = [`${heading} ${t.title}`, "", `| ${t.head.map(esc).join(" | ")} |`];
  out.push(`|${t.head.map((_, i) => (right[i] ? " ---: " : " --- ")).join("|")}|`);
  for (const r of t.rows) out.push(`| ${r.map(esc).join(" | ")} |`);
  if (t.notes?.length) {
    out.push("");
    for (const n of t.notes) out.push(`- ${n}`);
  }
  return out.join("\n");
}

export function barsTable(bars: Bar[]): Table {
  return {
    title: "Bars",
    head: ["§", "bar", "measured", "limit", "result"],
    rows: bars.map((b) => [
      String(b.section),
      b.name + (b.note ? ` (${b.note})` : ""),
      b.measured,
      b.limit,
      verdict(b.pass),
    ]),
  };
}

/** The missed bars with their explanations, one paragraph each. */
export function missedBars(bars: Bar[]): string[] {
  return bars
    .filter((b) => b.pass === false)
    .map((b) => `§${b.section} ${b.name}: ${b.measured} (limit ${b.limit}). ${b.why ?? ""}`.trim());
}

/** Milliseconds since `start` (performance.now()). */
export const since = (start: number) => performance.now() - start;

/** Rejects after `ms` with a message naming `what`, so no step can hang a run. */
export async function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
