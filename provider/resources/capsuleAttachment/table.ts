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
import * as t from "../../declare/types";
import { containsUnknown } from "../../declare/validate";
import { codeOceanId, mountName, readyTimeoutSeconds } from "../../core/model/checks";

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
    property: t.optional(
      t.string(codeOceanId(what)),
      `The ${what} to attach to. Exactly one of \`capsuleId\` and \`pipelineId\`. Changing it replaces.`,
    ),
    outputDescription: `The ${what} id, or \`""\` when attached to a ${what === "capsule" ? "pipeline" : "capsule"}.`,
    change: "replace",
    stored: (v) => v ?? "",
  });

export const capsuleAttachmentResource = field.resource({
  fields: {
    capsuleId: targetId("capsule"),
    pipelineId: targetId("pipeline"),
    dataAssetId: field.input({
      property: t.required(
        t.string(codeOceanId("data asset")),
        "The data asset to attach, typically `someDataAsset.id`. Changing it replaces.",
      ),
      change: "replace",
    }),
    mount: field.input({
      property: t.optional(
        t.string(mountName),
        "Folder under `/data` in the capsule. Default: the data asset's own mount — followed when it changes, for a `DataAsset` of the same program. Changing it replaces.",
      ),
      outputDescription: "The effective mount folder under `/data`.",
      change: "replace",
      remote: (r) => r.mount,
      same: (stored, declared) => declared === null || stored === declared,
    }),
    waitForReady: field.input({
      property: t.defaulted(t.boolean(), true, "Wait until Code Ocean reports the mount ready."),
      change: "setting",
    }),
    readyTimeoutSeconds: field.input({
      property: t.defaulted(
        t.integer(readyTimeoutSeconds),
        600,
        "How long to wait for the mount, in seconds.",
      ),
      change: "setting",
    }),
    targetKind: field.output({
      node: t.oneOf(["capsule", "pipeline"]),
      description: "`capsule` or `pipeline`.",
      remote: (r): TargetKind => r.kind,
      fallback: "capsule",
    }),
    ready: field.output({
      node: t.boolean(),
      description: "Whether the mount was ready when last seen.",
      remote: (r) => r.ready,
      fallback: true,
    }),
    external: field.output({
      node: t.boolean(),
      description: "Whether the asset's files stay in the customer's bucket.",
      remote: (r) => r.external,
      fallback: false,
    }),
    foundAttached: field.output({
      node: t.boolean(),
      description:
        "Whether the asset was already attached there when this resource was created (by another stack, or in the web UI): destroying this resource then leaves it attached.",
      remote: (r) => r.foundAttached,
      fallback: false,
    }),
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
