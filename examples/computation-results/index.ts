/**
 * Result assets from a run: one captured into Code Ocean, one written to an S3 bucket this
 * program creates (an *external result*), both attached to a pipeline that consumes them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as codeocean from "pulumi-codeocean";

const config = new pulumi.Config();
/** The run whose results to keep (Code Ocean: the capsule's Timeline → the run → its ID). */
const computationId = config.require("computationId");
/** The pipeline that mounts the results. */
const pipelineId = config.require("pipelineId");
/**
 * Optional: the IAM role Code Ocean uses to write to S3. When set, the results bucket gets a
 * policy that lets that role write under `results/`. Otherwise Code Ocean must already have
 * credentials for the bucket (see the README).
 */
const codeOceanRoleArn = config.get("codeOceanRoleArn");

// 1. The run's figures, captured into Code Ocean: a *result* asset with provenance (capsule,
//    commit, input data) that survives the run being deleted.
const figures = new codeocean.DataAsset("figures", {
  name: `Figures, run ${computationId.slice(0, 8)}`,
  mount: "figures",
  description: "Plots from the alignment run",
  tags: ["results", "figures"],
  source: { computation: { id: computationId, path: "figures" } },
});

// 2. The run's main output, written to your own S3 bucket instead of Code Ocean's storage.
// No forceDestroy: `pulumi destroy` will not delete a bucket that still holds results.
const resultsBucket = new aws.s3.Bucket("results", {
  bucketPrefix: "codeocean-results-",
  tags: { project: "rna-seq", "managed-by": "pulumi" },
});
new aws.s3.BucketPublicAccessBlock("results", {
  bucket: resultsBucket.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});

const resultsPrefix = `results/${computationId}/`;
const writeAccess: pulumi.Resource[] = [];
if (codeOceanRoleArn) {
  writeAccess.push(
    new aws.s3.BucketPolicy("results-codeocean-write", {
      bucket: resultsBucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "CodeOceanList",
            Effect: "Allow",
            Principal: { AWS: codeOceanRoleArn },
            Action: ["s3:ListBucket", "s3:GetBucketLocation"],
            Resource: resultsBucket.arn,
          },
          {
            Sid: "CodeOceanWrite",
            Effect: "Allow",
            Principal: { AWS: codeOceanRoleArn },
            Action: ["s3:PutObject", "s3:GetObject"],
            Resource: pulumi.interpolate`${resultsBucket.arn}/results/*`,
          },
        ],
      }),
    }),
  );
}

const alignments = new codeocean.DataAsset(
  "alignments",
  {
    name: `Alignments, run ${computationId.slice(0, 8)}`,
    mount: "alignments",
    description: "BAM files from the alignment run, kept in our results bucket",
    tags: ["results", "genomics"],
    source: { computation: { id: computationId, path: "output" } },
    target: { aws: { bucket: resultsBucket.bucket, prefix: resultsPrefix } },
    // Copying large results out can take a while; allow up to an hour before `up` gives up
    // waiting (the next `up` resumes the wait; the asset is never orphaned).
    readyTimeoutSeconds: 3600,
  },
  { dependsOn: writeAccess },
);

// Both results mounted in the downstream pipeline, under /data/figures and /data/alignments.
new codeocean.CapsuleAttachment("figures-on-pipeline", {
  pipelineId,
  dataAssetId: figures.id,
});
new codeocean.CapsuleAttachment("alignments-on-pipeline", {
  pipelineId,
  dataAssetId: alignments.id,
});

export const figuresId = figures.id;
export const figuresProvenance = figures.provenance;
export const alignmentsId = alignments.id;
export const alignmentsLocation = pulumi.interpolate`s3://${resultsBucket.bucket}/${resultsPrefix}`;
export const alignmentsExternal = alignments.external;
