/**
 * Where a data asset's data comes from: an S3 or GCS bucket, a run's results, a Cloud
 * Workstation session, or other assets joined (see declare/types.ts).
 */
import { z } from "zod";
import * as t from "../../../declare/types";
import { typeError } from "../../../declare/validate";
import { codeOceanId, matching, nonEmptyString } from "../checks";

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

export const s3Bucket = t.string(
  z
    .string({ error: typeError('an S3 bucket name, e.g. "acme-rna-reads"') })
    .superRefine(
      matching(
        S3_BUCKET,
        /[a-z0-9.-]/,
        /[a-z0-9]/,
        "must be an S3 bucket name: 3-63 lowercase ASCII letters, digits, dots and hyphens, starting and ending with a letter or digit (no s3:// prefix, no folder: put that in prefix)",
      ),
    ),
);

const folderPath = (example: string) =>
  t.string(
    z
      .string({ error: typeError(`a folder path, e.g. "${example}"`) })
      .refine((p) => !p.split("/").includes(".."), 'must not contain ".." segments'),
  );

const flag = () => t.boolean();

export const endpointName = t.optional(
  t.string(nonEmptyString('"onprem-minio" (the name of a custom S3 endpoint)')),
  "A custom S3 endpoint configured in your deployment (e.g. an on-premises object store), by name.",
);

export const AwsSource = t.object(
  "AwsSource",
  "Import from an S3 bucket.",
  {
    bucket: t.required(s3Bucket, "The bucket name, without `s3://`."),
    prefix: t.defaulted(
      folderPath("runs/2026-11/"),
      "",
      "Key prefix (folder) inside the bucket; empty for the whole bucket.",
    ),
    keepOnExternalStorage: t.defaulted(
      flag(),
      false,
      "`true`: leave the files in S3 (an *external* asset); `false`: copy them into Code Ocean.",
    ),
    public: t.defaulted(
      flag(),
      false,
      "`true`: read the bucket without credentials; `false`: Code Ocean uses its configured cloud credentials.",
    ),
    endpointName,
  },
  { expected: 'an object, e.g. { bucket: "acme-reads", prefix: "runs/" }' },
);

export const GcpSource = t.object(
  "GcpSource",
  "Import from a Google Cloud Storage bucket.",
  {
    bucket: t.required(
      t.string(
        z
          .string({ error: typeError('a GCS bucket name, e.g. "acme-imaging"') })
          .superRefine(
            matching(
              GCS_BUCKET,
              /[a-z0-9._-]/,
              /[a-z0-9]/,
              "must be a GCS bucket name: lowercase ASCII letters, digits, dots, hyphens and underscores (no gs:// prefix, no folder: put that in prefix)",
            ),
          ),
      ),
      "The bucket name, without `gs://`.",
    ),
    prefix: t.defaulted(folderPath("scans/"), "", "Folder inside the bucket."),
    clientId: t.defaulted(
      t.string("a string: the service account's client id"),
      "",
      'Service-account client id, for private buckets (`""` for a public bucket).',
    ),
    clientSecret: t.defaulted(
      t.string("a string: the service account's client secret"),
      "",
      "Service-account client secret, for private buckets. Kept encrypted in the state, never in outputs.",
      { secret: true },
    ),
  },
  { expected: 'an object, e.g. { bucket: "acme-imaging", prefix: "scans/" }' },
);

export const ComputationSource = t.object(
  "ComputationSource",
  "Capture a computation's (run's) results.",
  {
    id: t.required(t.string(codeOceanId("computation")), "The computation (run) id."),
    path: t.defaulted(
      folderPath("results/figures"),
      "",
      "Folder inside the run's results; empty for all results.",
    ),
  },
  { expected: 'an object, e.g. { id: "<computation id>", path: "figures" }' },
);

export const CloudWorkstationSource = t.object(
  "CloudWorkstationSource",
  "Capture files from a running Cloud Workstation session.",
  {
    id: t.required(
      t.string(codeOceanId("Cloud Workstation session (its computation)")),
      "The session's computation id.",
    ),
    path: t.required(
      t.string(
        z
          .string({
            error: typeError('the folder in the session to capture, e.g. "results/figures"'),
          })
          .trim()
          .min(1, 'must not be empty: the folder in the session to capture, e.g. "results/figures"')
          .refine((p) => !p.split("/").includes(".."), 'must not contain ".." segments'),
      ),
      'The folder in the session to capture, e.g. `"results/figures"`.',
    ),
    runScript: t.optional(
      t.string(
        z
          .string({
            error: typeError('the script that ran, relative to the capsule, e.g. "code/run"'),
          })
          .min(
            1,
            'must not be empty: leave it out for a dataset, or give the script, e.g. "code/run"',
          ),
      ),
      'The script that ran, relative to the capsule (e.g. `"code/run"`): the asset is then a *result* with the session\'s lineage; without it, a dataset.',
    ),
  },
  { expected: 'an object, e.g. { id: "<session computation id>", path: "results/figures" }' },
);

export const CombinedSource = t.object(
  "CombinedSource",
  "Join existing external assets into one (a *combined* asset).",
  {
    dataAssetIds: t.required(
      t.array(t.string(codeOceanId("data asset")), {
        expected: "a list of data asset ids, e.g. [reads.id, reference.id]",
        refine: (list) =>
          list
            .min(2, "needs two or more data asset ids: a combined asset joins external assets")
            .refine((ids) => new Set(ids).size === ids.length, "must not list an asset twice"),
      }),
      "Two or more external data assets, e.g. `[reads.id, reference.id]`.",
    ),
  },
  { expected: "an object, e.g. { dataAssetIds: [reads.id, reference.id] }" },
);

const SOURCE_KINDS = ["aws", "gcp", "computation", "cloudWorkstation", "combined"] as const;

export const DataAssetSource = t.object(
  "DataAssetSource",
  "Where the data comes from: exactly one of `aws`, `gcp`, `computation`, `cloudWorkstation`, `combined`. Changing it replaces the asset.",
  {
    aws: t.optional(AwsSource, "An S3 bucket (dataset asset)."),
    gcp: t.optional(GcpSource, "A GCS bucket (dataset asset)."),
    computation: t.optional(ComputationSource, "A run's results (result asset)."),
    cloudWorkstation: t.optional(
      CloudWorkstationSource,
      "Files in a running Cloud Workstation session (a dataset, or a result with `runScript`).",
    ),
    combined: t.optional(CombinedSource, "Other external assets, joined (combined asset)."),
  },
  {
    expected:
      'an object with one of aws, gcp, computation or cloudWorkstation, e.g. { aws: { bucket: "acme-reads" } } (or combined, to join assets)',
    rules: [
      (s, ctx) => {
        const given = SOURCE_KINDS.filter((k) => s[k] !== undefined);
        if (given.length === 1) return;
        ctx.addIssue({
          code: "custom",
          path: [],
          message:
            given.length === 0
              ? 'needs exactly one of aws, gcp, computation or cloudWorkstation (e.g. source: { aws: { bucket: "acme-reads" } }), or combined to join assets'
              : `needs exactly one of aws, gcp, computation or cloudWorkstation, not ${given.join(" and ")}: declare one DataAsset per source (or combined alone, to join assets)`,
        });
      },
    ],
  },
);

export type SourceInput = z.output<typeof DataAssetSource.zod>;
