import type { JournalEntry } from "./types";

// Long benchmark runs must not grow memory without bound; counts stay exact regardless.
const MAX_ENTRIES = 100_000;

export class Journal {
  private entries: JournalEntry[] = [];
  private countsByRoute = new Map<string, number>();
  private seq = 0;

  /** Records the request on arrival, so hung requests appear (with status 0) too. */
  start(entry: Omit<JournalEntry, "seq" | "status">): JournalEntry {
    const full: JournalEntry = { seq: ++this.seq, ...entry, status: 0 };
    this.entries.push(full);
    if (this.entries.length > MAX_ENTRIES)
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.countsByRoute.set(entry.route, (this.countsByRoute.get(entry.route) ?? 0) + 1);
    return full;
  }

  list(): JournalEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.countsByRoute);
  }

  clear(resetSeq = false): void {
    this.entries = [];
    this.countsByRoute.clear();
    if (resetSeq) this.seq = 0;
  }
}
