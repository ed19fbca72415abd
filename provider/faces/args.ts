/**
 * What both program-side faces (the dynamic classes and the plugin's classes) do with a
 * program's arguments before registering a resource: refuse keys JavaScript cannot carry,
 * warn about a token in plain text, keep echoes of a secret source encrypted, and let an
 * attachment follow its asset's mount.
 */
import * as pulumi from "@pulumi/pulumi";
import { CodeOceanError } from "../core/api/errors";
import { held } from "../core/holder";
import { RESERVED_KEYS } from "../core/model/checks";
import type { CapsuleAttachmentArgs, DataAssetArgs } from "./types.generated";
import { configSecrecy } from "./register";

/** A plain object given in the program (not an Output, not a Promise). */
export const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  !pulumi.Output.isInstance(v) &&
  !(v instanceof Promise);

/**
 * Outputs that repeat what Code Ocean says about the source are kept encrypted in the state
 * when the source may be secret: a failure reason may quote the request, GCP client secret
 * included, and a refresh runs in a fresh process that never saw the secret (so cannot mask
 * it); a source the program wrapped whole (`pulumi.secret({...})`, or any Output) has its
 * bucket, prefix and lineage echoed back in `sourceBucket`, `provenance` and the parts of a
 * combined asset. (A secret nested in a plain source object cannot be seen here, before it
 * resolves: wrap the whole source to keep its echoes encrypted too.)
 */
export function withSecretEchoes(
  source: DataAssetArgs["source"],
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions | undefined {
  const echoes =
    source === undefined
      ? []
      : !isPlain(source)
        ? ["failureReason", "sourceBucket", "provenance", "containedDataAssetIds"]
        : "gcp" in source
          ? ["failureReason"]
          : [];
  if (!echoes.length) return opts;
  return {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...echoes],
  };
}

/**
 * Keys JavaScript cannot carry as data (`__proto__` is lost on the way to the provider, where
 * check could refuse it): refused here, in the program, for the parts given as plain values.
 */
export function refuseReservedKeys(resource: string, args: unknown, path = ""): void {
  if (Array.isArray(args)) {
    args.forEach((v, i) => refuseReservedKeys(resource, v, `${path}[${i}]`));
    return;
  }
  if (!isPlain(args)) return;
  for (const key of Object.keys(args)) {
    const at = path
      ? `${path}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`
      : key;
    if (RESERVED_KEYS.has(key)) {
      throw new CodeOceanError(
        `${resource}: ${at} "${key}" cannot be used as a key (JavaScript reserves it and it would be dropped on the way to Code Ocean); rename the field`,
      );
    }
    refuseReservedKeys(resource, args[key], at);
  }
}

/**
 * A token set without `--secret` sits in plain text in Pulumi.<stack>.yaml and in the
 * engine's record of the provider's configuration in the state. Said once per program run.
 */
export function warnIfTokenInPlainText(): void {
  held("warnings", pulumi.runtime.getMonitor?.(), warnTokenInPlainText);
}

function warnTokenInPlainText(): true {
  const key = "codeocean:token";
  const isSecret = configSecrecy();
  if (pulumi.runtime.getConfig(key) !== undefined && isSecret && !isSecret(key)) {
    void pulumi.log.warn(
      "codeocean:token is set in plain text: it is stored unencrypted in Pulumi.<stack>.yaml and in the stack's state (the engine records the provider's configuration there). " +
        "Set it again with `pulumi config set --secret codeocean:token <token>`, or use CODEOCEAN_API_TOKEN.",
    );
  }
  return true;
}

/**
 * Without a mount of its own, an attachment sits at its asset's mount — as it was when it was
 * attached: Code Ocean keeps that folder when the asset's mount changes later. For an asset
 * declared in this program (`dataAssetId: someDataAsset.id`), the attachment takes the asset's
 * mount as its own, so a change of it replaces the attachment at the new folder, and the
 * preview shows that. (For an id from elsewhere, the mount at attach time stands.)
 */
export function followAssetMount(
  args: CapsuleAttachmentArgs | undefined,
  isAsset: (r: unknown) => r is { mount: pulumi.Output<string> },
): {
  mount?: pulumi.Input<string>;
} {
  if (!args || args.mount !== undefined || !pulumi.Output.isInstance(args.dataAssetId)) return {};
  const resources = [...(args.dataAssetId as unknown as { resources(): Set<unknown> }).resources()];
  const assets = resources.filter(isAsset);
  return assets.length === 1 && resources.length === 1 ? { mount: assets[0].mount } : {};
}
