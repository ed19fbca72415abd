/**
 * Looking up data assets from a Pulumi program, e.g. one another team made:
 * `dataAssetId: (await getDataAsset({ name: "GRCh38 reference" })).id`. These run in the
 * program (also at preview — that is their point), configured like the provider: the
 * program's stack config (`codeocean:domain`, secret `codeocean:token`), then the
 * environment. They go through the same client (retries, throttle, redaction), and each
 * distinct query is sent once per program run.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { nameQuery } from "../../core/api/client";
import { AssetBasics, NO_SOURCE_BUCKET, assetBasics } from "../../resources/dataAsset/view";
import { CodeOceanError } from "../../core/api/errors";
import type { DataAsset, Provenance, SourceBucket } from "../../core/api/schemas";
import { configFingerprint, ConfigSource } from "../../core/config";
import { current, hold } from "../../core/holder";
import { ProviderRuntime } from "../../core/runtime";
import { validate } from "../../declare/validate";

/** A data asset as a lookup returns it. */
export interface DataAssetInfo extends AssetBasics {
  /** Creation time, epoch seconds. */
  created: number;
  /** Size in bytes; -1 while unknown. */
  size: number;
  /** Number of files; -1 while unknown. */
  files: number;
  /** Owner's user id. */
  owner: string;
  /** Whether the files stay in the customer's bucket. */
  external: boolean;
  /** Where Code Ocean says the data lives (`origin` `""` when it does not say). */
  sourceBucket: SourceBucket;
  /** For results: where they came from. */
  provenance: Provenance;
}

/** One asset, by id or by its exact name. */
export type DataAssetLookup = { id: string; name?: never } | { name: string; id?: never };

/** A field-level filter of a search (Code Ocean's `filters`). */
export interface SearchFilter {
  /** `name`, `description`, `tags`, or a custom metadata field's name. */
  key: string;
  /** The field has this value (for a list field: among its values). Exactly one of value, values, range. */
  value?: string | number;
  /** The field has one of these values. */
  values?: (string | number)[];
  /** A number field within this range (inclusive; either end may be left out). */
  range?: { min?: number; max?: number };
  /** Invert the filter: assets that do not match it. Default `false`. */
  exclude?: boolean;
}

export interface SearchDataAssetsArgs {
  /**
   * Code Ocean's search syntax: fields `name:`, `tag:`, `run_script:`, `commit_id:`,
   * `contained_data_id:` (the same field repeated means OR, different fields AND; quotes for an
   * exact phrase) and free text over names, tags, descriptions and custom metadata, e.g.
   * `'tag:ephys tag:imaging name:"mouse 42"'`.
   */
  query?: string;
  /** Exactly this name. */
  name?: string;
  /** Every one of these tags. */
  tags?: string[];
  /** `dataset`, `result`, `combined` or `model`. */
  type?: "dataset" | "result" | "combined" | "model";
  /** Archived assets instead of live ones. Default `false`. */
  archived?: boolean;
  /** These custom metadata values (for a field with several values: among them). */
  customMetadata?: Record<string, string | number>;
  /** `internal` (files in Code Ocean) or `external` (files left in your bucket). */
  origin?: "internal" | "external";
  /** `created` (by the token's user) or `shared` (with it); default: every asset it can see. */
  ownership?: "created" | "shared";
  /** Only the token's user's favorites. */
  favorite?: boolean;
  /** Field-level filters: value, values or range, optionally excluded. */
  filters?: SearchFilter[];
  /** Sort by `created`, `type`, `name` or `size` (Code Ocean's default: created, newest first). */
  sortField?: "created" | "type" | "name" | "size";
  /** `asc` or `desc`; needs sortField. */
  sortOrder?: "asc" | "desc";
  /** At most this many results. Default: all. */
  limit?: number;
}

const enumOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values, { error: `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}` });
const FilterSchema = z
  .strictObject({
    key: z.string().min(1, "must name a field: name, description, tags or a custom metadata field"),
    value: z.union([z.string(), z.number()]).optional(),
    values: z
      .array(z.union([z.string(), z.number()]))
      .min(1, "must not be empty")
      .optional(),
    range: z
      .strictObject({ min: z.number().optional(), max: z.number().optional() })
      .refine((r) => r.min !== undefined || r.max !== undefined, "needs min, max or both")
      .optional(),
    exclude: z.boolean().optional(),
  })
  .refine(
    (f) => [f.value, f.values, f.range].filter((x) => x !== undefined).length === 1,
    "needs exactly one of value, values and range",
  );
/** What searchDataAssets accepts, checked before any call. */
const SearchArgsSchema = z
  .strictObject({
    query: z.string().optional(),
    name: z.string().optional(),
    tags: z.array(z.string()).optional(),
    type: enumOf(["dataset", "result", "combined", "model"]).optional(),
    archived: z.boolean().optional(),
    customMetadata: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    origin: enumOf(["internal", "external"]).optional(),
    ownership: enumOf(["created", "shared"]).optional(),
    favorite: z.boolean().optional(),
    filters: z.array(FilterSchema).optional(),
    sortField: enumOf(["created", "type", "name", "size"]).optional(),
    sortOrder: enumOf(["asc", "desc"]).optional(),
    limit: z.number().int("must be a whole number").min(1, "must be 1 or more").optional(),
  })
  .refine((a) => a.sortOrder === undefined || a.sortField !== undefined, {
    path: ["sortOrder"],
    message: "needs sortField: say what to sort by",
  });

/** Whether an asset's custom metadata value is (or, for a list, holds) `wanted`. */
const holds = (value: unknown, wanted: string | number) =>
  Array.isArray(value) ? value.includes(wanted) : value === wanted;

function info(a: DataAsset): DataAssetInfo {
  return {
    ...assetBasics(a),
    created: a.created,
    size: a.size,
    files: a.files,
    owner: a.owner,
    external: a.sourceBucket?.external ?? false,
    sourceBucket: a.sourceBucket ?? NO_SOURCE_BUCKET,
    provenance: a.provenance,
  };
}

/** The program's stack config, as the host hands it to `configure`. */
const stackConfig: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };

/**
 * The program's one runtime and query cache, in the holder, rebuilt when the configuration
 * changes or a new program run begins: an Automation API process runs the program many times,
 * and each run (each preview or up) must ask Code Ocean afresh. A run is told by its resource
 * monitor, which the SDK creates anew for each.
 */
interface Session {
  fingerprint: string;
  run: unknown;
  runtime: ProviderRuntime;
  answers: Map<string, Promise<unknown>>;
}

function session(): Session {
  const fingerprint = configFingerprint(stackConfig);
  const run = pulumi.runtime.getMonitor?.();
  const s = current<Session>("program");
  if (s && s.fingerprint === fingerprint && s.run === run) return s;
  const fresh = { fingerprint, run, runtime: new ProviderRuntime(stackConfig), answers: new Map() };
  return hold("program", run, fresh, (old) => old.runtime.close());
}

/** The same question whatever its key order (tag order does not matter either). */
function canonicalQuestion(question: unknown): string {
  return JSON.stringify(question, (k, v) => {
    if (k === "tags" && Array.isArray(v)) return [...v].sort();
    if (v && typeof v === "object" && !Array.isArray(v))
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
    return v;
  });
}

/** Each distinct question once per program run; a failed one is asked again next time. */
function once<T>(question: unknown, ask: (rt: ProviderRuntime) => Promise<T>): Promise<T> {
  const s = session();
  const key = canonicalQuestion(question);
  let answer = s.answers.get(key) as Promise<T> | undefined;
  if (!answer) {
    answer = ask(s.runtime).catch((error: unknown) => {
      s.answers.delete(key);
      throw error instanceof CodeOceanError ? error : new CodeOceanError(String(error));
    });
    s.answers.set(key, answer);
  }
  return answer;
}

/** Data assets matching every criterion given (live ones unless `archived: true`). */
export function searchDataAssets(args: SearchDataAssetsArgs = {}): Promise<DataAssetInfo[]> {
  const checked = validate(SearchArgsSchema, args as Record<string, unknown>);
  if (!checked.ok) {
    return Promise.reject(
      new CodeOceanError(
        `searchDataAssets: ${checked.failures.map((f) => `${f.property} ${f.reason}`).join("; ")}.`,
      ),
    );
  }
  return once({ search: args }, async (rt) => {
    const terms = [
      ...(args.name !== undefined ? [nameQuery(args.name)] : []),
      ...(args.tags ?? []).map((t) => `tag:"${t}"`),
      ...(args.query ? [args.query] : []),
    ];
    const wanted = Object.entries(args.customMetadata ?? {});
    const found: DataAssetInfo[] = [];
    const unreadable: string[] = [];
    for await (const a of rt.client.searchDataAssets(
      {
        query: terms.join(" ") || undefined,
        archived: args.archived ?? false,
        type: args.type,
        origin: args.origin,
        ownership: args.ownership,
        favorite: args.favorite,
        filters: [...wanted.map(([key, value]) => ({ key, value })), ...(args.filters ?? [])],
        sortField: args.sortField,
        sortOrder: args.sortOrder,
        limit: Math.min(1000, args.limit ?? 100),
      },
      { onUnreadable: (r) => unreadable.push(r.id ?? "(without an id)"), wanted: args.limit },
    )) {
      // Search is fuzzy; what was asked for exactly is checked here.
      if (args.name !== undefined && a.name !== args.name) continue;
      if (args.tags && !args.tags.every((t) => a.tags.includes(t))) continue;
      if (args.type !== undefined && a.type !== args.type) continue;
      if (!wanted.every(([k, v]) => holds(a.customMetadata[k], v))) continue;
      found.push(info(a));
      if (args.limit !== undefined && found.length >= args.limit) break;
    }
    if (unreadable.length && !found.length) {
      throw new CodeOceanError(
        `searchDataAssets: found nothing this version of pulumi-codeocean can read; Code Ocean also returned ${unreadable.length} result(s) it cannot (ids ${unreadable.slice(0, 10).join(", ")}). A newer pulumi-codeocean may read them.`,
      );
    }
    return found;
  });
}

/** One data asset, by id or by exact name (which must match exactly one live asset). */
export function getDataAsset(lookup: DataAssetLookup): Promise<DataAssetInfo> {
  if (lookup.id !== undefined) {
    const id = lookup.id;
    return once({ id }, async (rt) => {
      // A lookup concludes nothing from a 404 but that it failed: one look is enough.
      const asset = await rt.client.findDataAsset(id, { confirm: false });
      if (!asset) {
        throw new CodeOceanError(
          `getDataAsset: no data asset with id ${id} (HTTP 404), or the token cannot see it. Check the id in Code Ocean.`,
        );
      }
      return info(asset);
    });
  }
  const name = lookup.name;
  return searchDataAssets({ name }).then((matches) => {
    if (matches.length === 1) return matches[0];
    throw new CodeOceanError(
      matches.length === 0
        ? `getDataAsset: no live data asset is named "${name}". Check the name (it must match exactly), or look it up by id.`
        : `getDataAsset: ${matches.length} live data assets are named "${name}" (ids ${matches.map((m) => m.id).join(", ")}); look one up by id instead.`,
    );
  });
}

/** `getDataAsset` for inputs that are Outputs. */
export function getDataAssetOutput(
  lookup: pulumi.Input<{ id: pulumi.Input<string> } | { name: pulumi.Input<string> }>,
): pulumi.Output<DataAssetInfo> {
  return pulumi.output(lookup).apply((l) => getDataAsset(l as DataAssetLookup));
}

/** `searchDataAssets` for inputs that are Outputs. */
export function searchDataAssetsOutput(
  args: pulumi.Input<SearchDataAssetsArgs> = {},
): pulumi.Output<DataAssetInfo[]> {
  return pulumi.output(args).apply((a) => searchDataAssets(a as SearchDataAssetsArgs));
}
