/**
 * Code Ocean's data-asset objects, declared once (see declare/types.ts): what an asset is
 * called and holds, and the requests that create and update it. Where the data comes from,
 * where results go, who may see an asset, the lineage of imported results, and what Code
 * Ocean reports back (bucket, provenance, parts, run parameters) are declared beside it, in
 * dataAsset/. The client builds its request bodies from these declarations, the DataAsset
 * table its inputs and outputs, and the schema, the TypeScript declarations and the reference
 * tables follow from them.
 */
import { z } from "zod";
import * as t from "../../declare/types";
import { typeError } from "../../declare/validate";
import {
  codeOceanId,
  mountName,
  noDuplicates,
  nonEmptyString,
  safeKeys,
  visibleText,
} from "./checks";
import { ResultsInfo } from "./dataAsset/lineage";
import { DataAssetSource } from "./dataAsset/source";
import { DataAssetTarget } from "./dataAsset/target";

const METADATA_VALUE_HINT =
  'must be a string, a number (dates as epoch seconds, e.g. 1676246400), or a list of them for a field that takes several values (e.g. ["ephys", "imaging"])';
const metadataScalar = z.union([z.string(), z.number().finite()], { error: METADATA_VALUE_HINT });

/** A custom metadata value: a string, a number, or a list of them (a field with several values). */
export const MetadataValue = t.any(
  z.union(
    [
      metadataScalar,
      z
        .array(metadataScalar, { error: METADATA_VALUE_HINT })
        .min(1, "must not be an empty list: leave the field out instead"),
    ],
    { error: METADATA_VALUE_HINT },
  ),
  "string | number | (string | number)[]",
  "string, number, or a list of them",
);

/** What the asset is called and holds: the fields a create sends and an update changes. */
export const DataAssetFields = {
  name: t.required(
    t.string(
      nonEmptyString('"RNA-Sequencing reads"').pipe(
        visibleText(z.string().max(255, "must be at most 255 characters")),
      ),
    ),
    "Display name in Code Ocean. Updated in place.",
  ),
  mount: t.required(
    t.string(mountName),
    "Default folder name under `/data` when attached: one segment of ASCII letters, digits, `.`, `_`, `-`. Updated in place.",
  ),
  description: t.defaulted(t.string("a string"), "", "Free text. Updated in place."),
  tags: t.defaulted(
    t.array(t.string(nonEmptyString('"genomics"').pipe(visibleText(z.string()))), {
      expected: 'a list of strings, e.g. ["genomics"]',
      refine: (list) => list.superRefine(noDuplicates("tag", (tag) => tag.toLowerCase())),
    }),
    [],
    "Tags; order does not matter, each once (case ignored). Updated in place.",
  ),
  customMetadata: t.defaulted(
    t.map(
      MetadataValue,
      safeKeys(
        z.record(
          z.string().min(1, "keys must not be empty: use the field's name"),
          MetadataValue.zod,
          {
            error: (issue) =>
              issue.code === "invalid_type"
                ? typeError('a map of field name to value, e.g. { "subject id": "S-001" }')(issue)
                : undefined,
          },
        ),
      ),
    ),
    {},
    "Values for the deployment's admin-defined metadata fields, by field name (names may contain spaces): strings or numbers, dates as epoch seconds, a list of them for a field the deployment's schema marks as taking several values. Checked against the deployment's schema at preview. Updated in place (the whole map is sent).",
  ),
};

/** `POST /data_assets`: the asset's fields and where its data comes from. */
export const CreateDataAssetRequest = t.object(
  "CreateDataAssetRequest",
  "A create request.",
  {
    ...DataAssetFields,
    source: t.optional(DataAssetSource, "Where the data comes from (not with dataAssetIds)."),
    dataAssetIds: t.optional(
      t.array(t.string(codeOceanId("data asset")), { expected: "a list of data asset ids" }),
      "The external assets a combined asset joins (instead of a source).",
    ),
    target: t.optional(DataAssetTarget, "Where a computation's results go."),
    resultsInfo: t.optional(ResultsInfo, "Lineage of imported results."),
  },
  { expected: "an object" },
);

/** `PUT /data_assets/{id}`: Code Ocean marks name, description, tags and mount required. */
export const UpdateDataAssetRequest = t.object(
  "UpdateDataAssetRequest",
  "A metadata update: name, description, tags and mount always; custom metadata when it changed.",
  {
    name: DataAssetFields.name,
    description: t.required(t.string("a string"), DataAssetFields.description.description),
    tags: t.required(DataAssetFields.tags.node, DataAssetFields.tags.description),
    mount: DataAssetFields.mount,
    customMetadata: t.optional(
      DataAssetFields.customMetadata.node,
      "Sent whole, and only when it changed (whether Code Ocean merges it is undocumented).",
    ),
  },
  { expected: "an object" },
);

/** The shapes the declarations stand for, as code handles them (defaults filled). */
export type CreateDataAssetParams = z.input<typeof CreateDataAssetRequest.zod>;
export type UpdateDataAssetParams = z.output<typeof UpdateDataAssetRequest.zod>;
export type MetadataValueInput = z.output<typeof MetadataValue.zod>;
