/**
 * The one paging loop of this package: every search (data assets, capsules, pipelines) and
 * every listing built on one goes through `pages`.
 *
 * A loop that trusts the server's `has_more` never ends when a server (or a proxy) answers
 * `has_more: true` with a token it already gave, or with empty pages: long-lived clients of
 * Code Ocean guard against both (shared/codeocean-api.md, search). So a page must make
 * progress — a new token and at least one result — and a search may take at most
 * `maxPages` pages; otherwise the loop stops with a PagingError that names the search.
 */
import { CodeOceanError } from "./errors";

/** A page as Code Ocean answers a search; results are parsed by the caller, one by one. */
export interface Page {
  has_more?: boolean | null;
  next_token?: string | null;
  results?: unknown[] | null;
}

/** Pages a search may take unless the caller says otherwise: 100,000 assets at 1,000 a page. */
export const MAX_PAGES = 100;

/** A search that did not end the way Code Ocean's searches end. */
export class PagingError extends CodeOceanError {}

/**
 * The items of every page, in order. `fetch` gets the token of the page to fetch (none for
 * the first); `what` names the search in errors, e.g. `search for data assets (query "…")`.
 * A caller that has enough simply stops iterating: no further page is fetched.
 */
export async function* pages(
  fetch: (nextToken: string | undefined) => Promise<Page>,
  what: string,
  maxPages: number = MAX_PAGES,
): AsyncGenerator<unknown> {
  const sent = new Set<string>();
  let token: string | undefined;
  for (let n = 1; ; n++) {
    const page = await fetch(token);
    const results = page.results ?? [];
    for (const item of results) yield item;
    if (!page.has_more) return;
    const stop = (reason: string) =>
      new PagingError(
        `Code Ocean's ${what} did not end: page ${n} ${reason}. The provider stopped after ${n} requests rather than loop; ` +
          "this is a fault of the server or of a proxy in between. Try again later; if it persists, report it to your Code Ocean administrators with this message.",
      );
    if (!page.next_token) throw stop("says there are more results but gives no next_token");
    if (sent.has(page.next_token) || page.next_token === token)
      throw stop("gave a next_token it had already given");
    if (results.length === 0) throw stop("was empty although it says there are more results");
    if (n >= maxPages)
      throw stop(
        `still says there are more results, and ${maxPages} pages is the most one search may take`,
      );
    sent.add(page.next_token);
    token = page.next_token;
  }
}

/** The page cap for a caller that wants at most `wanted` results at `pageSize` a page. */
export function pagesFor(wanted: number | undefined, pageSize: number): number {
  if (wanted === undefined) return MAX_PAGES;
  // Twice the pages the results need, and one more: a server may return short pages.
  return Math.min(MAX_PAGES, 2 * Math.ceil(wanted / pageSize) + 1);
}
