/**
 * What `DataAsset` does, run inside the Pulumi provider host with the runtime that
 * `configure` built. Reached at run time through `require("pulumi-codeocean/runtime")` from
 * the tiny serialized shim, so that refresh and destroy always run the installed code.
 */
import { CodeOceanError, NotFoundError, withRecordedTokenAdvice } from "../../core/api/errors";
import { registerSecret } from "../../core/api/redact";
import type { DataAsset as RemoteAsset } from "../../core/api/schemas";
import type { ProviderRuntime } from "../../core/runtime";
import type { ArchivedIndex } from "./archivedIndex";
import type { CreateRecovery } from "./recovery";
import { validateCustomMetadata } from "./customMetadata";
import { reconcileCreate, toCreateParams, waitForReady } from "./create";
import { metadataChanges, metadataUpdate } from "./metadata";
import { readAsset } from "./refresh";
import { sharingAndArchive } from "./sharingAndArchive";
import {
  DataAssetInputs,
  DataAssetOutputs,
  DataAssetPermissions,
  dataAssetResource as resource,
  effectivePermissions,
  gcpClientSecret,
  remoteFromOutputs,
  stillImporting,
  storedPermissions,
} from "./table";
import { DiffResult, sameValue } from "../../declare/fields";
import { CheckFailure, containsUnknown, validate } from "../../declare/validate";
import { parseChecked as parseValid } from "../inputs";
import { CallOptions, waitLimit } from "../call";
import { PartialFailure, PROVIDER_KEY, withProvider } from "../partialFailure";

type Props = Record<string, unknown>;

function parseChecked(news: Props): DataAssetInputs {
  const inputs = parseValid(resource.schema, news, "DataAsset");
  registerSecret(gcpClientSecret(inputs));
  return inputs;
}

const props = (outs: DataAssetOutputs) => outs as unknown as Props;

/** What DataAsset's methods run on: the process's runtime and the helpers it shares. */
export interface DataAssetContext {
  rt: ProviderRuntime;
  recovery: CreateRecovery;
  archived: ArchivedIndex;
}

export function createDataAssetProvider({
  rt,
  recovery,
  archived: archivedIndex,
}: DataAssetContext) {
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

  const { applyPermissions, applyArchived, setArchived } = sharingAndArchive(rt, archivedIndex);

  return {
    async check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
      const { [PROVIDER_KEY]: provider, ...raw } = news;
      const result = validate(resource.schema, raw);
      if (!result.ok) return { inputs: news, failures: result.failures };
      const inputs = result.value;
      registerSecret(gcpClientSecret(inputs));
      if (olds.name === undefined && !inputs.adoptExistingId) {
        rt.notePlannedCreate();
        recovery.notePlanned(inputs.name);
      }
      await rt.checkCredentials();
      const failures: CheckFailure[] = [];
      const metadata = inputs.customMetadata;
      // Only new or changed metadata is checked remotely (with the schema the credentials
      // check fetched), so an unchanged stack previews with that one call.
      if (
        Object.keys(metadata).length &&
        !sameValue(metadata, olds.customMetadata ?? {}) &&
        !containsUnknown(metadata) &&
        rt.configured &&
        !rt.offlinePreview
      ) {
        const fields = await rt.customMetadataSchema();
        if (fields) failures.push(...validateCustomMetadata(metadata, fields));
      }
      return { inputs: withProvider(inputs as Props, provider), failures };
    },

    async diff(id: string, olds: Props, news: Props): Promise<DiffResult> {
      if (id) recovery.noteStackAsset(id);
      const { [PROVIDER_KEY]: _provider, ...raw } = news;
      return resource.diff(olds, raw);
    },

    async create(news: Props, call: CallOptions = {}): Promise<{ id: string; outs: Props }> {
      rt.noteCreate();
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
        archived = await archivedIndex.isArchived(existing).catch(() => false);
      } else {
        const leftover = await recovery.takeOver(inputs);
        if (leftover) asset = leftover;
        else {
          try {
            asset = await client.createDataAsset(toCreateParams(inputs));
          } catch (error) {
            asset = await reconcileCreate(rt.client, recovery, error, inputs, startedAt);
          }
          recovery.noteCreated(asset.id);
        }
      }
      // Waiting is timed from Code Ocean's acceptance, not from the time spent in our queue.
      const acceptedAt = Date.now();
      let last = asset;
      let permissions: DataAssetPermissions | null = null;
      const outputs = () => resource.toOutputs(inputs, { asset: last, archived, permissions });
      await guarded(asset.id, news, outputs, async () => {
        if (inputs.adoptExistingId) {
          if (archived && !inputs.archived) {
            await setArchived(asset.id, false);
            archived = false;
          }
          const put = metadataUpdate(metadataChanges(asset, inputs), inputs);
          if (put) last = await client.updateDataAsset(asset.id, put);
        }
        if (inputs.waitForReady) {
          last = await waitForReady(
            rt,
            asset,
            last,
            waitLimit(inputs, call, "create"),
            acceptedAt,
            (a) => (last = a),
          );
        }
        // An adopted asset already has a sharing: post only what differs from it (a module
        // from codeocean-adopt declares each asset's sharing as it is: no call at all).
        const declared = storedPermissions(inputs.permissions);
        const current =
          inputs.adoptExistingId && declared
            ? effectivePermissions(await client.getPermissions(asset.id), last, declared)
            : null;
        permissions = await applyPermissions(asset.id, inputs, current);
        archived = await applyArchived(asset.id, inputs, archived);
      });
      return { id: asset.id, outs: props(outputs()) };
    },

    async read(
      id: string,
      stored: Props,
      inputs: Props = {},
    ): Promise<{ id: string; props: Props; inputs?: Props }> {
      recovery.noteStackAsset(id);
      // A refresh in a fresh process: what Code Ocean echoes back is masked all the same.
      registerSecret(gcpClientSecret(inputs as Parameters<typeof gcpClientSecret>[0]));
      return archivedIndex
        .during(() => readAsset(rt, archivedIndex, id, stored))
        .catch((error: unknown) => {
          throw withRecordedTokenAdvice(error);
        });
    },

    /**
     * A read without stored outputs. `pulumi import` (nothing declared): the asset as Code
     * Ocean has it, declared as adopted — its source cannot be read back exactly, and a guessed
     * source that differed from the real one would replace the asset at the next `up`.
     * `refresh --import-pending-creates` (the interrupted create's declaration): the asset as
     * that create would have recorded it. A missing asset fails (readAsset's lookup).
     */
    async imported(
      id: string,
      declared: Props,
    ): Promise<{ id: string; props: Props; inputs?: Props }> {
      recovery.noteStackAsset(id);
      const run = (stored: Props) =>
        archivedIndex
          .during(() => readAsset(rt, archivedIndex, id, stored))
          .catch((error: unknown) => {
            throw withRecordedTokenAdvice(error);
          });
      if (Object.keys(declared).length) {
        return run(resource.withDeclared({}, parseChecked(declared)) as unknown as Props);
      }
      const { props: outs } = await run({});
      const adopted = { ...outs, adoptExistingId: id } as unknown as DataAssetOutputs;
      return { id, props: props(adopted), inputs: resource.inputsOf(adopted, true) };
    },

    async update(
      id: string,
      olds: Props,
      news: Props,
      call: CallOptions = {},
    ): Promise<{ outs: Props }> {
      recovery.noteStackAsset(id);
      const inputs = parseChecked(news);
      const old = resource.withFallbacks(olds);
      const client = rt.client;
      let archived = old.archived;
      try {
        // Unarchiving comes before a metadata change, archiving after it. An asset that stays
        // archived gets its PUT as it is (the emulator accepts that; Code Ocean does not say).
        if (archived && !inputs.archived) {
          await setArchived(id, false);
          archived = false;
        }
        const put = metadataUpdate(metadataChanges(old, inputs), inputs);
        let last = put && (await client.updateDataAsset(id, put));
        if (inputs.waitForReady && stillImporting(last?.state ?? old.state)) {
          // What the stack knows of the asset, until Code Ocean says more.
          const known = last ?? remoteFromOutputs(id, old);
          const outputs = () =>
            resource.toOutputs(inputs, {
              asset: last ?? known,
              archived,
              permissions: old.permissions,
            });
          await guarded(id, news, outputs, async () => {
            last = await waitForReady(
              rt,
              { id, name: inputs.name },
              known,
              waitLimit(inputs, call, "update"),
              Date.now(),
              (a) => (last = a),
            );
          });
        }
        const permissions = await applyPermissions(id, inputs, old.permissions);
        archived = await applyArchived(id, inputs, archived);
        if (last)
          return {
            outs: props(resource.toOutputs(inputs, { asset: last, archived, permissions })),
          };
        // No metadata call: settings, sharing or the archive state changed, or nothing remote.
        return {
          outs: { ...olds, ...resource.withDeclared(olds, inputs), archived, permissions },
        };
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw error.withNextStep(
          `Data asset ${id} was not found. If it was deleted outside Pulumi, \`pulumi refresh\` confirms that (it looks twice, seconds apart) and drops it from the stack; the next \`pulumi up\` then creates it again.`,
        );
      }
    },

    async delete(id: string, stored: Props): Promise<void> {
      recovery.noteStackAsset(id);
      const { onDelete } = resource.withFallbacks(stored);
      if (onDelete === "retain") return;
      try {
        // Archiving is idempotent and never waits, also for an asset still in draft.
        if (!(await ifExists(id, () => setArchived(id, true)))) return;
        if (onDelete === "delete") await ifExists(id, () => rt.client.deleteDataAsset(id));
      } catch (error) {
        throw withRecordedTokenAdvice(error);
      }
    },
  };

  /**
   * Runs a call on an existing asset; true when it succeeded, false when the asset is gone.
   * A 404 counts as gone only once a GET confirms it (one 404 is no proof, see
   * findDataAsset); if the asset is still there, the call is made once more, and a second
   * 404 while the asset exists is an error, never a success that leaves it live.
   */
  async function ifExists(id: string, call: () => Promise<void>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      if (!(await rt.client.findDataAsset(id))) return false;
    }
    try {
      await call();
      return true;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new CodeOceanError(
        `Code Ocean answered 404 to ${error.method} ${error.path} for data asset ${id} twice, although GET shows the asset exists. Nothing was changed; run the command again in a minute.`,
      );
    }
  }
}
