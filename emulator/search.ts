import { badRequest } from "./reply";
import type { WireDataAsset } from "./types";
import { isObject, requireObject } from "./validate";

interface Term {
  field: "name" | "tag" | "id" | "text";
  value: string;
  /** Quoted values match whole names/tags instead of substrings. */
  exact: boolean;
}

interface Filter {
  key: string;
  value?: unknown;
  values?: unknown[];
  range?: { min?: number; max?: number };
  exclude: boolean;
}

export interface SearchParams {
  terms: Term[];
  offset: number;
  limit: number;
  sortField: "created" | "type" | "name" | "size";
  sortOrder: "asc" | "desc";
  archived: boolean;
  type?: string;
  origin?: "internal" | "external";
  favorite: boolean;
  filters: Filter[];
}

export interface Searchable {
  wire: WireDataAsset;
  archived: boolean;
  /** Creation order; breaks ties so pagination is stable when `created` seconds collide. */
  seq: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const FIELD_KEYS: Record<string, Term["field"]> = {
  name: "name",
  tag: "tag",
  tags: "tag",
  id: "id",
};

export function tokenizeQuery(query: string): Term[] {
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
    if (key && FIELD_KEYS[key[1].toLowerCase()]) {
      i += key[0].length;
      const { value, exact } = readValue();
      if (value !== "") terms.push({ field: FIELD_KEYS[key[1].toLowerCase()], value, exact });
      continue;
    }
    // A bare quoted phrase is still a substring match: quotes only keep its words together.
    const { value } = readValue();
    if (value !== "") terms.push({ field: "text", value, exact: false });
  }
  return terms;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

function decodeToken(token: string): number {
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

function optInt(body: Record<string, unknown>, key: string, min: number, max: number) {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw badRequest(key, `must be an integer between ${min} and ${max}`);
  }
  return v;
}

function oneOf<T extends string>(body: Record<string, unknown>, key: string, allowed: T[]) {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw badRequest(key, `must be one of ${allowed.join(", ")}`);
  }
  return v as T;
}

function optBool(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw badRequest(key, "must be a boolean");
  return v;
}

function parseFilters(v: unknown): Filter[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw badRequest("filters", "must be an array");
  return v.map((f, i) => {
    if (!isObject(f) || typeof f.key !== "string") {
      throw badRequest(`filters[${i}].key`, "is required");
    }
    if (f.values !== undefined && !Array.isArray(f.values)) {
      throw badRequest(`filters[${i}].values`, "must be an array");
    }
    if (f.range !== undefined && !isObject(f.range)) {
      throw badRequest(`filters[${i}].range`, "must be an object {min, max}");
    }
    return {
      key: f.key,
      value: f.value,
      values: f.values as unknown[] | undefined,
      range: f.range as Filter["range"],
      exclude: f.exclude === true,
    };
  });
}

export function parseSearch(raw: unknown): SearchParams {
  const body = raw === undefined ? {} : requireObject(raw);
  const query = body.query;
  if (query !== undefined && typeof query !== "string")
    throw badRequest("query", "must be a string");
  const nextToken = body.next_token;
  if (nextToken !== undefined && typeof nextToken !== "string") {
    throw badRequest("next_token", "must be a string");
  }
  const offset =
    nextToken !== undefined && nextToken !== ""
      ? decodeToken(nextToken)
      : (optInt(body, "offset", 0, Number.MAX_SAFE_INTEGER) ?? 0);
  return {
    terms: tokenizeQuery(query ?? ""),
    offset,
    limit: optInt(body, "limit", 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
    sortField: oneOf(body, "sort_field", ["created", "type", "name", "size"]) ?? "created",
    sortOrder: oneOf(body, "sort_order", ["asc", "desc"]) ?? "desc",
    archived: optBool(body, "archived") ?? false,
    type: oneOf(body, "type", ["dataset", "result", "combined", "model"]),
    origin: oneOf(body, "origin", ["internal", "external"]),
    favorite: optBool(body, "favorite") ?? false,
    filters: parseFilters(body.filters),
  };
}

function termMatches(a: WireDataAsset, t: Term): boolean {
  const v = t.value.toLowerCase();
  switch (t.field) {
    case "id":
      return a.id.toLowerCase() === v;
    case "tag":
      return a.tags.some((tag) => tag.toLowerCase() === v);
    case "name":
      return t.exact ? a.name.toLowerCase() === v : a.name.toLowerCase().includes(v);
    case "text":
      return a.name.toLowerCase().includes(v);
  }
}

function filterMatches(a: WireDataAsset, f: Filter): boolean {
  const raw = f.key === "tags" ? a.tags : a.custom_metadata[f.key];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const lower = (x: unknown) => (typeof x === "string" ? x.toLowerCase() : x);
  const hit = values.some((x) => {
    if (f.value !== undefined && lower(x) !== lower(f.value)) return false;
    if (f.values !== undefined && !f.values.map(lower).includes(lower(x))) return false;
    if (f.range !== undefined) {
      if (typeof x !== "number") return false;
      if (typeof f.range.min === "number" && x < f.range.min) return false;
      if (typeof f.range.max === "number" && x > f.range.max) return false;
    }
    return true;
  });
  return f.exclude ? !hit : hit;
}

function matches(item: Searchable, p: SearchParams): boolean {
  const a = item.wire;
  if (item.archived !== p.archived) return false;
  // Nothing is ever favourited in the emulator.
  if (p.favorite) return false;
  if (p.type && a.type !== p.type) return false;
  if (p.origin && (p.origin === "external") !== a.source_bucket.external) return false;
  return p.terms.every((t) => termMatches(a, t)) && p.filters.every((f) => filterMatches(a, f));
}

function compare(a: Searchable, b: Searchable, field: SearchParams["sortField"]): number {
  let c = 0;
  if (field === "name") c = a.wire.name.localeCompare(b.wire.name);
  else if (field === "type") c = a.wire.type.localeCompare(b.wire.type);
  else if (field === "size") c = (a.wire.size ?? 0) - (b.wire.size ?? 0);
  else c = a.wire.created - b.wire.created;
  return c !== 0 ? c : a.seq - b.seq;
}

export interface SearchResult {
  has_more: boolean;
  next_token?: string;
  results: WireDataAsset[];
}

export function runSearch(items: Searchable[], p: SearchParams): SearchResult {
  const sign = p.sortOrder === "asc" ? 1 : -1;
  const hits = items
    .filter((it) => matches(it, p))
    .sort((a, b) => sign * compare(a, b, p.sortField));
  const page = hits.slice(p.offset, p.offset + p.limit);
  const hasMore = p.offset + p.limit < hits.length;
  const out: SearchResult = { has_more: hasMore, results: page.map((h) => h.wire) };
  if (hasMore) out.next_token = encodeToken(p.offset + p.limit);
  return out;
}
