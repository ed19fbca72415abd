/**
 * What Code Ocean reports back about a data asset: where its data lives, where a result came
 * from, the parts of a combined asset, a result's run parameters (see declare/types.ts).
 */
import { z } from "zod";
import * as t from "../../../declare/types";
import { typeError } from "../../../declare/validate";

const text = (description: string) => t.required(t.string("a string"), description);
const count = (description: string) =>
  t.required(t.number(z.number({ error: typeError("a number") })), description);

export const SourceBucket = t.object(
  "SourceBucket",
  "Where Code Ocean says an asset's data lives.",
  {
    origin: text('`aws`, `gcp` or `local` (inside Code Ocean); `""` when Code Ocean does not say.'),
    bucket: text('Bucket name, `""` for local.'),
    prefix: text("Key prefix."),
    external: t.required(t.boolean(), "Whether the files stay in the customer's bucket."),
  },
  { expected: "an object" },
);

export const Provenance = t.object(
  "Provenance",
  'Where a result came from; `""` and `[]` where Code Ocean says nothing.',
  {
    capsule: text("The capsule that computed it."),
    pipeline: text("The pipeline that computed it."),
    computation: text("The computation (run) id."),
    commit: text("The capsule's git commit."),
    runScript: text("The script the run executed."),
    dockerImage: text("The environment's container image."),
    dataAssets: t.required(
      t.array(t.string("a string"), { expected: "a list" }),
      "Ids of the data assets the run used.",
    ),
  },
  { expected: "an object" },
);

export const ContainedDataAsset = t.object(
  "ContainedDataAsset",
  "One part of a combined asset.",
  {
    id: text("The part's id."),
    mount: text("Its folder inside the combined asset's mount."),
    size: count("Its size in bytes; -1 while unknown."),
  },
  { expected: "an object" },
);

export const AppParameter = t.object(
  "AppParameter",
  "One run parameter as Code Ocean echoes it on a result.",
  { name: text("The parameter's name."), value: text("Its value, as text.") },
  { expected: "an object" },
);

export type SourceBucketValue = z.output<typeof SourceBucket.zod>;
export type ProvenanceValue = z.output<typeof Provenance.zod>;
export type ContainedDataAssetValue = z.output<typeof ContainedDataAsset.zod>;
export type AppParameterValue = z.output<typeof AppParameter.zod>;
