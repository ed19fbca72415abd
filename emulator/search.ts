// POST /data_assets/search, and the parts capsule and pipeline search share with it: the
// query language, the body's paging keys, filters and next_token.
import { EMULATOR_USER } from "./seed";
import { ApiError, badRequest } from "./reply";
import type { WireDataAsset } from "./types";
import { isObject, requireObject } from "./validate";

type Obj = Record<string, unknown>;

// ---- the query language ---------------------------------------------------------------------

/** One `field:value` term, or free text when `field` is undefined. */
export interface Term {
  field?: string;
  value: string;
  /** A quoted value: field terms then match the whole value instead of a substring. */
  exact: boolean;
}

/**
 * Splits a query into terms. `field:value` terms name one of `fields` (case-insensitive); an
 * unknown `word:` prefix is kept as free text, as is every bare word or quoted phrase.
 */
export function tokenizeQuery(query: string, fields: readonly string[]): Term[] {
  const terms: Term[] = [];
  let i = 0;
  const readValue = (): { value: string; exact: boolean } => {
    if (query[i] === '"') {
      const end = query.indexOf('"', i + 1);
      const value = end < 0 ? query.slice(i + 1) : query.slice(i + 1, end);
      i = end < 0 ? query.length : end + 1;
      return { value, exact: true };
    }
    const start = i;
    while (i < query.length && !/\s/.test(query[i])) i++;
    return { value: query.slice(start, i), exact: false };
  };
  while (i < query.length) {
    if (/\s/.test(query[i])) {
      i++;
      continue;
    }
    const key = /^([A-Za-z_]+):/.exec(query.slice(i));
    const field = key && fields.find((f) => f === key[1].toLowerCase());
    if (key && field) {
      i += key[0].length;
      const { value, exact } = readValue();
      if (value !== "") terms.push({ field, value, exact });
      continue;
    }
    const { value, exact } = readValue();
    if (value !== "") terms.push({ value, exact });
  }
  return terms;
}

/**
 * Code Ocean's rule (SDK docs): the same field repeated means OR, different fields AND. Each
 * free-text word or phrase must match on its own.
 */
export function queryMatches(terms: readonly Term[], hit: (t: Term) => boolean): boolean {
  const byField = new Map<string, Term[]>();
  for (const t of terms) {
    if (t.field === undefined) {
      if (!hit(t)) return false;
    } else byField.set(t.field, [...(byField.get(t.field) ?? []), t]);
  }
  return [...byField.values()].every((group) => group.some(hit));
}

/** Case-insensitive: the whole text for an exact (quoted) term, else a substring. */
export function textMatches(text: string | undefined, t: Term): boolean {
  if (text === undefined) return false;
  const a = text.toLowerCase();
  const b = t.value.toLowerCase();
  return t.exact ? a === b : a.includes(b);
}

// ---- the request body -----------------------------------------------------------------------

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export type Ownership = "private" | "created" | "shared";
const OWNERSHIP: Ownership[] = ["private", "created", "shared"];

/** What every search body has: the query, paging, and the filters all searches share. */
export interface CommonSearchParams {
  query: string;
  offset: number;
  limit: number;
  sortOrder?: "asc" | "desc";
  archived: boolean;
  favorite: boolean;
  ownership?: Ownership;
  filters: Filter[];
}

/**
 * Reads the keys every search body shares, after refusing keys that no search of this kind
 * takes: a misspelt parameter (`sortField`) would otherwise be ignored and the client would
 * never learn its filter was not applied.
 */
export function parseCommon(raw: unknown, extraKeys: readonly string[]): [CommonSearchParams, Obj] {
  const body = raw === undefined ? {} : requireObject(raw);
  const known = [
    "query",
    "next_token",
    "offset",
    "limit",
    "sort_field",
    "sort_order",
    "ownership",
    "favorite",
    "archived",
    "filters",
    ...extraKeys,
  ];
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) {
      throw new ApiError(400, `${key} is not a search parameter (known: ${known.join(", ")})`, {
        field: key,
      });
    }
  }
  const query = body.query;
  if (query !== undefined && typeof query !== "string") {
    throw badRequest("query", "must be a string");
  }
  const nextToken = body.next_token;
  if (nextToken !== undefined && typeof nextToken !== "string") {
    throw badRequest("next_token", "must be a string");
  }
  const sortOrder = oneOf(body, "sort_order", ["asc", "desc"]);
  if (sortOrder !== undefined && body.sort_field === undefined) {
    throw badRequest("sort_order", "needs sort_field: it orders the results by that field");
  }
  const params: CommonSearchParams = {
    query: query ?? "",
    // next_token, when given, overrides offset (SDK docs).
    offset:
      nextToken !== undefined && nextToken !== ""
        ? decodeToken(nextToken)
        : (optInt(body, "offset", 0, Number.MAX_SAFE_INTEGER) ?? 0),
    limit: optInt(body, "limit", 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
    archived: optBool(body, "archived") ?? false,
    favorite: optBool(body, "favorite") ?? false,
    filters: parseFilters(body.filters),
  };
  if (sortOrder !== undefined) params.sortOrder = sortOrder;
  const ownership = oneOf(body, "ownership", OWNERSHIP);
  if (ownership !== undefined) params.ownership = ownership;
  return [params, body];
}

function optInt(body: Obj, key: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw badRequest(key, `must be an integer between ${min} and ${max}`);
  }
  return v;
}

export function oneOf<T extends string>(body: Obj, key: string, allowed: T[]): T | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw badRequest(key, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function optBool(body: Obj, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw badRequest(key, "must be a boolean");
  return v;
}

// ---- filters ----------------------------------------------------------------------------------

type Scalar = string | number;

export interface Filter {
  key: string;
  value?: Scalar;
  values?: Scalar[];
  range?: { min?: number; max?: number };
  exclude: boolean;
}

const isScalar = (v: unknown): v is Scalar =>
  typeof v === "string" || (typeof v === "number" && Number.isFinite(v));

/** `filters[]` as the SDK's SearchFilter: a key and exactly one of value, values, range. */
function parseFilters(v: unknown): Filter[] {
  if (v === undefined) return [];
  if (!Array.isArray(v))
    throw badRequest("filters", "must be an array of {key, value|values|range, exclude?}");
  return v.map((f, i) => {
    const at = `filters[${i}]`;
    if (!isObject(f)) throw badRequest(at, "must be an object {key, value|values|range, exclude?}");
    for (const k of Object.keys(f)) {
      if (!["key", "value", "values", "range", "exclude"].includes(k)) {
        throw badRequest(
          `${at}.${k}`,
          "is not a filter field (known: key, value, values, range, exclude)",
        );
      }
    }
    if (typeof f.key !== "string" || f.key === "") {
      throw badRequest(
        `${at}.key`,
        "is required: name, description, tags or a custom metadata field",
      );
    }
    const given = ["value", "values", "range"].filter((k) => f[k] !== undefined);
    if (given.length !== 1) {
      throw badRequest(
        at,
        `must have exactly one of value, values, range (got ${given.length === 0 ? "none" : given.join(", ")})`,
      );
    }
    const out: Filter = { key: f.key, exclude: false };
    if (f.value !== undefined) {
      if (!isScalar(f.value)) throw badRequest(`${at}.value`, "must be a string or a number");
      out.value = f.value;
    }
    if (f.values !== undefined) {
      if (!Array.isArray(f.values) || f.values.length === 0 || !f.values.every(isScalar)) {
        throw badRequest(`${at}.values`, "must be a non-empty array of strings or numbers");
      }
      out.values = [...f.values];
    }
    if (f.range !== undefined) {
      const r = f.range;
      if (!isObject(r) || Object.keys(r).some((k) => k !== "min" && k !== "max")) {
        throw badRequest(`${at}.range`, "must be an object {min?, max?}");
      }
      for (const k of ["min", "max"] as const) {
        if (r[k] !== undefined && (typeof r[k] !== "number" || !Number.isFinite(r[k]))) {
          throw badRequest(`${at}.range.${k}`, "must be a number");
        }
      }
      const { min, max } = r as { min?: number; max?: number };
      if (min === undefined && max === undefined) {
        throw badRequest(`${at}.range`, "needs min, max or both");
      }
      if (min !== undefined && max !== undefined && min > max) {
        throw badRequest(`${at}.range`, `min ${min} is above max ${max}`);
      }
      out.range = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
    }
    if (f.exclude !== undefined) {
      if (typeof f.exclude !== "boolean") throw badRequest(`${at}.exclude`, "must be a boolean");
      out.exclude = f.exclude;
    }
    return out;
  });
}

/**
 * `values` are what the object holds under the filter's key (several for tags and
 * multi-valued custom metadata); the filter hits when any of them matches, and `exclude`
 * keeps exactly the objects it does not hit.
 */
export function filterMatches(values: readonly unknown[], f: Filter): boolean {
  const lower = (x: unknown) => (typeof x === "string" ? x.toLowerCase() : x);
  const hit = values.some((x) => {
    if (f.value !== undefined) return lower(x) === lower(f.value);
    if (f.values !== undefined) return f.values.map(lower).includes(lower(x));
    if (typeof x !== "number") return false;
    const { min, max } = f.range!;
    return (min === undefined || x >= min) && (max === undefined || x <= max);
  });
  return f.exclude ? !hit : hit;
}

// ---- paging -----------------------------------------------------------------------------------

/** Opaque to clients; `n` only makes a token unlike any earlier one for the same page. */
export function encodeToken(offset: number, nonce?: string): string {
  return Buffer.from(
    JSON.stringify(nonce === undefined ? { o: offset } : { o: offset, n: nonce }),
  ).toString("base64url");
}

export function decodeToken(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (isObject(parsed) && Number.isInteger(parsed.o) && (parsed.o as number) >= 0) {
      return parsed.o as number;
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest("next_token", "is not a token returned by a previous search");
}

export interface SearchPage<T> {
  has_more: boolean;
  next_token?: string;
  results: T[];
}

export function page<T>(hits: readonly T[], offset: number, limit: number): SearchPage<T> {
  const hasMore = offset + limit < hits.length;
  const out: SearchPage<T> = { has_more: hasMore, results: hits.slice(offset, offset + limit) };
  if (hasMore) out.next_token = encodeToken(offset + limit);
  return out;
}

/**
 * The page a `page-repeat-token` or `page-empty` fault answers instead of `answer`, for the
 * search `request` (already accepted, so its paging keys are valid).
 */
export function hostilePage(
  kind: "page-repeat-token" | "page-empty",
  answer: SearchPage<unknown>,
  request: unknown,
  nonce: string,
): SearchPage<unknown> {
  const body = isObject(request) ? request : {};
  const sent =
    typeof body.next_token === "string" && body.next_token !== "" ? body.next_token : undefined;
  const offset =
    sent !== undefined ? decodeToken(sent) : typeof body.offset === "number" ? body.offset : 0;
  if (kind === "page-empty") {
    return { has_more: true, next_token: encodeToken(offset, nonce), results: [] };
  }
  return { ...answer, has_more: true, next_token: sent ?? encodeToken(offset) };
}

// ---- data asset search ------------------------------------------------------------------------

/** `id` is the emulator's own extension; `tags` an alias of `tag`. */
const DATA_ASSET_FIELDS = [
  "name",
  "tag",
  "tags",
  "run_script",
  "commit_id",
  "contained_data_id",
  "id",
];

export interface SearchParams extends CommonSearchParams {
  terms: Term[];
  sortField: "created" | "type" | "name" | "size";
  type?: string;
  origin?: "internal" | "external";
}

export function parseSearch(raw: unknown): SearchParams {
  const [common, body] = parseCommon(raw, ["type", "origin"]);
  const out: SearchParams = {
    ...common,
    terms: tokenizeQuery(common.query, DATA_ASSET_FIELDS),
    sortField: oneOf(body, "sort_field", ["created", "type", "name", "size"]) ?? "created",
  };
  const type = oneOf(body, "type", ["dataset", "result", "combined", "model"]);
  if (type !== undefined) out.type = type;
  const origin = oneOf(body, "origin", ["internal", "external"]);
  if (origin !== undefined) out.origin = origin;
  return out;
}

export interface Searchable {
  wire: WireDataAsset;
  archived: boolean;
  favorite: boolean;
  /** Whether anyone but the owner has access (for ownership: private). */
  shared: boolean;
  /** Creation order; breaks ties so pagination is stable when `created` seconds collide. */
  seq: number;
}

/** Every text free text can find: name, tags, description and custom metadata values. */
function freeText(a: WireDataAsset): string[] {
  const custom = Object.values(a.custom_metadata).flatMap((v) => (Array.isArray(v) ? v : [v]));
  return [a.name, a.description, ...a.tags, ...custom.map(String)];
}

function termMatches(a: WireDataAsset, t: Term): boolean {
  const v = t.value.toLowerCase();
  switch (t.field) {
    case undefined:
      return freeText(a).some((text) => text.toLowerCase().includes(v));
    case "name":
      return textMatches(a.name, t);
    case "tag":
    case "tags":
      return a.tags.some((tag) => tag.toLowerCase() === v);
    case "run_script":
      return textMatches(a.provenance?.run_script, t);
    case "commit_id":
      return textMatches(a.provenance?.commit, t);
    case "contained_data_id":
      return (a.contained_data_assets ?? []).some((c) => c.id.toLowerCase() === v);
    case "id":
      return a.id.toLowerCase() === v;
    default:
      return false;
  }
}

function filterValues(a: WireDataAsset, key: string): unknown[] {
  if (key === "tags") return a.tags;
  if (key === "name") return [a.name];
  if (key === "description") return [a.description];
  const v = a.custom_metadata[key];
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

export function ownershipMatches(
  owner: string,
  shared: boolean,
  o: Ownership | undefined,
): boolean {
  const mine = owner === EMULATOR_USER.id;
  if (o === "created") return mine;
  if (o === "shared") return !mine;
  if (o === "private") return mine && !shared;
  return true;
}

function matches(item: Searchable, p: SearchParams): boolean {
  const a = item.wire;
  if (item.archived !== p.archived) return false;
  if (p.favorite && !item.favorite) return false;
  if (!ownershipMatches(a.owner, item.shared, p.ownership)) return false;
  if (p.type && a.type !== p.type) return false;
  if (p.origin && (p.origin === "external") !== a.source_bucket.external) return false;
  return (
    queryMatches(p.terms, (t) => termMatches(a, t)) &&
    p.filters.every((f) => filterMatches(filterValues(a, f.key), f))
  );
}

function compare(a: Searchable, b: Searchable, field: SearchParams["sortField"]): number {
  let c = 0;
  if (field === "name") c = a.wire.name.localeCompare(b.wire.name);
  else if (field === "type") c = a.wire.type.localeCompare(b.wire.type);
  else if (field === "size") c = (a.wire.size ?? 0) - (b.wire.size ?? 0);
  else c = a.wire.created - b.wire.created;
  return c !== 0 ? c : a.seq - b.seq;
}

export type SearchResult = SearchPage<WireDataAsset>;

export function runSearch(items: Searchable[], p: SearchParams): SearchResult {
  const sign = (p.sortOrder ?? "desc") === "asc" ? 1 : -1;
  const hits = items
    .filter((it) => matches(it, p))
    .sort((a, b) => sign * compare(a, b, p.sortField))
    .map((h) => h.wire);
  return page(hits, p.offset, p.limit);
}
