/**
 * What `DataAsset` does, run inside the Pulumi provider host with the runtime that
 * `configure` built. Reached at run time through `require("pulumi-codeocean/runtime")` from
 * the tiny serialized shim, so that refresh and destroy always run the installed code.
 */
import { CodeOceanError, NotFoundError } from "../api/errors";
import { registerSecret } from "../api/redact";
import type { DataAsset as RemoteAsset } from "../api/schemas";
import type { ProviderRuntime } from "../providerRuntime";
import { validateCustomMetadata } from "./customMetadata";
import { isArchived, reconcileCreate, toCreateParams, waitForReady } from "./dataAssetCreate";
import {
  DataAssetInputs,
  DataAssetOutputs,
  dataAssetResource as resource,
  gcpClientSecret,
  metadataChanges,
} from "./dataAssetSchema";
import { DiffResult, sameValue } from "./fields";
import { CheckFailure, containsUnknown, parseChecked as parseValid, validate } from "./inputs";
import { PartialFailure, PROVIDER_KEY, withProvider } from "./partialFailure";

type Props = Record<string, unknown>;

function parseChecked(news: Props): DataAssetInputs {
  const inputs = parseValid(resource.schema, news, "DataAsset");
  registerSecret(gcpClientSecret(inputs));
  return inputs;
}

const props = (outs: DataAssetOutputs) => outs as unknown as Props;

export function createDataAssetProvider(rt: ProviderRuntime) {
  /** Everything after Code Ocean accepted the asset: a failure must carry its id. */
  async function guarded<T>(
    id: string,
    news: Props,
    outputsNow: () => DataAssetOutputs,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new PartialFailure(error, id, withProvider(props(outputsNow()), news[PROVIDER_KEY]));
    }
  }

  return {
    async check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
      const { [PROVIDER_KEY]: provider, ...raw } = news;
      const result = validate(resource.schema, raw);
      if (!result.ok) return { inputs: news, failures: result.failures };
      const inputs = result.value;
      registerSecret(gcpClientSecret(inputs));
      const failures: CheckFailure[] = [];
      const metadata = inputs.customMetadata;
      // Only new or changed metadata is checked remotely, so an unchanged stack previews with no API call.
      if (
        Object.keys(metadata).length &&
        !sameValue(metadata, olds.customMetadata ?? {}) &&
        !containsUnknown(metadata) &&
        rt.configured
      ) {
        const fields = await rt.customMetadataSchema();
        if (fields) failures.push(...validateCustomMetadata(metadata, fields));
      }
      return { inputs: withProvider(inputs as Props, provider), failures };
    },

    async diff(_id: string, olds: Props, news: Props): Promise<DiffResult> {
      const { [PROVIDER_KEY]: _provider, ...raw } = news;
      return resource.diff(olds, raw);
    },

    async create(news: Props): Promise<{ id: string; outs: Props }> {
      const inputs = parseChecked(news);
      const client = rt.client;
      const startedAt = Date.now();
      let asset: RemoteAsset;
      let archived = false;
      if (inputs.adoptExistingId) {
        const existing = await client.findDataAsset(inputs.adoptExistingId);
        if (!existing) {
          throw new CodeOceanError(
            `adoptExistingId: no data asset with id ${inputs.adoptExistingId} exists (HTTP 404), or the token cannot see it. Check the id in Code Ocean, or remove adoptExistingId to create a new asset.`,
          );
        }
        asset = existing;
        archived = await isArchived(client, existing).catch(() => false);
      } else {
        try {
          asset = await client.createDataAsset(toCreateParams(inputs));
        } catch (error) {
          asset = await reconcileCreate(client, error, inputs, startedAt);
        }
      }
      // Waiting is timed from Code Ocean's acceptance, not from the time spent in our queue.
      const acceptedAt = Date.now();
      let last = asset;
      const outputs = () => resource.toOutputs(inputs, { asset: last, archived });
      await guarded(asset.id, news, outputs, async () => {
        if (inputs.adoptExistingId) {
          const changes = metadataChanges(asset, inputs);
          if (Object.keys(changes).length) last = await client.updateDataAsset(asset.id, changes);
          if (archived) {
            await client.unarchiveDataAsset(asset.id);
            archived = false;
          }
        }
        if (inputs.waitForReady) {
          last = await waitForReady(
            rt,
            last,
            inputs.readyTimeoutSeconds,
            acceptedAt,
            (a) => (last = a),
          );
        }
      });
      return { id: asset.id, outs: props(outputs()) };
    },

    async read(id: string, stored: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
      const client = rt.client;
      const asset = await client.findDataAsset(id);
      if (!asset) return { id: "", props: {} };
      const archived = await isArchived(client, asset);
      // Settings Code Ocean does not know keep their stored values (defaults for a fresh `get`).
      const outs = resource.refreshed(stored, { asset, archived });
      // Inputs mirror the remote metadata so the next diff shows drift (e.g. a rename in the web UI).
      return { id, props: props(outs), inputs: resource.inputsOf(outs) };
    },

    async update(id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
      const inputs = parseChecked(news);
      const old = resource.withFallbacks(olds);
      const client = rt.client;
      const changes = metadataChanges(old, inputs);
      let asset: RemoteAsset | undefined;
      if (Object.keys(changes).length) asset = await client.updateDataAsset(id, changes);
      if (old.archived) await client.unarchiveDataAsset(id);
      const needsWait = inputs.waitForReady && (asset?.state ?? old.state) === "draft";
      if (!asset && (needsWait || old.archived)) asset = await client.getDataAsset(id);
      if (!asset) {
        // Only provider-side settings changed: no call to Code Ocean.
        return { outs: { ...olds, ...resource.withDeclared(olds, inputs), archived: false } };
      }
      let last = asset;
      const outputs = () => resource.toOutputs(inputs, { asset: last, archived: false });
      if (needsWait) {
        await guarded(id, news, outputs, async () => {
          last = await waitForReady(
            rt,
            last,
            inputs.readyTimeoutSeconds,
            Date.now(),
            (a) => (last = a),
          );
        });
      }
      return { outs: props(outputs()) };
    },

    async delete(id: string, stored: Props): Promise<void> {
      const { onDelete } = resource.withFallbacks(stored);
      if (onDelete === "retain") return;
      try {
        // Archiving is idempotent and never waits, also for an asset still in draft.
        await rt.client.archiveDataAsset(id);
        if (onDelete === "delete") await rt.client.deleteDataAsset(id);
      } catch (error) {
        if (error instanceof NotFoundError) return;
        throw error;
      }
    },
  };
}
