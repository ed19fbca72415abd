/**
 * What `CapsuleAttachment` does, run inside the Pulumi provider host with the runtime that
 * `configure` built (reached through `require("pulumi-codeocean/runtime")`, like DataAsset).
 *
 * Code Ocean has no endpoint that lists a capsule's attached data assets, so `read` can
 * confirm that the capsule (or pipeline) and the data asset still exist, not that the
 * attachment itself does.
 */
import { NotFoundError } from "../api/errors";
import { outcomeUnknown } from "../api/retry";
import type { ProviderRuntime } from "../providerRuntime";
import { AttachWaitError } from "./attachQueue";
import {
  attachmentId,
  CapsuleAttachmentInputs,
  capsuleAttachmentResource as resource,
  parseAttachmentId,
  targetOf,
  toOutputs,
} from "./capsuleAttachmentSchema";
import { CheckFailure, parseChecked as parseValid, validate } from "./inputs";
import { PartialFailure, PROVIDER_KEY, withProvider } from "./partialFailure";

type Props = Record<string, unknown>;

const parseChecked = (news: Props): CapsuleAttachmentInputs =>
  parseValid(resource.schema, news, "CapsuleAttachment");

export function createCapsuleAttachmentProvider(rt: ProviderRuntime) {
  async function attach(inputs: CapsuleAttachmentInputs, id: string, provider: unknown) {
    const { kind, targetId } = targetOf(inputs);
    const failed = (error: unknown, last: Parameters<typeof toOutputs>[1]) =>
      new PartialFailure(
        error,
        id,
        withProvider(toOutputs(inputs, last) as unknown as Props, provider),
      );
    try {
      const result = await rt
        .attachQueue(kind, targetId)
        .attach(inputs.dataAssetId, inputs.mount, inputs.waitForReady, inputs.readyTimeoutSeconds);
      return toOutputs(inputs, result) as unknown as Props;
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
      throw error;
    }
  }

  return {
    async check(_olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
      const { [PROVIDER_KEY]: provider, ...raw } = news;
      const result = validate(resource.schema, raw);
      if (!result.ok) return { inputs: news, failures: result.failures };
      return { inputs: withProvider(result.value as Props, provider), failures: [] };
    },

    async diff(_id: string, olds: Props, news: Props) {
      const { [PROVIDER_KEY]: _provider, ...raw } = news;
      return resource.diff(olds, raw);
    },

    async create(news: Props): Promise<{ id: string; outs: Props }> {
      const inputs = parseChecked(news);
      const { kind, targetId } = targetOf(inputs);
      const id = attachmentId(kind, targetId, inputs.dataAssetId);
      return { id, outs: await attach(inputs, id, news[PROVIDER_KEY]) };
    },

    async read(id: string, stored: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
      const { kind, targetId, assetId } = parseAttachmentId(id);
      const [target, asset] = await Promise.all([
        rt.client.findComputeTarget(kind, targetId),
        rt.client.findDataAsset(assetId),
      ]);
      if (!target || !asset) return { id: "", props: {} };
      const old = resource.withFallbacks(stored);
      const outs = resource.refreshed(
        {
          ...stored,
          capsuleId: kind === "capsule" ? targetId : "",
          pipelineId: kind === "pipeline" ? targetId : "",
          dataAssetId: assetId,
        },
        {
          kind,
          mount: old.mount || asset.mount,
          ready: stored.ready === undefined ? true : old.ready,
          external:
            stored.external === undefined ? (asset.sourceBucket?.external ?? false) : old.external,
        },
      );
      return { id, props: outs as unknown as Props, inputs: resource.inputsOf(outs) };
    },

    async update(id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
      const inputs = parseChecked(news);
      const old = resource.withFallbacks(olds);
      // A previous create timed out waiting for the mount: re-posting is how we learn it is ready.
      if (old.ready === false && inputs.waitForReady) {
        return {
          outs: await attach(
            { ...inputs, mount: inputs.mount ?? (old.mount || undefined) },
            id,
            news[PROVIDER_KEY],
          ),
        };
      }
      return { outs: { ...olds, ...resource.withDeclared(olds, inputs) } };
    },

    async delete(id: string): Promise<void> {
      const { kind, targetId, assetId } = parseAttachmentId(id);
      try {
        await rt.attachQueue(kind, targetId).detach(assetId);
      } catch (error) {
        if (error instanceof NotFoundError) return;
        throw error;
      }
    },
  };
}
