/**
 * What `CapsuleAttachment` does, run inside the Pulumi provider host (reached through
 * `require("pulumi-codeocean/runtime")`, like DataAsset).
 *
 * Code Ocean has no endpoint that lists a capsule's attached data assets, so `read` can
 * confirm that the capsule (or pipeline) and the data asset still exist, not that the
 * attachment itself does.
 */
import { z } from "zod";
import type { TargetKind } from "../api/client";
import { CodeOceanError, NotFoundError } from "../api/errors";
import { outcomeUnknown } from "../api/retry";
import type { AttachResult } from "../api/schemas";
import { getClient, pollSchedules } from "../config";
import { AttachWaitError, targetQueue } from "./attachQueue";
import {
  CheckFailure,
  codeOceanId,
  containsUnknown,
  mountName,
  parseChecked as parseValid,
  readyTimeoutSeconds,
  typeError,
  validate,
} from "./inputs";
import { PartialFailure, PROVIDER_KEY, withProvider } from "./partialFailure";

export const CapsuleAttachmentInputsSchema = z
  .strictObject({
    capsuleId: codeOceanId("capsule").optional(),
    pipelineId: codeOceanId("pipeline").optional(),
    dataAssetId: codeOceanId("data asset"),
    mount: mountName.optional(),
    waitForReady: z.boolean({ error: typeError("true or false") }).default(true),
    readyTimeoutSeconds: readyTimeoutSeconds.default(600),
  })
  .superRefine((v, ctx) => {
    if (containsUnknown(v.capsuleId) || containsUnknown(v.pipelineId)) return;
    if (v.capsuleId === undefined && v.pipelineId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["capsuleId"],
        message: "is required: give capsuleId or pipelineId (exactly one)",
      });
    } else if (v.capsuleId !== undefined && v.pipelineId !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["pipelineId"],
        message:
          "cannot be given together with capsuleId: declare one CapsuleAttachment per capsule or pipeline",
      });
    }
  });

export type CapsuleAttachmentInputs = z.output<typeof CapsuleAttachmentInputsSchema>;

export interface CapsuleAttachmentOutputs {
  capsuleId: string;
  pipelineId: string;
  dataAssetId: string;
  /** The effective mount: the one given, or the data asset's own. */
  mount: string;
  targetKind: TargetKind;
  ready: boolean;
  external: boolean;
  waitForReady: boolean;
  readyTimeoutSeconds: number;
}

/** The id says everything read and delete need: `capsule:<capsule id>:<data asset id>`. */
export function attachmentId(kind: TargetKind, targetId: string, assetId: string): string {
  return `${kind}:${targetId}:${assetId}`;
}

export function parseAttachmentId(id: string): {
  kind: TargetKind;
  targetId: string;
  assetId: string;
} {
  const [kind, targetId, assetId, ...rest] = id.split(":");
  if ((kind !== "capsule" && kind !== "pipeline") || !targetId || !assetId || rest.length) {
    throw new CodeOceanError(
      `"${id}" is not a CapsuleAttachment id; expected capsule:<capsule id>:<data asset id> or pipeline:<pipeline id>:<data asset id>`,
    );
  }
  return { kind, targetId, assetId };
}

function targetOf(inputs: CapsuleAttachmentInputs): { kind: TargetKind; targetId: string } {
  return inputs.capsuleId
    ? { kind: "capsule", targetId: inputs.capsuleId }
    : { kind: "pipeline", targetId: inputs.pipelineId! };
}

export function toOutputs(
  inputs: CapsuleAttachmentInputs,
  result: AttachResult,
): CapsuleAttachmentOutputs {
  const { kind } = targetOf(inputs);
  return {
    capsuleId: inputs.capsuleId ?? "",
    pipelineId: inputs.pipelineId ?? "",
    dataAssetId: inputs.dataAssetId,
    mount: result.mount || inputs.mount || "",
    targetKind: kind,
    ready: result.ready,
    external: result.external,
    waitForReady: inputs.waitForReady,
    readyTimeoutSeconds: inputs.readyTimeoutSeconds,
  };
}

/**
 * Any change of target, asset or an explicitly given mount replaces, deleting first: one
 * asset cannot be attached twice to the same capsule. Settings change nothing remote.
 * An omitted mount means "the asset's own", so it never triggers a replace by itself.
 */
export function diffCapsuleAttachment(
  olds: Partial<CapsuleAttachmentOutputs>,
  news: Record<string, unknown>,
) {
  const replaces: string[] = [];
  const changed = (k: "capsuleId" | "pipelineId" | "dataAssetId") =>
    containsUnknown(news[k]) || (olds[k] ?? "") !== ((news[k] as string | undefined) ?? "");
  for (const k of ["capsuleId", "pipelineId", "dataAssetId"] as const)
    if (changed(k)) replaces.push(k);
  if (news.mount !== undefined && (containsUnknown(news.mount) || news.mount !== olds.mount))
    replaces.push("mount");
  const settings =
    olds.waitForReady !== (news.waitForReady ?? true) ||
    olds.readyTimeoutSeconds !== (news.readyTimeoutSeconds ?? 600);
  const notReady = olds.ready === false && (news.waitForReady ?? true) === true;
  return {
    changes: replaces.length > 0 || settings || notReady,
    replaces,
    deleteBeforeReplace: replaces.length > 0,
  };
}

type Props = Record<string, unknown>;

const parseChecked = (news: Props): CapsuleAttachmentInputs =>
  parseValid(CapsuleAttachmentInputsSchema, news, "CapsuleAttachment");

async function attach(
  inputs: CapsuleAttachmentInputs,
  id: string,
  provider: unknown,
): Promise<CapsuleAttachmentOutputs> {
  const { kind, targetId } = targetOf(inputs);
  try {
    const result = await targetQueue(getClient(), kind, targetId, pollSchedules().attach).attach(
      inputs.dataAssetId,
      inputs.mount,
      inputs.waitForReady,
      inputs.readyTimeoutSeconds,
    );
    return toOutputs(inputs, result);
  } catch (error) {
    if (error instanceof AttachWaitError) {
      throw new PartialFailure(
        error,
        id,
        withProvider(toOutputs(inputs, error.last) as unknown as Props, provider),
      );
    }
    // The attach may have been processed (a reset, a timeout, an unreadable answer): record
    // the attachment as not ready, so the next `up` re-posts it (idempotent) instead of
    // leaving an attachment Pulumi does not know about.
    if (outcomeUnknown(error)) {
      const unknown = {
        id: inputs.dataAssetId,
        mount: inputs.mount ?? "",
        ready: false,
        external: false,
      };
      throw new PartialFailure(
        error,
        id,
        withProvider(toOutputs(inputs, unknown) as unknown as Props, provider),
      );
    }
    throw error;
  }
}

export const capsuleAttachmentProvider = {
  async check(_olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const { [PROVIDER_KEY]: provider, ...raw } = news;
    const result = validate(CapsuleAttachmentInputsSchema, raw);
    if (!result.ok) return { inputs: news, failures: result.failures };
    return { inputs: withProvider(result.value as Props, provider), failures: [] };
  },

  async diff(_id: string, olds: Props, news: Props) {
    return diffCapsuleAttachment(olds as Partial<CapsuleAttachmentOutputs>, news);
  },

  async create(news: Props): Promise<{ id: string; outs: Props }> {
    const inputs = parseChecked(news);
    const { kind, targetId } = targetOf(inputs);
    const id = attachmentId(kind, targetId, inputs.dataAssetId);
    return { id, outs: (await attach(inputs, id, news[PROVIDER_KEY])) as unknown as Props };
  },

  async read(id: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    const { kind, targetId, assetId } = parseAttachmentId(id);
    const client = getClient();
    const [target, asset] = await Promise.all([
      client.findComputeTarget(kind, targetId),
      client.findDataAsset(assetId),
    ]);
    if (!target || !asset) return { id: "", props: {} };
    const old = props as Partial<CapsuleAttachmentOutputs>;
    const outs: CapsuleAttachmentOutputs = {
      capsuleId: kind === "capsule" ? targetId : "",
      pipelineId: kind === "pipeline" ? targetId : "",
      dataAssetId: assetId,
      mount: old.mount || asset.mount,
      targetKind: kind,
      ready: old.ready ?? true,
      external: old.external ?? asset.sourceBucket?.external ?? false,
      waitForReady: old.waitForReady ?? true,
      readyTimeoutSeconds: old.readyTimeoutSeconds ?? 600,
    };
    const inputs: Props = {
      [kind === "capsule" ? "capsuleId" : "pipelineId"]: targetId,
      dataAssetId: assetId,
      mount: outs.mount,
      waitForReady: outs.waitForReady,
      readyTimeoutSeconds: outs.readyTimeoutSeconds,
    };
    return { id, props: outs as unknown as Props, inputs };
  },

  async update(id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    const inputs = parseChecked(news);
    const old = olds as Partial<CapsuleAttachmentOutputs>;
    // A previous create timed out waiting for the mount: re-posting is how we learn it is ready.
    if (old.ready === false && inputs.waitForReady) {
      return {
        outs: (await attach(
          { ...inputs, mount: inputs.mount ?? old.mount },
          id,
          news[PROVIDER_KEY],
        )) as unknown as Props,
      };
    }
    return {
      outs: {
        ...olds,
        waitForReady: inputs.waitForReady,
        readyTimeoutSeconds: inputs.readyTimeoutSeconds,
      },
    };
  },

  async delete(id: string): Promise<void> {
    const { kind, targetId, assetId } = parseAttachmentId(id);
    try {
      await targetQueue(getClient(), kind, targetId).detach(assetId);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  },
};
