/**
 * Bad-input matrix: invalid inputs to both resources are refused by `check` with a failure
 * that names the property path and says how to fix it, without any API call except the one
 * GET /custom_metadata that checking values against the deployment's schema needs. Values
 * unknown at preview never produce a failure. Every case also goes through both faces — the
 * real dynamic-provider host and the native plugin — to show the CheckFailures reach the
 * engine unchanged, and the same through each.
 */
import {
  capsuleAttachmentProvider as ca,
  dataAssetProvider as da,
  freshRuntime,
} from "../helpers/runtime";
import { SEED_IDS, TOKEN, configureProviderEnv, useEmulator } from "../helpers/emulator";
import { FACES, FaceHost, FaceName } from "../helpers/faces";
import { PROVIDER, Props, UNKNOWN, freshProviderState } from "./helpers";

const emu = useEmulator({ readyAfterMs: 30 });
const admin = () => emu.current.admin;
let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = configureProviderEnv(emu.current, { CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.05" });
  freshProviderState();
});
afterAll(() => restoreEnv());

type Resource = "DataAsset" | "CapsuleAttachment";
const DEL = Symbol("delete the key");
type Patch = Record<string, unknown>;

const ASSET_ID = "9d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a";
const OTHER_ASSET_ID = "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b";
const BASE: Record<Resource, Props> = {
  DataAsset: { name: "bad inputs", mount: "reads", source: { aws: { bucket: "acme-rna-reads" } } },
  CapsuleAttachment: { capsuleId: SEED_IDS.capsule, dataAssetId: ASSET_ID, mount: "att" },
};

interface BadInput {
  resource: Resource;
  what: string;
  patch: Patch;
  /** Every failure expected: property path → what its reason must say. */
  expect: Record<string, RegExp>;
  /** Needs the deployment's custom metadata schema (one GET /custom_metadata). */
  schema?: boolean;
}

const aws = (o: Props) => ({ source: { aws: { bucket: "acme-rna-reads", ...o } } });
const computation = (o: Props = {}) => ({
  source: { computation: { id: SEED_IDS.computation } },
  ...o,
});
const D = (
  what: string,
  patch: Patch,
  expect: Record<string, RegExp>,
  extra: Partial<BadInput> = {},
): BadInput => ({
  resource: "DataAsset",
  what,
  patch,
  expect,
  ...extra,
});
const C = (
  what: string,
  patch: Patch,
  expect: Record<string, RegExp>,
  extra: Partial<BadInput> = {},
): BadInput => ({
  resource: "CapsuleAttachment",
  what,
  patch,
  expect,
  ...extra,
});

const CASES: BadInput[] = [
  // name
  D("name missing", { name: DEL }, { name: /is required: a string, e\.g\./ }),
  D("name empty", { name: "" }, { name: /must not be empty, e\.g\./ }),
  D("name blank", { name: "   " }, { name: /must not be empty, e\.g\./ }),
  D(
    "name of the wrong type",
    { name: 42 },
    { name: /must be a string, e\.g\. .*\(got number 42\)/ },
  ),
  D("name too long", { name: "n".repeat(300) }, { name: /at most 255 characters/ }),
  // mount
  D("mount missing", { mount: DEL }, { mount: /is required: a folder name under \/data, e\.g\./ }),
  D("mount empty", { mount: "" }, { mount: /must not be empty: give a folder name/ }),
  D(
    "mount escaping with ..",
    { mount: "../etc" },
    { mount: /must not contain "\.\.": a mount cannot leave \/data/ },
  ),
  D("mount with .. inside", { mount: "reads/../../etc" }, { mount: /must not contain "\.\."/ }),
  D(
    "mount with a leading /",
    { mount: "/data/reads" },
    { mount: /must not start with "\/": it is a folder name under \/data/ },
  ),
  D(
    "mount with a space",
    { mount: "my reads" },
    {
      mount: /may contain only ASCII letters \(A-Z, a-z\), digits.*e\.g\..*found " " at position 3/,
    },
  ),
  D(
    "mount of the wrong type",
    { mount: ["reads"] },
    { mount: /must be a folder name under \/data.*\(got a list\)/ },
  ),
  // source
  D(
    "no source",
    { source: DEL },
    {
      source:
        /is required: give exactly one of source\.aws, source\.gcp, source\.computation or source\.cloudWorkstation/,
    },
  ),
  D(
    "empty source",
    { source: {} },
    { source: /needs exactly one of aws, gcp, computation or cloudWorkstation \(e\.g\./ },
  ),
  D(
    "two sources: aws and gcp",
    { source: { aws: { bucket: "acme-reads" }, gcp: { bucket: "acme-imaging" } } },
    { source: /not aws and gcp: declare one DataAsset per source/ },
  ),
  D(
    "two sources: aws and computation",
    { source: { aws: { bucket: "acme-reads" }, computation: { id: SEED_IDS.computation } } },
    { source: /not aws and computation/ },
  ),
  D(
    "source of the wrong type",
    { source: "s3://acme-reads" },
    { source: /must be an object with one of aws, gcp, computation or cloudWorkstation/ },
  ),
  D("S3 bucket with a scheme", aws({ bucket: "s3://acme-reads" }), {
    "source.aws.bucket": /must be an S3 bucket name.*\(no s3:\/\/ prefix/,
  }),
  D("S3 bucket with capitals", aws({ bucket: "Acme_Reads" }), {
    "source.aws.bucket": /must be an S3 bucket name: 3-63 lowercase/,
  }),
  D(
    "S3 bucket missing",
    { source: { aws: { prefix: "runs/" } } },
    { "source.aws.bucket": /is required: an S3 bucket name, e\.g\./ },
  ),
  D("S3 prefix escaping with ..", aws({ prefix: "../other-team/" }), {
    "source.aws.prefix": /must not contain "\.\." segments/,
  }),
  D("keepOnExternalStorage of the wrong type", aws({ keepOnExternalStorage: "yes" }), {
    "source.aws.keepOnExternalStorage": /must be true or false/,
  }),
  D(
    "typo in source.aws",
    { source: { aws: { bukcet: "acme-reads" } } },
    {
      "source.aws.bukcet": /is not a known property: did you mean bucket\? \(check its spelling/,
      "source.aws.bucket": /is required/,
    },
  ),
  D(
    "GCS bucket with a scheme",
    { source: { gcp: { bucket: "gs://acme-imaging" } } },
    { "source.gcp.bucket": /must be a GCS bucket name.*\(no gs:\/\/ prefix/ },
  ),
  D(
    "GCP clientId without clientSecret",
    { source: { gcp: { bucket: "acme-imaging", clientId: "sa-client" } } },
    { "source.gcp.clientSecret": /clientId and clientSecret go together: give both/ },
  ),
  D(
    "GCP clientSecret without clientId",
    { source: { gcp: { bucket: "acme-imaging" } }, gcpClientSecret: "not-shown" },
    { "source.gcp.clientId": /clientId and clientSecret go together/ },
  ),
  D(
    "computation id that is not a UUID",
    { source: { computation: { id: "run-42" } } },
    { "source.computation.id": /must be a Code Ocean computation id, a UUID such as/ },
  ),
  D(
    "computation path escaping with ..",
    { source: { computation: { id: SEED_IDS.computation, path: "../../etc" } } },
    { "source.computation.path": /must not contain "\.\." segments/ },
  ),
  // target
  D(
    "target without a computation source",
    { target: { aws: { bucket: "acme-results", prefix: "runs/" } } },
    { target: /is only allowed with a computation source.*remove it or use source\.computation/ },
  ),
  D("target without aws", computation({ target: {} }), {
    "target.aws": /is required: an object, e\.g\./,
  }),
  D(
    "target bucket invalid",
    computation({ target: { aws: { bucket: "S3://Results", prefix: "" } } }),
    { "target.aws.bucket": /must be an S3 bucket name/ },
  ),
  D("target prefix missing", computation({ target: { aws: { bucket: "acme-results" } } }), {
    "target.aws.prefix": /is required: a key prefix, e\.g\./,
  }),
  // tags, description
  D(
    "tags as a string",
    { tags: "genomics" },
    { tags: /must be a list of strings, e\.g\. \["genomics"\]/ },
  ),
  D("tags with an empty string", { tags: ["ok", ""] }, { "tags[1]": /must not be empty, e\.g\./ }),
  D("tags with a number", { tags: [7] }, { "tags[0]": /must be a string, e\.g\./ }),
  D(
    "description of the wrong type",
    { description: 5 },
    { description: /must be a string \(got number 5\)/ },
  ),
  // custom metadata, by type
  D(
    "customMetadata as a string",
    { customMetadata: "S-001" },
    { customMetadata: /must be a map of field name to value, e\.g\./ },
  ),
  D(
    "customMetadata value an object",
    { customMetadata: { "subject id": { id: "S-001" } } },
    {
      'customMetadata["subject id"]':
        /must be a string, a number \(dates as epoch seconds.*or a list of them for a field that takes several values/,
    },
  ),
  D(
    "customMetadata value a boolean",
    { customMetadata: { replicates: true } },
    { "customMetadata.replicates": /must be a string, a number/ },
  ),
  D(
    "customMetadata with an empty key",
    { customMetadata: { "": "x" } },
    { 'customMetadata[""]': /keys must not be empty: use the field's name/ },
  ),
  D("S3 bucket with a folder (trailing slash)", aws({ bucket: "inst-ephys-raw/" }), {
    "source.aws.bucket":
      /must be an S3 bucket name.*no folder: put that in prefix\); found "\/" at position 15/,
  }),
  D(
    "misspelt input in an untyped program",
    { nmae: "reads" },
    { nmae: /is not a known property: did you mean name\?/ },
  ),
  // hidden characters, duplicates and reserved keys
  D(
    "name with a NUL character",
    { name: "reads\u0000x" },
    {
      name: /must not contain control or bidirectional-override characters \(found U\+0000 at position 6\)/,
    },
  ),
  D(
    "name with a right-to-left override",
    { name: "reads\u202egpj.exe" },
    { name: /control or bidirectional-override characters \(found U\+202E at position 6\)/ },
  ),
  D(
    "mount with a right-to-left override",
    { mount: "reads\u202e" },
    { mount: /only ASCII letters \(A-Z, a-z\), digits.*found U\+202E at position 6/ },
  ),
  D(
    "mount with a non-ASCII letter",
    { mount: "daten-müller" },
    { mount: /only ASCII letters \(A-Z, a-z\).*found "ü" at position 8/ },
  ),
  D(
    "tag with a newline",
    { tags: ["rna", "ge\nnomics"] },
    { "tags[1]": /control or bidirectional-override characters \(found U\+000A at position 3\)/ },
  ),
  D(
    "tags repeated, differing only in case",
    { tags: ["ephys", "rna", "EPhys"] },
    { "tags[2]": /must not repeat the tag at \[0\].*remove one of them/ },
  ),
  D(
    "permissions users repeated, e-mails differing only in case",
    {
      permissions: {
        users: [
          { email: "ada@acme.org", role: "viewer" },
          { email: "Ada@ACME.org", role: "editor" },
        ],
      },
    },
    {
      "permissions.users[1]":
        /must not repeat the user at \[0\] \(compared without regard to case\)/,
    },
  ),
  D(
    "permissions groups repeated",
    {
      permissions: {
        groups: [
          { group: "neuroscience", role: "viewer" },
          { group: "Neuroscience", role: "viewer" },
        ],
      },
    },
    { "permissions.groups[1]": /must not repeat the group at \[0\]/ },
  ),
  D(
    "customMetadata with a __proto__ key (from parsed JSON)",
    { customMetadata: JSON.parse('{"__proto__": "x", "subject id": "S-1"}') as Props },
    {
      "customMetadata.__proto__":
        /must not be used as a key: JavaScript reserves "__proto__".*rename the field/,
    },
  ),
  D(
    "customMetadata with a constructor key",
    { customMetadata: { constructor: "x" } },
    { "customMetadata.constructor": /JavaScript reserves "constructor"/ },
  ),
  D(
    "customMetadata value an empty list",
    { customMetadata: { modality: [] } },
    { "customMetadata.modality": /must not be an empty list: leave the field out instead/ },
  ),
  D(
    "customMetadata list holding a boolean",
    { customMetadata: { modality: ["ephys", true] } },
    { "customMetadata.modality": /a string, a number .*or a list of them/ },
  ),
  // custom metadata, against the deployment's schema
  D(
    "customMetadata field unknown to the deployment",
    { customMetadata: { subject: "S-1" } },
    {
      "customMetadata.subject":
        /is not a custom metadata field of this deployment; known fields: "subject id", "collection date", "replicates", "modality"/,
    },
    { schema: true },
  ),
  D(
    "number field given text",
    { customMetadata: { replicates: "3" } },
    { "customMetadata.replicates": /is a number field: give a number/ },
    { schema: true },
  ),
  D(
    "number field below its range",
    { customMetadata: { replicates: 0 } },
    { "customMetadata.replicates": /must be at least 1/ },
    { schema: true },
  ),
  D(
    "number field above its range",
    { customMetadata: { replicates: 1000 } },
    { "customMetadata.replicates": /must be at most 100/ },
    { schema: true },
  ),
  D(
    "date field given a date string",
    { customMetadata: { "collection date": "2023-02-13" } },
    {
      'customMetadata["collection date"]':
        /is a date field: give epoch seconds as a number, e\.g\. 1676246400/,
    },
    { schema: true },
  ),
  D(
    "text field given a number",
    { customMetadata: { "subject id": 7 } },
    { 'customMetadata["subject id"]': /is a text field: give a string/ },
    { schema: true },
  ),
  D(
    "value outside the allowed values",
    { customMetadata: { modality: "WGS" } },
    { "customMetadata.modality": /must be one of "RNA-seq", "ATAC-seq", "imaging"/ },
    { schema: true },
  ),
  // provider settings
  D(
    "unknown onDelete",
    { onDelete: "destroy" },
    {
      onDelete:
        /must be "archive" \(default\), "delete" \(archive, then delete permanently\) or "retain"/,
    },
  ),
  D("onDelete of the wrong type", { onDelete: true }, { onDelete: /must be "archive"/ }),
  D(
    "waitForReady of the wrong type",
    { waitForReady: "yes" },
    { waitForReady: /must be true or false \(got the string "yes"\)/ },
  ),
  D(
    "negative readyTimeoutSeconds",
    { readyTimeoutSeconds: -5 },
    {
      readyTimeoutSeconds:
        /must be at least 1 second \(use waitForReady: false not to wait at all\)/,
    },
  ),
  D(
    "zero readyTimeoutSeconds",
    { readyTimeoutSeconds: 0 },
    { readyTimeoutSeconds: /must be at least 1 second/ },
  ),
  D(
    "absurd readyTimeoutSeconds",
    { readyTimeoutSeconds: 1e9 },
    { readyTimeoutSeconds: /must be at most 604800 seconds \(7 days\)/ },
  ),
  D(
    "fractional readyTimeoutSeconds",
    { readyTimeoutSeconds: 1.5 },
    { readyTimeoutSeconds: /must be a whole number of seconds/ },
  ),
  D(
    "readyTimeoutSeconds as text",
    { readyTimeoutSeconds: "1800" },
    { readyTimeoutSeconds: /must be a number of seconds, e\.g\. 1800/ },
  ),
  D(
    "adoptExistingId that is not a UUID",
    { adoptExistingId: "asset-1" },
    { adoptExistingId: /must be a Code Ocean data asset id, a UUID/ },
  ),
  // sharing (permissions)
  D(
    "permissions: a user role Code Ocean does not have",
    { permissions: { users: [{ email: "ada@acme.org", role: "admin" }] } },
    { "permissions.users[0].role": /must be one of "owner", "editor", "viewer"/ },
  ),
  D(
    "permissions: a group role Code Ocean does not have",
    { permissions: { groups: [{ group: "neuroscience", role: "reader" }] } },
    { "permissions.groups[0].role": /must be one of "owner", "editor", "viewer", "discoverable"/ },
  ),
  D(
    "permissions: everyone as editor",
    { permissions: { everyone: "editor" } },
    { "permissions.everyone": /must be one of "viewer", "discoverable", "none"/ },
  ),
  D(
    "permissions: a user that is not an e-mail address",
    { permissions: { users: [{ email: "ada", role: "viewer" }] } },
    { "permissions.users[0].email": /must be an e-mail address, e\.g\. "ada@acme\.org"/ },
  ),
  D(
    "permissions: an e-mail of the wrong type",
    { permissions: { users: [{ email: 5, role: "viewer" }] } },
    { "permissions.users[0].email": /must be an e-mail address.*\(got number 5\)/ },
  ),
  D(
    "permissions: an empty group name",
    { permissions: { groups: [{ group: "", role: "viewer" }] } },
    { "permissions.groups[0].group": /must not be empty, e\.g\. "neuroscience"/ },
  ),
  D(
    "permissions: an unknown key",
    { permissions: { user: [{ email: "ada@acme.org", role: "viewer" }] } },
    { "permissions.user": /is not a known property: did you mean users\? \(check its spelling/ },
  ),
  D(
    "permissions: users as one object",
    { permissions: { users: { email: "ada@acme.org", role: "viewer" } } },
    { "permissions.users": /must be a list, e\.g\. \[\{ email: .*\(got an object\)/ },
  ),
  D(
    "permissions as a string",
    { permissions: "public" },
    { permissions: /must be an object, e\.g\. \{ groups: .*\(got the string "public"\)/ },
  ),
  D(
    "permissions: shareAssets of the wrong type",
    { permissions: { shareAssets: "yes" } },
    { "permissions.shareAssets": /must be true or false/ },
  ),
  D(
    "permissions with waitForReady: false",
    { permissions: { everyone: "viewer" }, waitForReady: false },
    {
      permissions:
        /needs waitForReady: true: Code Ocean takes sharing .* only once the asset is ready/,
    },
  ),
  // archived
  D(
    "archived of the wrong type",
    { archived: "yes" },
    { archived: /must be true or false \(got the string "yes"\)/ },
  ),
  D(
    "archived: true with waitForReady: false",
    { archived: true, waitForReady: false },
    {
      archived:
        /needs waitForReady: true: Code Ocean takes .*archiving only once the asset is ready/,
    },
  ),
  // combined sources
  D(
    "combined with one asset",
    { source: { combined: { dataAssetIds: [ASSET_ID] } } },
    { "source.combined.dataAssetIds": /needs two or more data asset ids: a combined asset joins/ },
  ),
  D(
    "combined listing an asset twice",
    { source: { combined: { dataAssetIds: [ASSET_ID, ASSET_ID] } } },
    { "source.combined.dataAssetIds": /must not list an asset twice/ },
  ),
  D(
    "combined with an id that is not a UUID",
    { source: { combined: { dataAssetIds: [ASSET_ID, "reads"] } } },
    { "source.combined.dataAssetIds[1]": /must be a Code Ocean data asset id, a UUID/ },
  ),
  D(
    "combined together with aws",
    {
      source: {
        aws: { bucket: "acme-reads" },
        combined: { dataAssetIds: [ASSET_ID, OTHER_ASSET_ID] },
      },
    },
    { source: /not aws and combined: declare one DataAsset per source \(or combined alone/ },
  ),
  D(
    "combined without dataAssetIds",
    { source: { combined: {} } },
    { "source.combined.dataAssetIds": /is required: a list of data asset ids, e\.g\./ },
  ),
  // endpointName
  D("source endpointName empty", aws({ endpointName: "" }), {
    "source.aws.endpointName": /must not be empty, e\.g\. "onprem-minio"/,
  }),
  D(
    "target endpointName of the wrong type",
    computation({ target: { aws: { bucket: "acme-results", prefix: "", endpointName: 7 } } }),
    { "target.aws.endpointName": /must be a string, e\.g\. "onprem-minio".*\(got number 7\)/ },
  ),
  // resultsInfo
  D(
    "resultsInfo with a computation source",
    computation({ resultsInfo: { capsuleId: SEED_IDS.capsule } }),
    {
      resultsInfo:
        /is only allowed with an aws or gcp source.*remove it or import from source\.aws/,
    },
  ),
  D(
    "resultsInfo with a combined source",
    {
      source: { combined: { dataAssetIds: [ASSET_ID, OTHER_ASSET_ID] } },
      resultsInfo: { capsuleId: SEED_IDS.capsule },
    },
    { resultsInfo: /is only allowed with an aws or gcp source/ },
  ),
  D(
    "resultsInfo without capsuleId or pipelineId",
    { resultsInfo: { commit: "3f2c1ab" } },
    { "resultsInfo.capsuleId": /is required: give the capsule or the pipeline \(pipelineId\)/ },
  ),
  D(
    "resultsInfo with both capsuleId and pipelineId",
    { resultsInfo: { capsuleId: SEED_IDS.capsule, pipelineId: SEED_IDS.pipeline } },
    { "resultsInfo.pipelineId": /cannot be given together with capsuleId/ },
  ),
  D(
    "resultsInfo.version not a whole number",
    { resultsInfo: { capsuleId: SEED_IDS.capsule, version: 1.5 } },
    { "resultsInfo.version": /must be a whole number/ },
  ),
  D(
    "resultsInfo.version as text",
    { resultsInfo: { capsuleId: SEED_IDS.capsule, version: "3" } },
    { "resultsInfo.version": /must be a release version, a whole number, e\.g\. 3/ },
  ),
  D(
    "resultsInfo.parameters[0].value missing",
    { resultsInfo: { capsuleId: SEED_IDS.capsule, parameters: [{ name: "alpha" }] } },
    { "resultsInfo.parameters[0].value": /is required: a string, e\.g\. "0\.05"/ },
  ),
  D(
    "resultsInfo process without its capsule",
    { resultsInfo: { pipelineId: SEED_IDS.pipeline, processes: [{ name: "align" }] } },
    { "resultsInfo.processes[0].capsuleId": /is required: the capsule's id, a UUID/ },
  ),
  D(
    "resultsInfo.dataAssetIds with a name instead of an id",
    { resultsInfo: { capsuleId: SEED_IDS.capsule, dataAssetIds: ["reads"] } },
    { "resultsInfo.dataAssetIds[0]": /must be a Code Ocean data asset id, a UUID/ },
  ),
  D(
    "typo: resultsInfo.capsuleID",
    { resultsInfo: { capsuleID: SEED_IDS.capsule } },
    {
      "resultsInfo.capsuleID": /is not a known property/,
      "resultsInfo.capsuleId": /is required/,
    },
  ),
  // typos
  D(
    "typo: tag",
    { tag: ["genomics"] },
    { tag: /is not a known property: did you mean tags\? \(check its spelling/ },
  ),
  D("typo: onDelte", { onDelte: "delete" }, { onDelte: /is not a known property/ }),
  D(
    "typo: Name",
    { name: DEL, Name: "reads" },
    { Name: /is not a known property/, name: /is required/ },
  ),
  D(
    "typo: custom_metadata (wire spelling)",
    { custom_metadata: { "subject id": "S-1" } },
    { custom_metadata: /is not a known property/ },
  ),

  // CapsuleAttachment
  C(
    "neither capsuleId nor pipelineId",
    { capsuleId: DEL },
    { capsuleId: /is required: give capsuleId or pipelineId \(exactly one\)/ },
  ),
  C(
    "both capsuleId and pipelineId",
    { pipelineId: SEED_IDS.pipeline },
    {
      pipelineId:
        /cannot be given together with capsuleId: declare one CapsuleAttachment per capsule or pipeline/,
    },
  ),
  C(
    "capsuleId that is a slug",
    { capsuleId: "1000001" },
    {
      capsuleId:
        /must be a Code Ocean capsule id, a UUID such as .* \(copy it from the capsule's page or API\)/,
    },
  ),
  C(
    "capsuleId that is a URL",
    { capsuleId: "https://acme.codeocean.com/capsule/1000001" },
    { capsuleId: /a UUID/ },
  ),
  C(
    "pipelineId that is not a UUID",
    { capsuleId: DEL, pipelineId: "my-pipeline" },
    { pipelineId: /must be a Code Ocean pipeline id, a UUID/ },
  ),
  C(
    "dataAssetId missing",
    { dataAssetId: DEL },
    { dataAssetId: /is required: the data asset's id, a UUID/ },
  ),
  C(
    "dataAssetId empty",
    { dataAssetId: "" },
    { dataAssetId: /must be a Code Ocean data asset id, a UUID/ },
  ),
  C(
    "dataAssetId of the wrong type",
    { dataAssetId: 42 },
    { dataAssetId: /must be the data asset's id, a UUID \(got number 42\)/ },
  ),
  C("mount escaping with ..", { mount: "../x" }, { mount: /must not contain "\.\."/ }),
  C("mount with a leading /", { mount: "/data/x" }, { mount: /must not start with "\/"/ }),
  C("mount empty", { mount: "" }, { mount: /must not be empty/ }),
  C(
    "negative readyTimeoutSeconds",
    { readyTimeoutSeconds: -1 },
    { readyTimeoutSeconds: /must be at least 1 second/ },
  ),
  C(
    "absurd readyTimeoutSeconds",
    { readyTimeoutSeconds: 1e12 },
    { readyTimeoutSeconds: /must be at most 604800 seconds/ },
  ),
  C("waitForReady as text", { waitForReady: "true" }, { waitForReady: /must be true or false/ }),
  C(
    "typo: capsuleID",
    { capsuleId: DEL, capsuleID: SEED_IDS.capsule },
    { capsuleID: /is not a known property/, capsuleId: /is required/ },
  ),
  C(
    "typo: dataAsset",
    { dataAssetId: DEL, dataAsset: ASSET_ID },
    { dataAsset: /is not a known property/, dataAssetId: /is required/ },
  ),
];

function apply(resource: Resource, patch: Patch): Props {
  const out: Props = { __provider: PROVIDER, ...BASE[resource] };
  for (const [k, v] of Object.entries(patch)) {
    if (v === DEL) delete out[k];
    else out[k] = v;
  }
  return out;
}

const check = (resource: Resource, olds: Props, news: Props) =>
  resource === "DataAsset" ? da.check(olds, news) : ca.check(olds, news);

/** A reason that tells the user what to do, not only what is wrong. */
const ACTIONABLE =
  /e\.g\.|give|use |remove|declare|check its spelling|known fields:|is required|needs |must be|must not|may contain only|at least|at most|one of/;

describe("bad inputs: each refused by check, with no API call", () => {
  it("covers at least 40 invalid inputs across both resources", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    // Sharing, archiving, combined sources, endpoint names and results provenance.
    const newer = /permissions|archived|combined|endpointName|resultsInfo/;
    expect(CASES.filter((c) => newer.test(c.what)).length).toBeGreaterThanOrEqual(25);
    expect(CASES.filter((c) => c.resource === "CapsuleAttachment").length).toBeGreaterThanOrEqual(
      10,
    );
    expect(new Set(CASES.map((c) => `${c.resource} ${c.what}`)).size).toBe(CASES.length);
  });

  test.each(CASES.map((c) => [`${c.resource}: ${c.what}`, c] as const))("%s", async (_l, c) => {
    // The schema is fetched once per process; forget it so a schema case shows its one call.
    freshRuntime();
    admin().clearJournal();
    const r = await check(c.resource, {}, apply(c.resource, c.patch));
    const byProperty = Object.fromEntries(r.failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(Object.keys(c.expect).sort());
    for (const [property, reason] of Object.entries(c.expect)) {
      expect(byProperty[property]).toMatch(reason);
      expect(byProperty[property]).toMatch(ACTIONABLE);
    }
    const calls = admin()
      .journal()
      .map((e) => e.route);
    expect(calls).toEqual(c.schema ? ["GET /custom_metadata"] : []);
  });

  it("the valid bases pass, so each failure above is caused by its own change", async () => {
    for (const resource of ["DataAsset", "CapsuleAttachment"] as const)
      expect((await check(resource, {}, apply(resource, {}))).failures).toEqual([]);
  });

  it("an unchanged customMetadata map is not checked remotely again", async () => {
    freshRuntime();
    admin().clearJournal();
    const metadata = { customMetadata: { replicates: 1000 } };
    const r = await da.check(metadata, apply("DataAsset", metadata));
    expect(r.failures).toEqual([]);
    // The schema comes with the process's one credentials check; unchanged values are not judged by it.
    expect(admin().counts()).toEqual({ "GET /custom_metadata": 1 });
  });
});

// ---------------------------------------------------------------------------------------
// Unknown values at preview

/** Valid declarations that exercise every input of both resources. */
const FULL: { resource: Resource; what: string; news: Props }[] = [
  {
    resource: "DataAsset",
    what: "S3 source with every setting",
    news: {
      name: "RNA-Sequencing reads",
      mount: "reads",
      description: "reads of run 42",
      tags: ["genomics", "rna"],
      customMetadata: {
        "subject id": "S-001",
        "collection date": 1676246400,
        replicates: 3,
        modality: "RNA-seq",
      },
      source: {
        aws: {
          bucket: "acme-rna-reads",
          prefix: "runs/",
          keepOnExternalStorage: true,
          public: false,
        },
      },
      onDelete: "delete",
      waitForReady: true,
      readyTimeoutSeconds: 600,
    },
  },
  {
    resource: "DataAsset",
    what: "GCS source with credentials",
    news: {
      name: "scans",
      mount: "scans",
      source: { gcp: { bucket: "acme-imaging", prefix: "scans/", clientId: "sa-client" } },
      gcpClientSecret: "gcp-secret-value",
    },
  },
  {
    resource: "DataAsset",
    what: "computation source with an S3 target",
    news: {
      name: "results",
      mount: "results",
      source: { computation: { id: SEED_IDS.computation, path: "output" } },
      target: { aws: { bucket: "acme-results", prefix: "runs/" } },
    },
  },
  {
    resource: "DataAsset",
    what: "S3 source with an endpoint, sharing and archived",
    news: {
      name: "shared reads",
      mount: "shared",
      source: {
        aws: { bucket: "acme-onprem", keepOnExternalStorage: true, endpointName: "onprem-minio" },
      },
      archived: true,
      permissions: {
        users: [{ email: "ada@acme.org", role: "viewer" }],
        groups: [{ group: "neuroscience", role: "editor" }],
        everyone: "discoverable",
        shareAssets: true,
      },
    },
  },
  {
    resource: "DataAsset",
    what: "combined source",
    news: {
      name: "combined",
      mount: "combined",
      source: { combined: { dataAssetIds: [ASSET_ID, OTHER_ASSET_ID] } },
    },
  },
  {
    resource: "DataAsset",
    what: "computation source with an S3 target on a custom endpoint",
    news: {
      name: "results on prem",
      mount: "results",
      source: { computation: { id: SEED_IDS.computation } },
      target: { aws: { bucket: "acme-results", prefix: "runs/", endpointName: "onprem-minio" } },
    },
  },
  {
    resource: "DataAsset",
    what: "S3 source with results provenance",
    news: {
      name: "imported results",
      mount: "imported",
      source: { aws: { bucket: "acme-results", prefix: "export/" } },
      resultsInfo: {
        pipelineId: SEED_IDS.pipeline,
        version: 2,
        commit: "3f2c1ab",
        runScript: "main.nf",
        dataAssetIds: [ASSET_ID],
        parameters: [{ name: "alpha", paramName: "--alpha", value: "0.05" }],
        nextflowProfile: "aws",
        processes: [
          {
            name: "align",
            capsuleId: SEED_IDS.capsule,
            version: 1,
            public: false,
            parameters: [{ paramName: "threads", value: "8" }],
          },
        ],
      },
    },
  },
  {
    resource: "DataAsset",
    what: "adopted asset, archived and shared without waiting",
    news: {
      name: "adopted shared",
      mount: "adopted",
      adoptExistingId: ASSET_ID,
      waitForReady: false,
      archived: true,
      permissions: { everyone: "viewer" },
    },
  },
  {
    resource: "DataAsset",
    what: "adopted asset",
    news: { name: "adopted", mount: "adopted", adoptExistingId: ASSET_ID },
  },
  {
    resource: "CapsuleAttachment",
    what: "capsule attachment with every setting",
    news: {
      capsuleId: SEED_IDS.capsule,
      dataAssetId: ASSET_ID,
      mount: "att",
      waitForReady: false,
      readyTimeoutSeconds: 60,
    },
  },
  {
    resource: "CapsuleAttachment",
    what: "pipeline attachment",
    news: { pipelineId: SEED_IDS.pipeline, dataAssetId: ASSET_ID },
  },
];

/** Every position (object, list, leaf) below the root, as a path. */
function positions(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = path.length ? [path] : [];
  if (Array.isArray(value))
    return [...here, ...value.flatMap((v, i) => positions(v, [...path, i]))];
  if (value && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => positions(v, [...path, k]))];
  return here;
}

function replaced(value: unknown, path: (string | number)[], by: unknown): unknown {
  if (!path.length) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, by) : v));
  const o = value as Props;
  return { ...o, [head]: replaced(o[head as string], rest, by) };
}

const unknownCases = FULL.flatMap(({ resource, what, news }) => [
  ...positions(news).map((path) => ({
    resource,
    label: `${resource} (${what}): ${path.join(".")} unknown`,
    news: replaced(news, path, UNKNOWN) as Props,
  })),
  {
    resource,
    label: `${resource} (${what}): every top-level input unknown`,
    news: Object.fromEntries(Object.keys(news).map((k) => [k, UNKNOWN])),
  },
]);

describe("unknown values at preview never produce a failure", () => {
  it("covers every position of every input", () => {
    expect(unknownCases.length).toBeGreaterThanOrEqual(50);
  });

  test.each(unknownCases.map((c) => [c.label, c] as const))("%s", async (_l, c) => {
    admin().clearJournal();
    const r = await check(c.resource, {}, { __provider: PROVIDER, ...c.news });
    expect(r.failures).toEqual([]);
    // The inputs go on to diff (the engine's next call at preview), which must not throw.
    const diff =
      c.resource === "DataAsset"
        ? await da.diff(ASSET_ID, { name: "old", mount: "old", state: "ready" }, r.inputs)
        : await ca.diff("capsule:x:y", { capsuleId: SEED_IDS.capsule }, r.inputs);
    expect(typeof diff.changes).toBe("boolean");
    // Nothing but the schema look-up, and never for a map holding unknowns.
    for (const e of admin().journal()) expect(e.route).toBe("GET /custom_metadata");
  });

  it("an unknown value does not hide a real failure next to it", async () => {
    const r = await da.check(
      {},
      apply("DataAsset", { name: UNKNOWN, mount: "../x", tags: [UNKNOWN, ""] }),
    );
    expect(r.failures.map((f) => f.property).sort()).toEqual(["mount", "tags[1]"]);
    const c = await ca.check({}, apply("CapsuleAttachment", { dataAssetId: UNKNOWN, mount: "/x" }));
    expect(c.failures.map((f) => f.property)).toEqual(["mount"]);
  });
});

// ---------------------------------------------------------------------------------------
// Through each face: the real dynamic-provider host and the native plugin

/** What each face answered, by case label, for the comparison of the faces at the end. */
const answered: Record<FaceName, Map<string, { property: string; reason: string }[]>> = {
  dynamic: new Map(),
  plugin: new Map(),
};
const label = (c: BadInput) => `${c.resource}: ${c.what}`;

/**
 * A case the dynamic face cannot receive: the dynamic host parses requests with
 * google-protobuf, whose Struct map keeps its entries in a plain object, so a `__proto__` key
 * the engine sends (a YAML or Python program can) is gone before the provider runs. The
 * plugin parses the bytes itself and refuses the key.
 */
const lostByDynamicHost = (c: BadInput) =>
  Object.keys(c.patch.customMetadata ?? {}).includes("__proto__");

describe.each(FACES)("through the $name face", (face) => {
  let host: FaceHost;
  beforeAll(async () => {
    host = await face.start();
    await host.configure({ "codeocean:domain": emu.current.url, "codeocean:token": TOKEN });
    admin().clearJournal();
  });
  afterAll(async () => {
    await host?.stop();
  });

  /** Routes the host called (the direct calls used for comparison are not counted). */
  const hostRoutes: string[] = [];
  const viaHost = async (resource: Resource, news: Props) => {
    const { __provider: _direct, ...declared } = news;
    admin().clearJournal();
    const r = await host.check(resource, {}, host.declare(resource, declared));
    hostRoutes.push(
      ...admin()
        .journal()
        .map((e) => e.route),
    );
    return r;
  };

  test.each(CASES.map((c) => [label(c), c] as const))(
    "CheckFailures reach the engine: %s",
    async (_l, c) => {
      freshRuntime();
      const direct = await check(c.resource, {}, apply(c.resource, c.patch));
      const r = await viaHost(c.resource, apply(c.resource, c.patch));
      answered[face.name].set(label(c), r.failures);
      if (face.name === "dynamic" && lostByDynamicHost(c)) {
        // See lostByDynamicHost: the key never reaches the provider, so nothing is refused.
        expect(r.failures).toEqual([]);
        return;
      }
      // The same messages as the provider's own check: property, value and fix.
      expect(r.failures).toEqual(direct.failures);
      const byProperty = Object.fromEntries(r.failures.map((f) => [f.property, f.reason]));
      expect(Object.keys(byProperty).sort()).toEqual(Object.keys(c.expect).sort());
      for (const [property, reason] of Object.entries(c.expect)) {
        expect(byProperty[property]).toMatch(reason);
        expect(byProperty[property]).toMatch(ACTIONABLE);
      }
    },
  );

  it("the valid bases pass", async () => {
    for (const resource of ["DataAsset", "CapsuleAttachment"] as const)
      expect((await viaHost(resource, apply(resource, {}))).failures).toEqual([]);
  });

  test.each(unknownCases.map((c) => [c.label, c] as const))("no failure for %s", async (_l, c) => {
    expect((await viaHost(c.resource, c.news)).failures).toEqual([]);
  });

  it("made no API call but the one schema look-up (cached for the host's lifetime)", () => {
    expect(hostRoutes).toEqual(["GET /custom_metadata"]);
  });

  it("never prints the token", () => {
    expect(host.output()).not.toContain(TOKEN);
  });
});

describe("both faces", () => {
  it("answered every bad input with the same failures, word for word", () => {
    const differing = CASES.filter(
      (c) =>
        !lostByDynamicHost(c) &&
        JSON.stringify(answered.dynamic.get(label(c))) !==
          JSON.stringify(answered.plugin.get(label(c))),
    );
    expect(answered.dynamic.size).toBe(CASES.length);
    expect(answered.plugin.size).toBe(CASES.length);
    expect(differing.map(label)).toEqual([]);
    // The one case the dynamic host cannot carry is refused by the plugin as by the provider.
    const lost = CASES.filter(lostByDynamicHost);
    expect(lost).toHaveLength(1);
    expect(answered.plugin.get(label(lost[0]))?.map((f) => f.property)).toEqual([
      "customMetadata.__proto__",
    ]);
  });
});
