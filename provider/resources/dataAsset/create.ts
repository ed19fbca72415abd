/**
 * The steps of a DataAsset's life that talk to Code Ocean beyond single calls: the create
 * request, reconciling a create whose fate is unknown, and waiting until the asset is ready.
 */
import { CodeOceanClient } from "../../core/api/client";
import { nameQuery } from "../../core/api/search";
import { CodeOceanError, NotFoundError } from "../../core/api/errors";
import { outcomeUnknown } from "../../core/api/retry";
import type { CreateDataAssetParams } from "../../core/api/requests";
import type { DataAsset as RemoteAsset } from "../../core/api/schemas";
import type { ProviderRuntime } from "../../core/runtime";
import { Verdict, WaitLimit, WaitTimeoutError, waitUntil } from "../../core/waiter";
import { CreateRecovery, sameDeclaration } from "./recovery";
import { DataAssetInputs, gcpClientSecret } from "./table";

export function toCreateParams(inputs: DataAssetInputs): CreateDataAssetParams {
  const { aws, gcp, computation, cloudWorkstation, combined } = inputs.source ?? {};
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
          cloudWorkstation,
        },
    dataAssetIds: combined?.dataAssetIds,
    target: inputs.target,
    resultsInfo: inputs.resultsInfo,
  };
}

/**
 * Code Ocean has no idempotency key, so after a create whose fate is unknown (connection
 * reset, timeout, 5xx from a gateway, an unreadable body) the only way to know whether an
 * asset exists is to look: search for an asset matching this declaration (name, mount and
 * the rest Code Ocean echoes, see createRecovery.ts) created since just before the request. One match is this resource's asset and is taken over (so it is
 * never orphaned); none means nothing was created and the original error stands; several
 * cannot be told apart and are reported by id. This trusts search to be consistent within
 * seconds: nothing better exists without an idempotency key.
 */
export async function reconcileCreate(
  client: CodeOceanClient,
  recovery: CreateRecovery,
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
    for await (const a of client.searchDataAssets(
      {
        query: nameQuery(inputs.name),
        sortField: "created",
        sortOrder: "desc",
        limit: 100,
      },
      { onUnreadable: () => undefined },
    )) {
      if (a.created < since) break;
      // Assets this process knows as the stack's (a sibling's, a taken-over one) are not candidates.
      if (!recovery.isKnown(a.id) && sameDeclaration(inputs, a)) matches.push(a);
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
      `Code Ocean reports data asset "${asset.name}" (id ${asset.id}) in state "${asset.state}", which this provider does not know (it knows draft, ready and failed), so it cannot tell whether the asset is usable. ` +
        "The asset is kept in the stack; the next `pulumi up` looks at it again and carries on once Code Ocean reports ready. If the state stays, check the asset in Code Ocean, and look for a newer pulumi-codeocean that knows it.",
    ),
  };
}

/**
 * Waits until the asset is ready; `observe` sees every state read, for a partial failure.
 *
 * Code Ocean has been seen to answer 404 for a fresh asset for a while after accepting the
 * create (shared/codeocean-api.md, Readiness): until a GET has shown the asset, a 404 means
 * "not visible yet" and the wait goes on within its deadline. Once the asset has been seen, a
 * 404 means it vanished only if a second look confirms it.
 */
export function waitForReady(
  rt: ProviderRuntime,
  asset: { id: string; name: string },
  known: RemoteAsset,
  limit: WaitLimit,
  startedAt: number,
  observe: (a: RemoteAsset) => void,
): Promise<RemoteAsset> {
  let seen = false;
  let invisible = false;
  let last = known;
  const poll = async (): Promise<RemoteAsset> => {
    try {
      last = await rt.client.getDataAsset(asset.id);
      seen = true;
      invisible = false;
      return last;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      if (!seen) {
        invisible = true;
        return last;
      }
      const again = await rt.client.findDataAsset(asset.id);
      if (again) return (last = again);
      throw error.withNextStep(
        `Data asset "${asset.name}" (id ${asset.id}) was deleted while Pulumi waited for it (confirmed by a second look). It is recorded in the stack with this error; \`pulumi refresh\` drops it, and the next \`pulumi up\` creates it again.`,
      );
    }
  };
  return waitUntil<RemoteAsset>({
    initial: known,
    poll,
    verdict: readinessVerdict,
    observe,
    startedAt,
    timeoutMs: limit.seconds * 1000,
    signal: rt.cancelled,
    schedule: rt.schedules.asset,
    estimate: rt.readiness,
    onTimeout: (latest, waitedMs) =>
      new WaitTimeoutError(
        invisible
          ? `Code Ocean accepted data asset "${asset.name}" (id ${asset.id}) but has not shown it since: GET still answers 404 after ${Math.round(waitedMs / 1000)} s (${limit.setBy}: ${limit.seconds}). ` +
              "It is recorded in the stack; the next `pulumi up` looks for it again. Do not delete it from the stack: it may still appear."
          : `Data asset "${asset.name}" (id ${asset.id}) is still in state ${latest?.state ?? "draft"} after ${Math.round(waitedMs / 1000)} s (${limit.setBy}: ${limit.seconds}). ` +
              `It is recorded in the stack; the next \`pulumi up\` resumes waiting. Raise ${limit.setBy} for large imports, or set waitForReady: false.`,
        waitedMs,
      ),
  });
}
