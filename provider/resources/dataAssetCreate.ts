/**
 * The steps of a DataAsset's life that talk to Code Ocean beyond single calls: the create
 * request, reconciling a create whose fate is unknown, and waiting until the asset is ready.
 */
import { CodeOceanClient, nameQuery } from "../api/client";
import { CodeOceanError } from "../api/errors";
import { outcomeUnknown } from "../api/retry";
import type { CreateDataAssetParams } from "../api/requests";
import type { DataAsset as RemoteAsset } from "../api/schemas";
import type { ProviderRuntime } from "../providerRuntime";
import { Verdict, WaitTimeoutError, waitUntil } from "../waiter";
import { DataAssetInputs, gcpClientSecret } from "./dataAssetSchema";

export function toCreateParams(inputs: DataAssetInputs): CreateDataAssetParams {
  const { aws, gcp, computation, combined } = inputs.source ?? {};
  return {
    name: inputs.name,
    mount: inputs.mount,
    tags: inputs.tags,
    description: inputs.description,
    customMetadata: Object.keys(inputs.customMetadata).length ? inputs.customMetadata : undefined,
    // A combined asset has no source: Code Ocean takes the ids of the assets it joins.
    source: combined
      ? undefined
      : {
          aws,
          gcp: gcp && {
            bucket: gcp.bucket,
            prefix: gcp.prefix || undefined,
            clientId: gcp.clientId || undefined,
            clientSecret: gcpClientSecret(inputs) || undefined,
          },
          computation: computation && { id: computation.id, path: computation.path || undefined },
        },
    dataAssetIds: combined?.dataAssetIds,
    target: inputs.target,
    resultsInfo: inputs.resultsInfo,
  };
}

/**
 * Code Ocean has no idempotency key, so after a create whose fate is unknown (connection
 * reset, timeout, 5xx from a gateway, an unreadable body) the only way to know whether an
 * asset exists is to look: search for an asset with this exact name and mount created since
 * just before the request. One match is this resource's asset and is taken over (so it is
 * never orphaned); none means nothing was created and the original error stands; several
 * cannot be told apart and are reported by id. This trusts search to be consistent within
 * seconds: nothing better exists without an idempotency key.
 */
export async function reconcileCreate(
  client: CodeOceanClient,
  error: unknown,
  inputs: DataAssetInputs,
  startedMs: number,
): Promise<RemoteAsset> {
  if (!outcomeUnknown(error)) throw error;
  const message = error instanceof Error ? error.message : String(error);
  // Clock skew between this machine and Code Ocean: look five minutes further back.
  const since = Math.floor(startedMs / 1000) - 300;
  const matches: RemoteAsset[] = [];
  try {
    for await (const a of client.searchDataAssets({
      query: nameQuery(inputs.name),
      sortField: "created",
      sortOrder: "desc",
      limit: 100,
    })) {
      if (a.created < since) break;
      if (a.name === inputs.name && a.mount === inputs.mount) matches.push(a);
    }
  } catch (searchError) {
    throw new CodeOceanError(
      `${message} Whether Code Ocean created data asset "${inputs.name}" is unknown, and searching for it failed too (${String(searchError)}). ` +
        `Before running \`pulumi up\` again, search Code Ocean for assets named "${inputs.name}" created just now, and adopt one with adoptExistingId or archive it.`,
    );
  }
  // The search result is a full asset: a further GET could fail and leave it unrecorded.
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new CodeOceanError(
      `${message} No data asset named "${inputs.name}" was created (checked by search), so nothing is orphaned; run \`pulumi up\` again.`,
    );
  }
  throw new CodeOceanError(
    `${message} Several data assets named "${inputs.name}" with mount "${inputs.mount}" were created just now (ids ${matches.map((m) => m.id).join(", ")}); ` +
      "the provider cannot tell which one is this resource's. Set adoptExistingId to the right one and archive the others.",
  );
}

export function readinessVerdict(asset: RemoteAsset): Verdict {
  if (asset.state === "ready") return { done: true };
  if (asset.state === "draft") return { done: false };
  if (asset.state === "failed")
    return {
      error: new CodeOceanError(
        `Code Ocean could not create data asset "${asset.name}" (id ${asset.id}): ${asset.failureReason || "no reason given"}. ` +
          "The asset is kept in the stack; fix the cause (e.g. the bucket's permissions or path) and run `pulumi up` again: it replaces the failed asset.",
      ),
    };
  return {
    error: new CodeOceanError(
      `Data asset "${asset.name}" (id ${asset.id}) is in state "${asset.state}", which this provider does not know. Upgrade pulumi-codeocean.`,
    ),
  };
}

/** Waits until the asset is ready; `observe` sees every state read, for a partial failure. */
export function waitForReady(
  rt: ProviderRuntime,
  asset: RemoteAsset,
  timeoutSeconds: number,
  startedAt: number,
  observe: (a: RemoteAsset) => void,
): Promise<RemoteAsset> {
  return waitUntil<RemoteAsset>({
    initial: asset,
    poll: () => rt.client.getDataAsset(asset.id),
    verdict: readinessVerdict,
    observe,
    startedAt,
    timeoutMs: timeoutSeconds * 1000,
    schedule: rt.schedules.asset,
    estimate: rt.readiness,
    onTimeout: (last, waitedMs) =>
      new WaitTimeoutError(
        `Data asset "${asset.name}" (id ${asset.id}) is still in state ${last?.state ?? "draft"} after ${Math.round(waitedMs / 1000)} s (readyTimeoutSeconds: ${timeoutSeconds}). ` +
          "It is recorded in the stack; the next `pulumi up` resumes waiting. Raise readyTimeoutSeconds for large imports, or set waitForReady: false.",
        waitedMs,
      ),
  });
}
