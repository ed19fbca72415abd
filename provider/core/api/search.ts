/**
 * The client's searches: the query that finds an asset by name, what a search may be asked,
 * what it says of a result it cannot read, and how it is named in errors.
 */
import type { SearchParams } from "./requests";

/**
 * The search query that finds assets named `name`. Quotes make it an exact phrase; a name
 * that itself holds a quote cannot be quoted, so its part before the first quote is searched
 * and callers compare the full name on the results.
 */
export function nameQuery(name: string): string {
  return name.includes('"') ? `name:${name.split('"')[0]}` : `name:"${name}"`;
}

/** What a search says about a result it cannot read (a shape this provider does not know). */
export interface UnreadableResult {
  /** The result's id, when it has one. */
  id: string | undefined;
  detail: string;
}

export interface SearchOptions {
  /**
   * Called for each result that is not a readable data asset; without it, such a result
   * fails the search. Listings that only need some assets skip the others this way.
   */
  onUnreadable?: (r: UnreadableResult) => void;
  /** At most this many results are wanted (caps the pages fetched). Default: all. */
  wanted?: number;
}

/** How a search is named in errors: its query and what else narrows it. */
export function describeSearch(p: SearchParams): string {
  const parts = [
    p.query ? `query ${JSON.stringify(p.query)}` : "no query",
    ...(p.archived ? ["archived"] : []),
    ...(p.type ? [`type ${p.type}`] : []),
    ...(p.ownership ? [`ownership ${p.ownership}`] : []),
    ...(p.filters?.length ? [`${p.filters.length} filter(s)`] : []),
  ];
  return parts.join(", ");
}
