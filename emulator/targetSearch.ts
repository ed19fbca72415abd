// POST /capsules/search and POST /pipelines/search: the data asset search's body shape
// (SDK CapsuleSearchParams) over the emulator's capsules or pipelines.
import {
  filterMatches,
  oneOf,
  ownershipMatches,
  page,
  parseCommon,
  queryMatches,
  textMatches,
  tokenizeQuery,
  type CommonSearchParams,
  type SearchPage,
  type Term,
} from "./search";
import type { WireTarget } from "./types";

/**
 * The fields the SDK documents for capsule search. The emulator's capsules carry only id and
 * name of them, so the others match nothing.
 */
const TARGET_FIELDS = [
  "id",
  "name",
  "doi",
  "tag",
  "field",
  "affiliation",
  "journal",
  "article",
  "author",
];

export interface TargetSearchParams extends CommonSearchParams {
  terms: Term[];
  sortField: "created" | "last_accessed" | "name";
  status?: "release" | "non_release";
}

export function parseTargetSearch(raw: unknown): TargetSearchParams {
  const [common, body] = parseCommon(raw, ["status"]);
  const out: TargetSearchParams = {
    ...common,
    terms: tokenizeQuery(common.query, TARGET_FIELDS),
    sortField: oneOf(body, "sort_field", ["created", "last_accessed", "name"]) ?? "created",
  };
  const status = oneOf(body, "status", ["release", "non_release"]);
  if (status !== undefined) out.status = status;
  return out;
}

export interface SearchableTarget {
  wire: WireTarget;
  /** Ids of the data assets attached to it. */
  attached: ReadonlySet<string>;
  /** Seeding order; breaks ties, as every seeded capsule has the same `created`. */
  seq: number;
}

/**
 * Free text matches the name; a word that is the id of an attached data asset matches too.
 * That is the workaround SDK issue #77 names for "which capsules use this data asset" (there
 * is no endpoint listing a capsule's attachments): a bare data asset id as the query.
 */
function termMatches(t: SearchableTarget, term: Term): boolean {
  switch (term.field) {
    case undefined:
      return (
        t.attached.has(term.value.toLowerCase()) ||
        textMatches(t.wire.name, { ...term, exact: false })
      );
    case "id":
      return t.wire.id.toLowerCase() === term.value.toLowerCase();
    case "name":
      return textMatches(t.wire.name, term);
    default:
      return false;
  }
}

function matches(t: SearchableTarget, p: TargetSearchParams): boolean {
  // Nothing is archived or favourited, and every capsule is the emulator user's and unshared.
  if (p.archived || p.favorite) return false;
  if (!ownershipMatches(t.wire.owner, false, p.ownership)) return false;
  if (p.status && t.wire.status !== p.status) return false;
  return (
    queryMatches(p.terms, (term) => termMatches(t, term)) &&
    p.filters.every((f) => filterMatches(f.key === "name" ? [t.wire.name] : [], f))
  );
}

function compare(a: SearchableTarget, b: SearchableTarget, field: TargetSearchParams["sortField"]) {
  // No access is tracked, so last_accessed orders like created.
  const c =
    field === "name" ? a.wire.name.localeCompare(b.wire.name) : a.wire.created - b.wire.created;
  return c !== 0 ? c : a.seq - b.seq;
}

export function runTargetSearch(
  items: SearchableTarget[],
  p: TargetSearchParams,
): SearchPage<WireTarget> {
  const sign = (p.sortOrder ?? "desc") === "asc" ? 1 : -1;
  const hits = items
    .filter((t) => matches(t, p))
    .sort((a, b) => sign * compare(a, b, p.sortField))
    .map((t) => t.wire);
  return page(hits, p.offset, p.limit);
}
