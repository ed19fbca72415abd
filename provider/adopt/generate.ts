/**
 * The TypeScript module codeocean-adopt writes: one `DataAsset` per existing asset, with
 * `adoptExistingId` and the asset's current metadata, archive state and sharing as its
 * inputs, so that the first `up` adopts everything without a change and the next `preview`
 * shows none. Pure (no I/O): the same assets and options give the same bytes.
 */
import { arr, bool, Entry, hex4, Literal, num, obj, print, str } from "./format";
import type { AssetBasics } from "../resources/dataAsset/view";
import type { MetadataValue } from "../core/api/schemas";
import { compareText, resourceNames } from "./names";

/** What codeocean-adopt learned about one asset. */
export interface AdoptedAsset extends AssetBasics {
  /** Found among the archived assets. */
  archived: boolean;
  sourceBucket: { origin: string; bucket: string; prefix: string; external: boolean } | null;
  /** A result's computation (run) id, `""` when none. */
  computation: string;
  /** A combined asset's parts. */
  containedDataAssetIds: string[];
  /** The sharing without the owner's own entry; null when not read (an asset not ready). */
  permissions: {
    users: { email: string; role: string }[];
    groups: { group: string; role: string }[];
    everyone: string;
  } | null;
}

export interface GenerateOptions {
  /** The options that chose the assets, as given (echoed in the header; never credentials). */
  argv: readonly string[];
  /** The pulumi-codeocean version that wrote the file. */
  version: string;
  /** What `pulumi destroy` does to every asset, when chosen (`--on-delete`); the provider's default otherwise. */
  onDelete?: "archive" | "retain" | "delete";
}

/** Assets with their resource names, sorted by name, then id. */
export function namedAssets(
  assets: readonly AdoptedAsset[],
): { name: string; asset: AdoptedAsset }[] {
  const names = resourceNames(assets);
  const byId = new Map(assets.map((a) => [a.id, a]));
  return [...byId.values()]
    .map((asset) => ({ name: names.get(asset.id)!, asset }))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.asset.id, b.asset.id));
}

/** The whole module. */
export function generateModule(assets: readonly AdoptedAsset[], options: GenerateOptions): string {
  const named = namedAssets(assets);
  const table = obj(
    named.map(({ name, asset }, i) => ({
      key: name,
      value: declaration(asset, options.onDelete),
      comments: describe(asset),
      blankBefore: i > 0,
    })),
    true,
  );
  return [
    ...header(
      named.map((n) => n.asset),
      options,
    ),
    'import type * as pulumi from "@pulumi/pulumi";',
    'import { DataAsset, type DataAssetArgs } from "pulumi-codeocean";',
    "",
    "/** The declared inputs, by resource name: each asset as Code Ocean showed it. */",
    ...print(table, 0, "export const adoptedDataAssetArgs = ", SATISFIES),
    ...FOOTER,
  ].join("\n");
}

const SATISFIES = " satisfies Record<string, DataAssetArgs>;";

/** The function that declares the resources. */
const FOOTER = `
export type AdoptedName = keyof typeof adoptedDataAssetArgs;

type Options = pulumi.CustomResourceOptions | undefined;

/** Options for every resource (e.g. \`{ protect: true }\`), or a function of its name and asset id. */
export type AdoptOptions =
  Options | ((name: AdoptedName, id: string) => Options);

/** Declares one DataAsset per entry above, each adopting its asset. Call it once per program. */
export function adoptedDataAssets(
  opts?: AdoptOptions,
): Record<AdoptedName, DataAsset> {
  const assets = {} as Record<AdoptedName, DataAsset>;
  for (const name of Object.keys(adoptedDataAssetArgs) as AdoptedName[]) {
    const args = adoptedDataAssetArgs[name];
    const o =
      typeof opts === "function" ? opts(name, args.adoptExistingId) : opts;
    assets[name] = new DataAsset(name, args, o);
  }
  return assets;
}
`.split("\n");

/** A custom metadata value: a string, a number, or a list of them (a field with several values). */
function metadataLiteral(v: MetadataValue): Literal {
  if (Array.isArray(v)) return arr(v.map(metadataLiteral));
  return typeof v === "number" ? num(v) : str(v);
}

/** One asset's inputs: defaults (empty description, tags, metadata; live) are left out. */
function declaration(a: AdoptedAsset, onDelete: GenerateOptions["onDelete"]): Literal {
  const entries: Entry[] = [
    { key: "adoptExistingId", value: str(a.id) },
    { key: "name", value: str(a.name) },
    { key: "mount", value: str(a.mount) },
  ];
  if (a.description) entries.push({ key: "description", value: str(a.description) });
  if (a.tags.length) entries.push({ key: "tags", value: arr(a.tags.map(str)) });
  const metadata = Object.entries(a.customMetadata);
  if (metadata.length) {
    entries.push({
      key: "customMetadata",
      value: obj(
        metadata.map(([key, v]) => ({ key, value: metadataLiteral(v) })),
        true,
      ),
    });
  }
  if (a.archived) entries.push({ key: "archived", value: bool(true) });
  if (a.permissions) {
    const { users, groups, everyone } = a.permissions;
    const p: Entry[] = [];
    if (users.length) {
      const list = users.map((u) => obj([entry("email", u.email), entry("role", u.role)]));
      p.push({ key: "users", value: arr(list) });
    }
    if (groups.length) {
      const list = groups.map((g) => obj([entry("group", g.group), entry("role", g.role)]));
      p.push({ key: "groups", value: arr(list) });
    }
    p.push(entry("everyone", everyone));
    entries.push({ key: "permissions", value: obj(p, true) });
  }
  // Code Ocean takes sharing only from a ready asset, and a draft or failed one would keep
  // the first `up` waiting for a readiness that may never come.
  if (a.state !== "ready") entries.push({ key: "waitForReady", value: bool(false) });
  if (onDelete) entries.push({ key: "onDelete", value: str(onDelete) });
  return obj(entries, true);
}

const entry = (key: string, value: string): Entry => ({ key, value: str(value) });

/** Comment lines above an asset: what it is and where its data lives. */
function describe(a: AdoptedAsset): string[] {
  const where: string[] = [];
  const b = a.sourceBucket;
  if (a.type === "combined" && a.containedDataAssetIds.length) {
    where.push(`combined from ${a.containedDataAssetIds.join(", ")}`);
  } else if (a.computation) {
    where.push(`results of computation ${a.computation}`);
  }
  if (b?.bucket) {
    const scheme = b.origin === "gcp" ? "gs" : b.origin === "aws" ? "s3" : b.origin || "bucket";
    where.push(`${scheme}://${b.bucket}/${b.prefix}${b.external ? " (external)" : ""}`);
  }
  const lines = [[a.type || "data asset", ...where].join(", ")];
  if (a.state !== "ready") {
    lines.push(
      `state "${a.state}" when generated: no sharing read or declared, waitForReady: false`,
    );
  }
  return lines.map(commentSafe);
}

/** Text for a comment: control and invisible characters shown as escapes, `*\/` broken. */
function commentSafe(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, hex4).replace(/\*\//g, "*\\/");
}

/** `--query 'name:"reads"'` as a POSIX shell would take it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function header(assets: AdoptedAsset[], o: GenerateOptions): string[] {
  const archived = assets.filter((a) => a.archived).length;
  const command = commentSafe(["codeocean-adopt", ...o.argv.map(shellQuote)].join(" "));
  const counts =
    `${assets.length} data asset${assets.length === 1 ? "" : "s"}` +
    (archived ? ` (${assets.length - archived} live, ${archived} archived)` : "");
  const text = [
    "Code Ocean data assets brought under management: one pulumi-codeocean DataAsset per",
    `existing asset, with adoptExistingId. ${counts}.`,
    "",
    `Generated by pulumi-codeocean ${o.version}:`,
    "",
    `  ${command}`,
    "",
    "Regenerate it with the same command, or edit it: it is yours from now on. Use it in a",
    "Pulumi program with",
    "",
    '  import { adoptedDataAssets } from "./<this file>";',
    "  const assets = adoptedDataAssets(); // or adoptedDataAssets({ protect: true })",
    "",
    "The first `pulumi up` adopts every asset, creates none and changes nothing (it reads each",
    "asset's sharing and finds it as declared). The next `pulumi preview` shows no change. Each asset is declared",
    "as Code Ocean showed it: name, mount, description, tags, custom metadata, archived, and",
    "its sharing (permissions, without the owner's own entry). From now on the provider owns",
    "these: an edit in the web UI shows as drift, and the next `up` puts the declared value back.",
    "",
    "What this file could not know:",
    "- Capsule and pipeline attachments: Code Ocean has no API that lists them. Declare each",
    "  one you rely on as a CapsuleAttachment.",
    "- `source`: left out, since adopted assets need none. Where the data came from is not",
    "  reproduced (the bucket import, the run of a result asset, the parts of a combined",
    "  asset); setting a `source` later replaces the asset.",
    "- permissions.shareAssets: Code Ocean does not report it; the default (false) stands.",
    ...(o.onDelete
      ? [
          `- Provider settings: onDelete is "${o.onDelete}" on every asset (--on-delete), so`,
          o.onDelete === "retain"
            ? "  `pulumi destroy` leaves these assets as they are."
            : o.onDelete === "delete"
              ? "  `pulumi destroy` archives, then permanently deletes these assets."
              : "  `pulumi destroy` archives these assets.",
        ]
      : [
          '- Provider settings: onDelete defaults to "archive", so `pulumi destroy` archives these',
          '  assets; set onDelete: "retain" on those it must leave alone (or regenerate with',
          "  --on-delete retain).",
        ]),
  ];
  return ["/**", ...text.map((l) => (l ? ` * ${l}` : " *")), " */"];
}
