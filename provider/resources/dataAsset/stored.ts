/**
 * How DataAsset's outputs store what was declared and what Code Ocean reports, and when two
 * stored values mean the same thing: the source without its GCP client secret, sharing
 * without the owner's own entry, sets compared as sets. The field table (table.ts) names
 * these per field.
 */
import type { Permissions, DataAsset as RemoteAsset } from "../../core/api/schemas";
import type { PermissionsInput } from "../../core/model/dataAsset/sharing";
import type { SourceInput } from "../../core/model/dataAsset/source";
import { sameValue } from "../../declare/fields";
import type { Loose } from "../../declare/types";

/** The declared source as outputs store it (the GCP client secret never is): one of five. */
export type DataAssetSource = Omit<SourceInput, "gcp"> & {
  gcp?: Omit<NonNullable<SourceInput["gcp"]>, "clientSecret">;
};

/** The sharing the provider manages, as outputs store it. */
export type DataAssetPermissions = Loose<PermissionsInput>;

export function storedSource(source: SourceInput | undefined): DataAssetSource | null {
  if (source?.aws) return { aws: source.aws };
  if (source?.gcp) {
    const { bucket, prefix, clientId } = source.gcp;
    return { gcp: { bucket, prefix, clientId } };
  }
  if (source?.computation) return { computation: source.computation };
  if (source?.cloudWorkstation) return { cloudWorkstation: source.cloudWorkstation };
  if (source?.combined) return { combined: source.combined };
  return null;
}

/** A combined asset's parts are a set: listing them in another order changes nothing. */
export function sameSource(a: DataAssetSource | null, b: DataAssetSource | null): boolean {
  const parts = (s: DataAssetSource | null) => {
    const ids = s?.combined?.dataAssetIds;
    return ids ? { combined: { dataAssetIds: [...ids].sort() } } : s;
  };
  return sameValue(parts(a), parts(b));
}

/** A field with several values is a set: Code Ocean may list them in another order. */
export function sameMetadata(a: Record<string, unknown> | null, b: Record<string, unknown> | null) {
  const sets = (m: Record<string, unknown> | null) =>
    m &&
    Object.fromEntries(
      Object.entries(m).map(([k, v]) => [k, Array.isArray(v) ? [...v].map(String).sort() : v]),
    );
  return sameValue(sets(a), sets(b));
}

/** The declared sharing as outputs store it. */
export function storedPermissions(p: PermissionsInput | undefined): DataAssetPermissions | null {
  if (!p) return null;
  return {
    users: p.users.map(({ email, role }) => ({ email, role })),
    groups: p.groups.map(({ group, role }) => ({ group, role })),
    everyone: p.everyone,
    shareAssets: p.shareAssets,
  };
}

/**
 * The sharing Code Ocean lists, as outputs store it. Code Ocean lists the owner among the
 * users; that entry is not drift unless the declaration names the owner itself.
 * `share_assets` is not echoed: the stored value stands.
 */
export function effectivePermissions(
  listed: Permissions,
  asset: RemoteAsset,
  stored: DataAssetPermissions,
): DataAssetPermissions {
  const declaredEmails = new Set(stored.users.map((u) => u.email.toLowerCase()));
  const owner = asset.ownerEmail.toLowerCase();
  // Without the owner's e-mail, the one owner that was not declared is taken for it.
  const ownerEntry = listed.users.find(
    (u) =>
      u.role === "owner" &&
      !declaredEmails.has(u.email.toLowerCase()) &&
      (!owner || u.email.toLowerCase() === owner),
  );
  return {
    users: listed.users.filter((u) => u !== ownerEntry),
    groups: listed.groups,
    everyone: listed.everyone,
    shareAssets: stored.shareAssets,
  };
}

/** The same sharing, whatever the order of users and groups and the case of e-mails. */
export function samePermissions(a: DataAssetPermissions | null, b: DataAssetPermissions | null) {
  const key = (p: DataAssetPermissions | null) =>
    p && {
      users: p.users.map((u) => `${u.email.toLowerCase()}=${u.role}`).sort(),
      groups: p.groups.map((g) => `${g.group}=${g.role}`).sort(),
      everyone: p.everyone,
      shareAssets: p.shareAssets,
    };
  return sameValue(key(a), key(b));
}
