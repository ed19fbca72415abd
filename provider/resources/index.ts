/**
 * The resources over one runtime: each resource's methods, and the helpers they share — the
 * leftovers of interrupted creates (DataAsset creates them, CapsuleAttachment asks whether this
 * process made an asset), the archived-state index, the capsule-search index. Both faces build
 * their providers here, once per runtime.
 */
import type { ProviderRuntime } from "../core/runtime";
import { AttachmentIndex } from "./capsuleAttachment/attachmentIndex";
import { createCapsuleAttachmentProvider } from "./capsuleAttachment/provider";
import { ArchivedIndex } from "./dataAsset/archivedIndex";
import { createDataAssetProvider } from "./dataAsset/provider";
import { CreateRecovery } from "./dataAsset/recovery";

export type Providers = ReturnType<typeof createProviders>;

export function createProviders(rt: ProviderRuntime) {
  const client = () => rt.client;
  const recovery = new CreateRecovery(client, rt.takeOverWindowSeconds, (m) => rt.warn(m));
  const archived = new ArchivedIndex(client);
  const attachments = new AttachmentIndex(client, rt.confirmDelayMs);
  return {
    dataAsset: createDataAssetProvider({ rt, recovery, archived }),
    capsuleAttachment: createCapsuleAttachmentProvider({ rt, recovery, attachments }),
  };
}
