/**
 * Data assets declared alongside the buckets they come from: an S3 bucket, a few objects in
 * it, and an external Code Ocean data asset over that bucket, attached to a capsule. One
 * `pulumi up` creates them in order; one `pulumi destroy` takes them down again.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as codeocean from "pulumi-codeocean";

const config = new pulumi.Config();
/** The capsule that reads the data (Code Ocean: capsule → ⋮ → Capsule info → ID). */
const capsuleId = config.require("capsuleId");
/**
 * Optional: the IAM role Code Ocean uses to read your buckets. When set, the bucket gets a
 * policy that lets that role list and read the reads. Otherwise Code Ocean must already have
 * credentials for the bucket (see the README).
 */
const codeOceanRoleArn = config.get("codeOceanRoleArn");

// The bucket that holds the sequencing reads. It stays private: Code Ocean reads it with
// its own credentials, and the files never leave it (keepOnExternalStorage below).
const bucket = new aws.s3.Bucket("rna-reads", {
  bucketPrefix: "rna-reads-",
  // Lets `pulumi destroy` remove the bucket with its objects. Drop it for real data.
  forceDestroy: true,
  tags: { project: "rna-seq", "managed-by": "pulumi" },
});
new aws.s3.BucketPublicAccessBlock("rna-reads", {
  bucket: bucket.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});

const prefix = "runs/2026-11/";
const samples = ["S-001", "S-002", "S-003"];

/** A tiny FASTQ file standing in for a sequencing run's output. */
function fastq(sample: string): string {
  return [1, 2, 3]
    .map((n) => `@${sample}:read${n}\nACGTACGTTAGCCGATAGGC\n+\nIIIIIIIIIIIIIIIIIIII\n`)
    .join("");
}

const objects: pulumi.Resource[] = [
  ...samples.map(
    (sample) =>
      new aws.s3.BucketObjectv2(`reads-${sample}`, {
        bucket: bucket.id,
        key: `${prefix}${sample}.fastq`,
        content: fastq(sample),
        contentType: "text/plain",
      }),
  ),
  new aws.s3.BucketObjectv2("samples-sheet", {
    bucket: bucket.id,
    key: `${prefix}samples.csv`,
    content: ["sample,condition", ...samples.map((s, i) => `${s},${i % 2 ? "treated" : "control"}`)]
      .join("\n")
      .concat("\n"),
    contentType: "text/csv",
  }),
];

if (codeOceanRoleArn) {
  objects.push(
    new aws.s3.BucketPolicy("rna-reads-codeocean-read", {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "CodeOceanList",
            Effect: "Allow",
            Principal: { AWS: codeOceanRoleArn },
            Action: ["s3:ListBucket", "s3:GetBucketLocation"],
            Resource: bucket.arn,
          },
          {
            Sid: "CodeOceanRead",
            Effect: "Allow",
            Principal: { AWS: codeOceanRoleArn },
            Action: ["s3:GetObject"],
            Resource: pulumi.interpolate`${bucket.arn}/${prefix}*`,
          },
        ],
      }),
    }),
  );
}

// The data asset over that folder. `bucket.bucket` is the generated bucket name, so the asset
// always points at the bucket this stack made; `dependsOn` holds its creation until the
// objects (and the policy) exist, so Code Ocean indexes a folder that is already complete.
const reads = new codeocean.DataAsset(
  "rna-reads",
  {
    name: "RNA-Sequencing reads, 2026-11",
    mount: "reads",
    description: pulumi.interpolate`Sequencing reads in s3://${bucket.bucket}/${prefix}`,
    tags: ["genomics", "rna"],
    source: {
      aws: { bucket: bucket.bucket, prefix, keepOnExternalStorage: true },
    },
  },
  { dependsOn: objects },
);

// Mount it in the capsule at /data/reads.
new codeocean.CapsuleAttachment("reads-on-capsule", {
  capsuleId,
  dataAssetId: reads.id,
  mount: "reads",
});

export const bucketName = bucket.bucket;
export const dataAssetId = reads.id;
export const dataAssetState = reads.state;
export const external = reads.external;
export const files = reads.files;
export const sourceBucket = reads.sourceBucket;
