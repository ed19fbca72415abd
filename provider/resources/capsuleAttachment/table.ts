/**
 * `CapsuleAttachment`, declared once: its field table and rules. Any change of target,
 * asset or an explicitly given mount replaces, deleting first (one asset cannot be attached
 * twice to the same capsule); an omitted mount means "the asset's own", so it never
 * replaces by itself. Settings change nothing remote.
 */
import type { TargetKind } from "../../core/api/client";
import type { AttachResult } from "../../core/api/schemas";
import { CodeOceanError } from "../../core/api/errors";
import { fieldsOf, Inputs, OutputsOf } from "../../declare/fields";
import {
  codeOceanId,
  containsUnknown,
  mountName,
  readyTimeoutSeconds,
  typeError,
} from "../../declare/inputs";
import { z } from "zod";

/** What Code Ocean says about an attachment; `mount` is the effective one. */
export interface RemoteAttachment {
  kind: TargetKind;
  mount: string;
  ready: boolean;
  external: boolean;
  /** The asset was attached there already when this resource was created. */
  foundAttached: boolean;
}

const field = fieldsOf<RemoteAttachment>();
const targetId = (what: "capsule" | "pipeline") =>
  field.input({
    schema: codeOceanId(what).optional(),
    change: "replace",
    stored: (v) => v ?? "",
  });

export const capsuleAttachmentResource = field.resource({
  fields: {
    /** The capsule id, or `""` when attached to a pipeline. */
    capsuleId: targetId("capsule"),
    /** The pipeline id, or `""` when attached to a capsule. */
    pipelineId: targetId("pipeline"),
    /** The attached data asset. */
    dataAssetId: field.input({ schema: codeOceanId("data asset"), change: "replace" }),
    /** The effective mount folder under `/data`. */
    mount: field.input({
      schema: mountName.optional(),
      change: "replace",
      remote: (r) => r.mount,
      same: (stored, declared) => declared === null || stored === declared,
    }),
    /** Whether `up` waits for the mount. */
    waitForReady: field.input({
      schema: z.boolean({ error: typeError("true or false") }).default(true),
      change: "setting",
    }),
    /** The mount timeout in seconds. */
    readyTimeoutSeconds: field.input({
      schema: readyTimeoutSeconds.default(600),
      change: "setting",
    }),
    /** `capsule` or `pipeline`. */
    targetKind: field.output((r): TargetKind => r.kind, "capsule"),
    /** Whether the mount was ready when last seen. */
    ready: field.output((r) => r.ready, true),
    /** Whether the asset's files stay in the customer's bucket. */
    external: field.output((r) => r.external, false),
    /**
     * Whether the asset was already attached there when this resource was created (by
     * another stack, or in the web UI): destroying this resource then leaves it attached.
     */
    foundAttached: field.output((r) => r.foundAttached, false),
  },
  rules: [
    (v, ctx) => {
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
    },
  ],
  deleteBeforeReplace: true,
  // A previous create timed out waiting for the mount: an update re-posts it.
  condition: (stored, declared) => ({
    change: stored.ready === false && declared.waitForReady === true,
  }),
});

export const CapsuleAttachmentInputsSchema = capsuleAttachmentResource.schema;
export type CapsuleAttachmentInputs = Inputs<typeof capsuleAttachmentResource.fields>;
export type CapsuleAttachmentOutputs = OutputsOf<typeof capsuleAttachmentResource.fields>;

export function targetOf(inputs: CapsuleAttachmentInputs): { kind: TargetKind; targetId: string } {
  return inputs.capsuleId
    ? { kind: "capsule", targetId: inputs.capsuleId }
    : { kind: "pipeline", targetId: inputs.pipelineId! };
}

/** Outputs from the declared inputs and Code Ocean's answer to the attach. */
export function toOutputs(
  inputs: CapsuleAttachmentInputs,
  result: AttachResult,
  foundAttached: boolean,
): CapsuleAttachmentOutputs {
  return capsuleAttachmentResource.toOutputs(inputs, {
    kind: targetOf(inputs).kind,
    mount: result.mount || inputs.mount || "",
    ready: result.ready,
    external: result.external,
    foundAttached,
  });
}

/** The one diff, for stored outputs (from any version) and checked or raw inputs. */
export function diffCapsuleAttachment(
  olds: Partial<CapsuleAttachmentOutputs>,
  news: Record<string, unknown>,
) {
  return capsuleAttachmentResource.diff(olds as Record<string, unknown>, news);
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
