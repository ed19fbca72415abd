/**
 * What the client sends. The shapes are declared once, in the model (core/model): their
 * camelCase parameters here are derived from it, and so are their snake_case wire bodies
 * (declare/wire.ts). Snake_case never leaves the model's wire names, this file, schemas.ts
 * and client.ts.
 */
import type { Loose } from "../../declare/types";
import { toWire } from "../../declare/wire";
import {
  CreateDataAssetParams,
  CreateDataAssetRequest,
  UpdateDataAssetParams,
  UpdateDataAssetRequest,
} from "../model/dataAsset";
import { DataAssetPermissions, PermissionsInput } from "../model/dataAsset/sharing";
import type { SearchFilterValue } from "../model/search";

export type { CreateDataAssetParams, UpdateDataAssetParams };
export type SearchFilter = SearchFilterValue;

/**
 * The whole sharing of an asset (`users`, `groups` and `everyone` are required by Code Ocean);
 * roles as text, so that a sharing read back from Code Ocean can be posted again as it is.
 */
export type PermissionsParams = Loose<PermissionsInput>;

export interface SearchParams {
  query?: string;
  archived?: boolean;
  type?: string;
  /** `created` (by the token's user) or `shared` (with it); all it can see when absent. */
  ownership?: "created" | "shared";
  origin?: "internal" | "external";
  favorite?: boolean;
  filters?: SearchFilter[];
  sortField?: "created" | "type" | "name" | "size";
  sortOrder?: "asc" | "desc";
  /** Page size, at most 1000. */
  limit?: number;
}

/** Drops undefined keys so that the request body carries only what the caller set. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function createDataAssetToWire(p: CreateDataAssetParams): Record<string, unknown> {
  return toWire(CreateDataAssetRequest, p) as Record<string, unknown>;
}

export function updateDataAssetToWire(p: Partial<UpdateDataAssetParams>): Record<string, unknown> {
  return toWire(UpdateDataAssetRequest, p) as Record<string, unknown>;
}

/** `users`, `groups` and `everyone` are required: a POST states the whole sharing. */
export function permissionsToWire(p: PermissionsParams): Record<string, unknown> {
  return toWire(DataAssetPermissions, p) as Record<string, unknown>;
}

export function searchToWire(p: SearchParams, nextToken?: string): Record<string, unknown> {
  return defined({
    query: p.query,
    archived: p.archived,
    type: p.type,
    ownership: p.ownership,
    origin: p.origin,
    favorite: p.favorite,
    filters: p.filters?.map((f) =>
      defined({
        key: f.key,
        value: f.value,
        values: f.values,
        range: f.range && defined({ min: f.range.min, max: f.range.max }),
        exclude: f.exclude,
      }),
    ),
    sort_field: p.sortField,
    sort_order: p.sortOrder,
    limit: p.limit ?? 100,
    next_token: nextToken,
  });
}
