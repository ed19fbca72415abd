/**
 * The lookups, declared once: what `getDataAsset` and `searchDataAssets` take and give back.
 * Programs call them through the dynamic face (faces/dynamic/lookups.ts), the plugin answers
 * them as the schema's functions (`codeocean:index:getDataAsset`, …), and both check their
 * arguments with these declarations before any call.
 */
import { z } from "zod";
import { codeOceanId } from "../../core/model/checks";
import { MetadataValue } from "../../core/model/dataAsset";
import { Provenance, SourceBucket } from "../../core/model/dataAsset/reported";
import { SearchFilter } from "../../core/model/search";
import * as t from "../../declare/types";

const text = t.string("a string");
const count = t.number(z.number());

export const DataAssetInfo = t.object(
  "DataAssetInfo",
  "A data asset as a lookup returns it.",
  {
    id: t.required(text, "The asset's id."),
    name: t.required(text, "Display name."),
    mount: t.required(text, "Default mount folder under `/data`."),
    description: t.required(text, 'Description (`""` when none).'),
    tags: t.required(t.array(text, { expected: "a list" }), "Tags."),
    customMetadata: t.required(
      t.map(MetadataValue, z.record(z.string(), MetadataValue.zod)),
      "Custom metadata values by field name.",
    ),
    state: t.required(text, "`draft`, `ready` or `failed`."),
    type: t.required(text, "`dataset`, `result`, `combined` or `model`."),
    created: t.required(count, "Creation time, epoch seconds."),
    size: t.required(count, "Size in bytes; -1 while unknown."),
    files: t.required(count, "Number of files; -1 while unknown."),
    owner: t.required(text, "Owner's user id."),
    external: t.required(t.boolean(), "Whether the files stay in the customer's bucket."),
    sourceBucket: t.required(
      SourceBucket,
      'Where Code Ocean says the data lives (`origin` `""` when it does not say).',
    ),
    provenance: t.required(Provenance, "For results: where they came from."),
  },
  { expected: "an object" },
);

export const GetDataAssetArgs = t.object(
  "GetDataAssetArgs",
  "One asset, by id or by its exact name (exactly one of them).",
  {
    id: t.optional(t.string(codeOceanId("data asset")), "The asset's id."),
    name: t.optional(
      t.string(z.string().min(1, "must not be empty")),
      "Its exact name, which must match exactly one live asset.",
    ),
  },
  {
    expected: 'an object, e.g. { name: "GRCh38 reference" }',
    rules: [
      (a, ctx) => {
        if ((a.id === undefined) === (a.name === undefined))
          ctx.addIssue({ code: "custom", message: "needs exactly one of id and name" });
      },
    ],
  },
);

const choice = <const V extends readonly [string, ...string[]]>(values: V) => t.oneOf(values);

export const SearchDataAssetsArgs = t.object(
  "SearchDataAssetsArgs",
  "What to search for: every criterion given must match.",
  {
    query: t.optional(
      text,
      "Code Ocean's search syntax: fields `name:`, `tag:`, `run_script:`, `commit_id:`, `contained_data_id:` (the same field repeated means OR, different fields AND; quotes for an exact phrase) and free text over names, tags, descriptions and custom metadata.",
    ),
    name: t.optional(text, "Exactly this name."),
    tags: t.optional(t.array(text, { expected: "a list of tags" }), "Every one of these tags."),
    type: t.optional(
      choice(["dataset", "result", "combined", "model"]),
      "`dataset`, `result`, `combined` or `model`.",
    ),
    archived: t.optional(t.boolean(), "Archived assets instead of live ones. Default `false`."),
    customMetadata: t.optional(
      t.map(
        MetadataValue,
        z.record(z.string(), z.union([z.string(), z.number()]), {
          error: "must be a map of field name to a string or a number",
        }),
      ),
      "These custom metadata values (for a field with several values: among them).",
    ),
    origin: t.optional(
      choice(["internal", "external"]),
      "`internal` (files in Code Ocean) or `external` (files left in your bucket).",
    ),
    ownership: t.optional(
      choice(["created", "shared"]),
      "`created` (by the token's user) or `shared` (with it); default: every asset it can see.",
    ),
    favorite: t.optional(t.boolean(), "Only the token's user's favorites."),
    filters: t.optional(
      t.array(SearchFilter, { expected: "a list of filters" }),
      "Field-level filters: value, values or range, optionally excluded.",
    ),
    sortField: t.optional(
      choice(["created", "type", "name", "size"]),
      "Sort by `created`, `type`, `name` or `size` (Code Ocean's default: created, newest first).",
    ),
    sortOrder: t.optional(choice(["asc", "desc"]), "`asc` or `desc`; needs sortField."),
    limit: t.optional(
      t.integer(z.number().int("must be a whole number").min(1, "must be 1 or more")),
      "At most this many results. Default: all.",
    ),
  },
  {
    expected: "an object",
    rules: [
      (a, ctx) => {
        if (a.sortOrder !== undefined && a.sortField === undefined)
          ctx.addIssue({
            code: "custom",
            path: ["sortOrder"],
            message: "needs sortField: say what to sort by",
          });
      },
    ],
  },
);

export const SearchDataAssetsResult = t.object(
  "SearchDataAssetsResult",
  "The assets a search found.",
  {
    assets: t.required(
      t.array(DataAssetInfo, { expected: "a list" }),
      "The assets, in Code Ocean's order.",
    ),
  },
  { expected: "an object" },
);

export type DataAssetInfoValue = z.output<typeof DataAssetInfo.zod>;
export type SearchDataAssetsArgsValue = z.output<typeof SearchDataAssetsArgs.zod>;
export type GetDataAssetArgsValue = z.output<typeof GetDataAssetArgs.zod>;
