/**
 * What `CapsuleAttachment` does, run inside the Pulumi provider host with the runtime that
 * `configure` built (reached through `require("pulumi-codeocean/runtime")`, like DataAsset).
 *
 * Code Ocean has no endpoint that lists a capsule's attached data assets; capsule search by
 * the asset's id lists the capsules using it (see attachmentIndex.ts). `read` uses it to see a
 * detach made by hand (or by another stack), and `create` to notice an attachment that
 * existed before this resource did: that one is recorded as `foundAttached`, and `delete`
 * leaves it attached, saying so — a stack never takes away what it did not make.
 */
import {
  BadRequestError,
  CodeOceanError,
  NotFoundError,
  withRecordedTokenAdvice,
} from "../../core/api/errors";
import { outcomeUnknown } from "../../core/api/retry";
import type { TargetKind } from "../../core/api/client";
import type { ProviderRuntime } from "../../core/runtime";
import type { WaitLimit } from "../../core/waiter";
import { CallOptions, waitLimit } from "../call";
import type { CreateRecovery } from "../dataAsset/recovery";
import type { AttachmentIndex } from "./attachmentIndex";
import { AttachQueue, AttachWaitError } from "./attachQueue";
import {
  attachmentId,
  CapsuleAttachmentInputs,
  capsuleAttachmentResource as resource,
  parseAttachmentId,
  targetOf,
  toOutputs,
} from "./table";
import { CheckFailure, validate } from "../../declare/validate";
import { parseChecked as parseValid } from "../inputs";
import { PartialFailure, PROVIDER_KEY, withProvider } from "../partialFailure";

type Props = Record<string, unknown>;

const parseChecked = (news: Props): CapsuleAttachmentInputs =>
  parseValid(resource.schema, news, "CapsuleAttachment");

/** What CapsuleAttachment's methods run on: the runtime, and helpers shared with DataAsset. */
export interface CapsuleAttachmentContext {
  rt: ProviderRuntime;
  recovery: CreateRecovery;
  attachments: AttachmentIndex;
}

export function createCapsuleAttachmentProvider({
  rt,
  recovery,
  attachments,
}: CapsuleAttachmentContext) {
  /** The queue of each capsule or pipeline, shared by every attachment to it in this process. */
  const queues = new Map<string, AttachQueue>();
  const attachQueue = (kind: TargetKind, targetId: string): AttachQueue => {
    const key = `${kind}|${targetId}`;
    let q = queues.get(key);
    if (!q) {
      q = new AttachQueue({ rt, attachments }, kind, targetId, () => queues.delete(key));
      queues.set(key, q);
    }
    return q;
  };

  /**
   * Attaches (and waits for the mount). `found` is what is known of an earlier attachment:
   * undefined at a create, where the queue asks capsule search first — unless this process
   * created the asset, which nothing else can have attached yet.
   */
  async function attach(
    inputs: CapsuleAttachmentInputs,
    id: string,
    provider: unknown,
    found: boolean | undefined,
    limit: WaitLimit,
  ) {
    const { kind, targetId } = targetOf(inputs);
    let foundAttached = found ?? false;
    const failed = (error: unknown, last: Parameters<typeof toOutputs>[1]) =>
      new PartialFailure(
        error,
        id,
        withProvider(toOutputs(inputs, last, foundAttached) as unknown as Props, provider),
      );
    try {
      const result = await attachQueue(kind, targetId).attach(inputs.dataAssetId, inputs.mount, {
        wait: inputs.waitForReady,
        limit,
        checkFound: found === undefined && !recovery.createdHere(inputs.dataAssetId),
        onFound: (f) => {
          if (found === undefined && f) {
            foundAttached = true;
            rt.warn(
              `pulumi-codeocean: data asset ${inputs.dataAssetId} was already attached to ${kind} ${targetId} before this stack attached it (by another stack, or in the web UI). ` +
                "It is recorded as found attached (output foundAttached): destroying this resource will leave it attached, so whoever attached it first keeps it.",
            );
          }
        },
      });
      return toOutputs(inputs, result, foundAttached) as unknown as Props;
    } catch (error) {
      if (error instanceof AttachWaitError) throw failed(error, error.last);
      // The attach may have been processed (a reset, a timeout, an unreadable answer): record
      // the attachment as not ready, so the next `up` re-posts it (idempotent) instead of
      // leaving an attachment Pulumi does not know about.
      if (outcomeUnknown(error)) {
        throw failed(error, {
          id: inputs.dataAssetId,
          mount: inputs.mount ?? "",
          ready: false,
          external: false,
        });
      }
      if (error instanceof NotFoundError) throw explainNotFound(error, kind, targetId, inputs);
      throw explainWorkstation(error, kind, targetId);
    }
  }

  /** Refresh: whether the attachment is still there (capsule search), with its stored details. */
  async function readAttachment(
    id: string,
    stored: Props,
  ): Promise<{ id: string; props: Props; inputs?: Props }> {
    const { kind, targetId, assetId } = parseAttachmentId(id);
    const attached = await attachments.isAttached(kind, targetId, assetId);
    // Gone: detached by hand or by another stack, or the capsule or the asset was deleted.
    if (attached === false) return { id: "", props: {} };
    const old = resource.withFallbacks(stored);
    // Listed by capsule search: the asset exists too. Its object is read only when the state
    // lacks what it gives (older state), or without capsule search (an older deployment),
    // where only the capsule and the asset can be checked.
    const needsAsset = !attached || !old.mount || stored.external === undefined;
    const [target, asset] = await Promise.all([
      attached || rt.client.findComputeTarget(kind, targetId),
      needsAsset ? rt.client.findDataAsset(assetId) : undefined,
    ]);
    if (!target || (needsAsset && !asset)) return { id: "", props: {} };
    const outs = resource.refreshed(
      {
        ...stored,
        capsuleId: kind === "capsule" ? targetId : "",
        pipelineId: kind === "pipeline" ? targetId : "",
        dataAssetId: assetId,
      },
      {
        kind,
        mount: old.mount || asset!.mount,
        ready: stored.ready === undefined ? true : old.ready,
        external:
          stored.external === undefined ? (asset!.sourceBucket?.external ?? false) : old.external,
        foundAttached: old.foundAttached,
      },
    );
    return { id, props: outs as unknown as Props, inputs: resource.inputsOf(outs) };
  }

  return {
    async check(_olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
      const { [PROVIDER_KEY]: provider, ...raw } = news;
      const result = validate(resource.schema, raw);
      if (!result.ok) return { inputs: news, failures: result.failures };
      await rt.checkCredentials();
      return { inputs: withProvider(result.value as Props, provider), failures: [] };
    },

    async diff(_id: string, olds: Props, news: Props) {
      const { [PROVIDER_KEY]: _provider, ...raw } = news;
      return resource.diff(olds, raw);
    },

    async create(news: Props, call: CallOptions = {}): Promise<{ id: string; outs: Props }> {
      const inputs = parseChecked(news);
      const { kind, targetId } = targetOf(inputs);
      const id = attachmentId(kind, targetId, inputs.dataAssetId);
      const limit = waitLimit(inputs, call, "create");
      return { id, outs: await attach(inputs, id, news[PROVIDER_KEY], undefined, limit) };
    },

    async read(id: string, stored: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
      return readAttachment(id, stored).catch((error: unknown) => {
        throw withRecordedTokenAdvice(error);
      });
    },

    /**
     * A read without stored outputs: `pulumi import` (nothing declared; the inputs written as
     * code leave out defaults) or `refresh --import-pending-creates` (the interrupted create's
     * declaration). Not attached: an error, not an empty import.
     */
    async imported(
      id: string,
      declared: Props,
    ): Promise<{ id: string; props: Props; inputs?: Props }> {
      const { kind, targetId, assetId } = parseAttachmentId(id);
      const stored = Object.keys(declared).length
        ? (resource.withDeclared({}, parseChecked(declared)) as unknown as Props)
        : {};
      const found = await readAttachment(id, stored).catch((error: unknown) => {
        throw withRecordedTokenAdvice(error);
      });
      if (!found.id) {
        throw new CodeOceanError(
          `CapsuleAttachment ${id}: data asset ${assetId} is not attached to ${kind} ${targetId} (or the token cannot see them). Check both ids in Code Ocean; the id to import is ${kind}:<${kind} id>:<data asset id>.`,
        );
      }
      if (Object.keys(declared).length) return found;
      const outs = found.props as unknown as Parameters<typeof resource.inputsOf>[0];
      return { ...found, inputs: resource.inputsOf(outs, true) };
    },

    async update(
      id: string,
      olds: Props,
      news: Props,
      call: CallOptions = {},
    ): Promise<{ outs: Props }> {
      const inputs = parseChecked(news);
      const old = resource.withFallbacks(olds);
      // A previous create timed out waiting for the mount: re-posting is how we learn it is ready.
      if (old.ready === false && inputs.waitForReady) {
        return {
          outs: await attach(
            { ...inputs, mount: inputs.mount ?? (old.mount || undefined) },
            id,
            news[PROVIDER_KEY],
            old.foundAttached,
            waitLimit(inputs, call, "update"),
          ),
        };
      }
      return { outs: { ...olds, ...resource.withDeclared(olds, inputs) } };
    },

    async delete(id: string, stored: Props = {}): Promise<void> {
      const { kind, targetId, assetId } = parseAttachmentId(id);
      if (resource.withFallbacks(stored).foundAttached) {
        rt.warn(
          `pulumi-codeocean: left data asset ${assetId} attached to ${kind} ${targetId}: it was attached there before this stack attached it (foundAttached), so it is not this stack's to take away. Detach it in Code Ocean if nobody needs it.`,
        );
        return;
      }
      try {
        await attachQueue(kind, targetId).detach(assetId);
      } catch (error) {
        if (error instanceof NotFoundError) return;
        throw withRecordedTokenAdvice(explainWorkstation(error, kind, targetId));
      } finally {
        attachments.forget(kind, assetId);
      }
    },
  };
}

/**
 * Code Ocean refuses attaching to (and detaching from) a capsule while a Cloud Workstation
 * session runs on it: its clients are to go through the session instead. This provider
 * attaches to the capsule itself — a session comes and goes, the attachment is meant to stay
 * — so it says what to do rather than reach into the session.
 */
function explainWorkstation(error: unknown, kind: string, targetId: string): unknown {
  if (!(error instanceof BadRequestError) || !/workstation/i.test(error.serverMessage))
    return error;
  return error.withNextStep(
    `Code Ocean takes no attachment changes on ${kind} ${targetId} while a Cloud Workstation session runs on it. ` +
      "pulumi-codeocean attaches to the capsule itself, not through a session (sessions come and go; the attachment is meant to stay): stop the session, or wait for it to end, then run the command again.",
  );
}

/** A 404 at attach time: which id Code Ocean does not know, and what to check (not refresh). */
function explainNotFound(
  error: NotFoundError,
  kind: string,
  targetId: string,
  inputs: CapsuleAttachmentInputs,
) {
  return error.withNextStep(
    `Code Ocean does not know ${kind} ${targetId} or data asset ${inputs.dataAssetId}, or the token cannot see them: check capsuleId/pipelineId and dataAssetId (copy them from Code Ocean), and that the token's user has access to both.`,
  );
}
