import type { DataAsset } from "../../../provider/core/api/schemas";
import {
  DataAssetInputs,
  DataAssetInputsSchema,
  DataAssetOutputs,
  diffDataAsset,
  toOutputs,
} from "../../../provider/resources/dataAsset/table";
import { metadataChanges } from "../../../provider/resources/dataAsset/metadata";
import { dataAssetProvider } from "../../helpers/runtime";
import { NO_PROVENANCE } from "../helpers";
import { UNKNOWN } from "../../../provider/declare/validate";

const ID = "4367940e-e863-4819-afbd-1b6b9f9b1256";
const OTHER = "5367940e-e863-4819-afbd-1b6b9f9b1256";

function inputs(raw: Record<string, unknown>): DataAssetInputs {
  return DataAssetInputsSchema.parse(raw);
}

const baseRaw = {
  name: "RNA reads",
  mount: "reads",
  description: "raw reads",
  tags: ["genomics", "rna"],
  customMetadata: { "subject id": "S-001", age: 42 },
  source: { aws: { bucket: "acme-reads", prefix: "runs/" } },
};

/** The remote asset that matches `i`, in the given state. */
function remote(i: DataAssetInputs, state = "ready"): DataAsset {
  return {
    id: ID,
    created: 1_700_000_000,
    name: i.name,
    mount: i.mount,
    lastUsed: 0,
    owner: "u",
    ownerEmail: "",
    state,
    type: "dataset",
    description: i.description,
    tags: i.tags,
    files: 3,
    size: 100,
    customMetadata: i.customMetadata,
    provenance: NO_PROVENANCE,
    sourceBucket: { origin: "aws", bucket: "acme-reads", prefix: "runs/", external: false },
    failureReason: state === "failed" ? "access denied" : "",
    containedDataAssetIds: [],
    containedDataAssets: [],
    appParameters: [],
    nextflowProfile: "",
    lastTransferred: 0,
    transferError: "",
  };
}

/** Stored outputs after a successful create of `raw`. */
function olds(raw: Record<string, unknown> = baseRaw, state = "ready", archived = false) {
  const i = inputs(raw);
  return toOutputs(i, remote(i, state), archived);
}

const noChange = { changes: false, replaces: [], deleteBeforeReplace: false, diffs: [] };
const inPlace = {
  changes: true,
  replaces: [],
  deleteBeforeReplace: false,
  diffs: expect.any(Array),
};

describe("diffDataAsset", () => {
  it("identical inputs → no change", () => {
    expect(diffDataAsset(olds(), inputs(baseRaw))).toEqual(noChange);
  });

  it.each<[string, Record<string, unknown>]>([
    ["name", { name: "RNA reads v2" }],
    ["description", { description: "" }],
    ["tags (added)", { tags: ["genomics", "rna", "2026"] }],
    ["tags (removed)", { tags: ["rna"] }],
    ["mount", { mount: "reads2" }],
    ["customMetadata (value)", { customMetadata: { "subject id": "S-002", age: 42 } }],
    ["customMetadata (type)", { customMetadata: { "subject id": "S-001", age: "42" } }],
    ["customMetadata (removed key)", { customMetadata: { age: 42 } }],
  ])("%s changed → update in place", (_label, patch) => {
    expect(diffDataAsset(olds(), inputs({ ...baseRaw, ...patch }))).toEqual(inPlace);
  });

  it("tags reordered → no change", () => {
    expect(diffDataAsset(olds(), inputs({ ...baseRaw, tags: ["rna", "genomics"] }))).toEqual(
      noChange,
    );
  });

  it("customMetadata keys reordered → no change", () => {
    expect(
      diffDataAsset(
        olds(),
        inputs({ ...baseRaw, customMetadata: { age: 42, "subject id": "S-001" } }),
      ),
    ).toEqual(noChange);
  });

  it.each<[string, Record<string, unknown>]>([
    ["bucket", { source: { aws: { bucket: "acme-other", prefix: "runs/" } } }],
    ["prefix", { source: { aws: { bucket: "acme-reads", prefix: "runs/2026/" } } }],
    [
      "keepOnExternalStorage",
      { source: { aws: { bucket: "acme-reads", prefix: "runs/", keepOnExternalStorage: true } } },
    ],
    ["public", { source: { aws: { bucket: "acme-reads", prefix: "runs/", public: true } } }],
    ["kind (aws → gcp)", { source: { gcp: { bucket: "acme-reads", prefix: "runs/" } } }],
    ["kind (aws → computation)", { source: { computation: { id: ID } } }],
  ])("source %s changed → replace", (_label, patch) => {
    const d = diffDataAsset(olds(), inputs({ ...baseRaw, ...patch }));
    expect(d).toEqual({
      changes: true,
      replaces: ["source"],
      deleteBeforeReplace: false,
      diffs: ["source"],
    });
  });

  it("source given explicitly with its defaults → no change", () => {
    const explicit = {
      aws: { bucket: "acme-reads", prefix: "runs/", keepOnExternalStorage: false, public: false },
    };
    expect(diffDataAsset(olds(), inputs({ ...baseRaw, source: explicit }))).toEqual(noChange);
  });

  const resultRaw = {
    ...baseRaw,
    source: { computation: { id: ID, path: "results" } },
    target: { aws: { bucket: "acme-out", prefix: "results/" } },
  };

  it.each<[string, Record<string, unknown>]>([
    ["target bucket", { target: { aws: { bucket: "acme-out2", prefix: "results/" } } }],
    ["target prefix", { target: { aws: { bucket: "acme-out", prefix: "other/" } } }],
    ["target removed", { target: undefined }],
  ])("%s changed → replace", (_label, patch) => {
    const d = diffDataAsset(olds(resultRaw), inputs({ ...resultRaw, ...patch }));
    expect(d).toEqual({
      changes: true,
      replaces: ["target"],
      deleteBeforeReplace: false,
      diffs: ["target"],
    });
  });

  it("target added → replace", () => {
    const noTarget = { ...resultRaw, target: undefined };
    expect(diffDataAsset(olds(noTarget), inputs(resultRaw)).replaces).toEqual(["target"]);
  });

  it("adoptExistingId added, changed or removed → replace", () => {
    expect(diffDataAsset(olds(), inputs({ ...baseRaw, adoptExistingId: ID })).replaces).toEqual([
      "adoptExistingId",
    ]);
    const adopted = olds({ ...baseRaw, adoptExistingId: ID });
    expect(diffDataAsset(adopted, inputs({ ...baseRaw, adoptExistingId: OTHER })).replaces).toEqual(
      ["adoptExistingId"],
    );
    expect(diffDataAsset(adopted, inputs(baseRaw)).replaces).toEqual(["adoptExistingId"]);
    expect(diffDataAsset(adopted, inputs({ ...baseRaw, adoptExistingId: ID }))).toEqual(noChange);
  });

  it("a failed asset is replaced", () => {
    expect(diffDataAsset(olds(baseRaw, "failed"), inputs(baseRaw))).toEqual({
      changes: true,
      replaces: ["state"],
      deleteBeforeReplace: false,
      diffs: expect.any(Array),
    });
  });

  it("a failed asset whose source changed is replaced once, for the source", () => {
    const d = diffDataAsset(
      olds(baseRaw, "failed"),
      inputs({ ...baseRaw, source: { aws: { bucket: "acme-fixed" } } }),
    );
    expect(d.replaces).toEqual(["source"]);
  });

  it("a draft asset with waitForReady → changes (resume waiting), no replace", () => {
    expect(diffDataAsset(olds(baseRaw, "draft"), inputs(baseRaw))).toEqual(inPlace);
  });

  it("a draft asset without waitForReady → no change", () => {
    const raw = { ...baseRaw, waitForReady: false };
    expect(diffDataAsset(olds(raw, "draft"), inputs(raw))).toEqual(noChange);
  });

  it("an archived asset → changes (unarchive), no replace", () => {
    expect(diffDataAsset(olds(baseRaw, "ready", true), inputs(baseRaw))).toEqual(inPlace);
  });

  it.each<[string, Record<string, unknown>]>([
    ["onDelete", { onDelete: "delete" }],
    ["onDelete retain", { onDelete: "retain" }],
    ["waitForReady", { waitForReady: false }],
    ["readyTimeoutSeconds", { readyTimeoutSeconds: 60 }],
  ])("setting %s changed → update in place", (_label, patch) => {
    expect(diffDataAsset(olds(), inputs({ ...baseRaw, ...patch }))).toEqual(inPlace);
  });

  describe("GCP client secrets are never compared", () => {
    const gcpRaw = {
      ...baseRaw,
      source: { gcp: { bucket: "acme-imaging", clientId: "cid", clientSecret: "old-secret" } },
    };

    it("a clientSecret change inside source.gcp alone → no change", () => {
      const news = inputs({
        ...gcpRaw,
        source: { gcp: { bucket: "acme-imaging", clientId: "cid", clientSecret: "new-secret" } },
      });
      expect(diffDataAsset(olds(gcpRaw), news)).toEqual(noChange);
    });

    it("a split-out gcpClientSecret change alone → no change", () => {
      const split = { ...baseRaw, source: { gcp: { bucket: "acme-imaging", clientId: "cid" } } };
      expect(
        diffDataAsset(
          olds({ ...split, gcpClientSecret: "a" }),
          inputs({ ...split, gcpClientSecret: "b" }),
        ),
      ).toEqual(noChange);
    });

    it("a clientId change → replace", () => {
      const news = inputs({
        ...gcpRaw,
        source: { gcp: { bucket: "acme-imaging", clientId: "cid2", clientSecret: "old-secret" } },
      });
      expect(diffDataAsset(olds(gcpRaw), news).replaces).toEqual(["source"]);
    });
  });

  it("never asks for delete-before-replace (a new asset never collides with the old one)", () => {
    const d = diffDataAsset(olds(), inputs({ ...baseRaw, source: { aws: { bucket: "acme-x" } } }));
    expect(d.deleteBeforeReplace).toBe(false);
  });
});

describe("metadataChanges", () => {
  const current: Pick<
    DataAssetOutputs,
    "name" | "description" | "tags" | "mount" | "customMetadata"
  > = {
    name: "RNA reads",
    description: "raw reads",
    tags: ["genomics", "rna"],
    mount: "reads",
    customMetadata: { "subject id": "S-001", age: 42 },
  };

  it("returns nothing when nothing changed", () => {
    expect(metadataChanges(current, inputs(baseRaw))).toEqual({});
  });

  it("returns only the changed fields, with their desired values", () => {
    expect(metadataChanges(current, inputs({ ...baseRaw, name: "New" }))).toEqual({ name: "New" });
    expect(
      metadataChanges(current, inputs({ ...baseRaw, tags: ["rna", "genomics"], mount: "m2" })),
    ).toEqual({
      mount: "m2",
    });
    expect(
      metadataChanges(
        current,
        inputs({ ...baseRaw, description: "d", tags: ["x"], customMetadata: {} }),
      ),
    ).toEqual({ description: "d", tags: ["x"], customMetadata: {} });
  });

  it("sends the whole custom metadata map when one value changed", () => {
    expect(
      metadataChanges(
        current,
        inputs({ ...baseRaw, customMetadata: { "subject id": "S-001", age: 43 } }),
      ),
    ).toEqual({ customMetadata: { "subject id": "S-001", age: 43 } });
  });

  it("treats a missing current description as empty", () => {
    const { description: _d, ...noDescription } = current;
    expect(
      metadataChanges(noDescription as typeof current, inputs({ ...baseRaw, description: "" })),
    ).toEqual({});
  });
});

describe("dataAssetProvider.diff (raw inputs, unknowns during preview)", () => {
  const PROVIDER = "exports.handler = __f0; /* fake serialized provider */";

  it("ignores __provider", async () => {
    const d = await dataAssetProvider.diff(ID, olds() as never, {
      ...baseRaw,
      __provider: PROVIDER,
    });
    expect(d).toEqual(noChange);
  });

  it("an unknown setting changes without replacing", async () => {
    const d = await dataAssetProvider.diff(ID, olds() as never, {
      ...baseRaw,
      readyTimeoutSeconds: UNKNOWN,
      __provider: PROVIDER,
    });
    expect(d).toEqual(inPlace);
  });

  it("an unknown source replaces", async () => {
    const d = await dataAssetProvider.diff(ID, olds() as never, {
      ...baseRaw,
      source: UNKNOWN,
      readyTimeoutSeconds: UNKNOWN,
    });
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual(["source"]);
  });

  it("an unknown target or adoptExistingId replaces", async () => {
    const d = await dataAssetProvider.diff(ID, olds() as never, {
      ...baseRaw,
      target: UNKNOWN,
      adoptExistingId: UNKNOWN,
      readyTimeoutSeconds: UNKNOWN,
    });
    expect(d.replaces).toEqual(["target", "adoptExistingId"]);
  });
});
