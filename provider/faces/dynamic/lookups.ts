/**
 * Looking up data assets from a Pulumi program, e.g. one another team made:
 * `dataAssetId: (await getDataAsset({ name: "GRCh38 reference" })).id`. These run in the
 * program (also at preview — that is their point), configured like the provider: the
 * program's stack config (`codeocean:domain`, secret `codeocean:token`), then the
 * environment. They go through the same client (retries, throttle, redaction), and each
 * distinct query is sent once per program run. What they do is resources/lookups; this is
 * the program's face of it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CodeOceanError } from "../../core/api/errors";
import { configFingerprint, ConfigSource } from "../../core/config";
import { current, hold } from "../../core/holder";
import { ProviderRuntime } from "../../core/runtime";
import * as lookups from "../../resources/lookups";
import {
  GetDataAssetArgs,
  SearchDataAssetsArgs as SearchArgs,
} from "../../resources/lookups/declaration";
import type { DataAssetInfo, SearchDataAssetsArgs, SearchFilter } from "../types.generated";

export type { DataAssetInfo, SearchDataAssetsArgs, SearchFilter };

/** One asset, by id or by its exact name. */
export type DataAssetLookup = { id: string; name?: never } | { name: string; id?: never };

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
  let valid: lookups.SearchDataAssetsArgs;
  try {
    valid = lookups.checked("searchDataAssets", SearchArgs, args);
  } catch (error) {
    return Promise.reject(error);
  }
  return once({ search: args }, (rt) => lookups.searchDataAssets(rt, valid));
}

/** One data asset, by id or by exact name (which must match exactly one live asset). */
export function getDataAsset(lookup: DataAssetLookup): Promise<DataAssetInfo> {
  try {
    lookups.checked("getDataAsset", GetDataAssetArgs, lookup);
  } catch (error) {
    return Promise.reject(error);
  }
  if (lookup.id !== undefined) {
    const id = lookup.id;
    return once({ id }, (rt) => lookups.getDataAssetById(rt, id));
  }
  // By name: the search for that name, the same question answered once.
  const name = lookup.name;
  return searchDataAssets({ name }).then((matches) => lookups.onlyOne(name, matches));
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
