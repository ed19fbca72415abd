/** Where a computation's results go instead of Code Ocean (see declare/types.ts). */
import { z } from "zod";
import * as t from "../../../declare/types";
import { endpointName, s3Bucket } from "./source";

export const S3Target = t.object(
  "S3Target",
  "Where a computation's results go in your own S3 bucket.",
  {
    bucket: t.required(s3Bucket, "The bucket name, without `s3://`."),
    prefix: t.required(
      t.string('a key prefix, e.g. "results/"'),
      "Key prefix to write the results under.",
    ),
    endpointName,
  },
  { expected: 'an object, e.g. { bucket: "acme-results", prefix: "runs/" }' },
);

export const DataAssetTarget = t.object(
  "DataAssetTarget",
  "Store a computation's results in your own S3 bucket instead of Code Ocean (an *external result*).",
  { aws: t.required(S3Target, "The S3 bucket and key prefix to write the results to.") },
  { expected: 'an object, e.g. { aws: { bucket: "acme-results", prefix: "runs/" } }' },
);

export type TargetInput = z.output<typeof DataAssetTarget.zod>;
