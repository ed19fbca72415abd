/**
 * The diff, the sharing Code Ocean lists and the metadata PUT for DataAsset's newer inputs:
 * archived, permissions, source.combined, endpointName and resultsInfo.
 */
import { updateDataAssetToWire } from "../../../provider/core/api/requests";
import type { DataAsset, Permissions } from "../../../provider/core/api/schemas";
import {
  DataAssetInputs,
  DataAssetInputsSchema,
  DataAssetPermissions,
  diffDataAsset,
  effectivePermissions,
  storedPermissions,
  toOutputs,
} from "../../../provider/resources/dataAsset/table";
import { metadataChanges, metadataUpdate } from "../../../provider/resources/dataAsset/metadata";
import { UNKNOWN } from "../../../provider/declare/validate";
import { dataAssetProvider } from "../../helpers/runtime";
import { NO_PROVENANCE } from "../helpers";

const ID = "4367940e-e863-4819-afbd-1b6b9f9b1256";
const A = "9d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a";
const B = "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b";
const C = "2c3d4e5f-6071-4829-9bac-1d2e3f4a5b6c";
const OWNER = "owner@acme.org";

type Raw = Record<string, unknown>;
const inputs = (raw: Raw): DataAssetInputs => DataAssetInputsSchema.parse(raw);

const baseRaw: Raw = {
  name: "RNA reads",
  mount: "reads",
  tags: ["genomics"],
  source: { aws: { bucket: "acme-reads", prefix: "runs/" } },
};

const SHARING = {
  users: [
    { email: "ada@acme.org", role: "viewer" },
    { email: "bob@acme.org", role: "editor" },
  ],
  groups: [
    { group: "neuroscience", role: "editor" },
    { group: "imaging", role: "discoverable" },
  ],
  everyone: "discoverable",
};

function remote(i: DataAssetInputs, ownerEmail = OWNER): DataAsset {
  return {
    id: ID,
    created: 1_700_000_000,
    name: i.name,
    mount: i.mount,
    lastUsed: 0,
    owner: "u",
    ownerEmail,
    state: "ready",
    type: "dataset",
    description: i.description,
    tags: i.tags,
    files: 3,
    size: 100,
    customMetadata: i.customMetadata,
    provenance: NO_PROVENANCE,
    sourceBucket: { origin: "aws", bucket: "acme-reads", prefix: "runs/", external: false },
    failureReason: "",
    containedDataAssetIds: [],
    containedDataAssets: [],
    appParameters: [],
    nextflowProfile: "",
    lastTransferred: 0,
    transferError: "",
  };
}

/** Stored outputs after a successful create of `raw`. */
function olds(raw: Raw = baseRaw, archived = false) {
  const i = inputs(raw);
  return toOutputs(i, remote(i), archived);
}

const noChange = { changes: false, replaces: [], deleteBeforeReplace: false, diffs: [] };
const inPlace = {
  changes: true,
  replaces: [],
  deleteBeforeReplace: false,
  diffs: expect.any(Array),
};
const replaces = (field: string) => ({
  changes: true,
  replaces: [field],
  deleteBeforeReplace: false,
  diffs: expect.any(Array),
});

// ---------------------------------------------------------------------------------------

describe("diff: archived (in place)", () => {
  it("false → true and true → false update in place; equal is no change", () => {
    expect(diffDataAsset(olds(), inputs({ ...baseRaw, archived: true }))).toEqual(inPlace);
    const archived = { ...baseRaw, archived: true };
    expect(diffDataAsset(olds(archived, true), inputs(baseRaw))).toEqual(inPlace);
    expect(diffDataAsset(olds(archived, true), inputs(archived))).toEqual(noChange);
    expect(diffDataAsset(olds(), inputs({ ...baseRaw, archived: false }))).toEqual(noChange);
  });

  it("archived by hand (refresh stored true) while declared live → update in place", () => {
    expect(diffDataAsset({ ...olds(), archived: true }, inputs(baseRaw))).toEqual(inPlace);
  });
});

describe("diff: permissions (in place, order- and e-mail-case-insensitive)", () => {
  const shared = { ...baseRaw, permissions: SHARING };

  it("added, removed, or a role, everyone or shareAssets changed → update in place", () => {
    expect(diffDataAsset(olds(), inputs(shared))).toEqual(inPlace);
    expect(diffDataAsset(olds(shared), inputs(baseRaw))).toEqual(inPlace);
    const changed: Raw[] = [
      { ...SHARING, users: [{ email: "ada@acme.org", role: "editor" }, SHARING.users[1]] },
      { ...SHARING, groups: [SHARING.groups[0]] },
      { ...SHARING, groups: [SHARING.groups[0], { group: "imaging", role: "viewer" }] },
      { ...SHARING, everyone: "none" },
      { ...SHARING, shareAssets: true },
      { ...SHARING, users: [...SHARING.users, { email: "cy@acme.org", role: "viewer" }] },
    ];
    for (const permissions of changed)
      expect(diffDataAsset(olds(shared), inputs({ ...baseRaw, permissions }))).toEqual(inPlace);
  });

  it("users and groups in another order, or e-mails in another case → no change", () => {
    const reordered = {
      users: [
        { email: "BOB@acme.org", role: "editor" },
        { email: "Ada@Acme.Org", role: "viewer" },
      ],
      groups: [...SHARING.groups].reverse(),
      everyone: "discoverable",
    };
    expect(diffDataAsset(olds(shared), inputs({ ...baseRaw, permissions: reordered }))).toEqual(
      noChange,
    );
  });

  it("an e-mail in another case with another role → change", () => {
    const permissions = { ...SHARING, users: [{ email: "ADA@acme.org", role: "editor" }] };
    expect(diffDataAsset(olds(shared), inputs({ ...baseRaw, permissions })).changes).toBe(true);
  });

  it("{} and its explicit defaults are the same sharing", () => {
    const explicit = { users: [], groups: [], everyone: "none", shareAssets: false };
    expect(
      diffDataAsset(
        olds({ ...baseRaw, permissions: {} }),
        inputs({ ...baseRaw, permissions: explicit }),
      ),
    ).toEqual(noChange);
    // Managed with nothing shared is not the same as not managed.
    expect(diffDataAsset(olds(), inputs({ ...baseRaw, permissions: {} }))).toEqual(inPlace);
  });

  it("an unknown permissions value at preview changes without replacing", async () => {
    const d = await dataAssetProvider.diff(ID, olds(shared) as never, {
      ...baseRaw,
      permissions: { ...SHARING, users: [{ email: UNKNOWN, role: "viewer" }] },
    });
    expect(d).toEqual(inPlace);
  });
});

describe("diff: combined, endpointName and resultsInfo replace", () => {
  const combined = { ...baseRaw, source: { combined: { dataAssetIds: [A, B] } } };

  it.each<[string, Raw, Raw]>([
    [
      "combined: another part",
      combined,
      { ...baseRaw, source: { combined: { dataAssetIds: [A, C] } } },
    ],
    [
      "combined: a part added",
      combined,
      { ...baseRaw, source: { combined: { dataAssetIds: [A, B, C] } } },
    ],
    ["combined → aws", combined, baseRaw],
    ["aws → combined", baseRaw, combined],
    [
      "endpointName added",
      baseRaw,
      { ...baseRaw, source: { aws: { bucket: "acme-reads", prefix: "runs/", endpointName: "e" } } },
    ],
    [
      "endpointName changed",
      { ...baseRaw, source: { aws: { bucket: "acme-reads", prefix: "runs/", endpointName: "e" } } },
      { ...baseRaw, source: { aws: { bucket: "acme-reads", prefix: "runs/", endpointName: "f" } } },
    ],
    [
      "endpointName removed",
      { ...baseRaw, source: { aws: { bucket: "acme-reads", prefix: "runs/", endpointName: "e" } } },
      baseRaw,
    ],
  ])("source %s → replace", (_l, before, after) => {
    expect(diffDataAsset(olds(before), inputs(after))).toEqual(replaces("source"));
  });

  it("the same combined parts → no change", () => {
    expect(diffDataAsset(olds(combined), inputs(combined))).toEqual(noChange);
  });

  const result = {
    ...baseRaw,
    source: { computation: { id: ID } },
    target: { aws: { bucket: "acme-out", prefix: "r/" } },
  };
  const onEndpoint = (endpointName: string) => ({
    ...result,
    target: { aws: { bucket: "acme-out", prefix: "r/", endpointName } },
  });
  it.each<[string, Raw, Raw]>([
    ["added", result, onEndpoint("e")],
    ["changed", onEndpoint("e"), onEndpoint("f")],
    ["removed", onEndpoint("e"), result],
  ])("target endpointName %s → replace", (_l, before, after) => {
    expect(diffDataAsset(olds(before), inputs(after))).toEqual(replaces("target"));
  });

  const info = { capsuleId: ID, version: 2, commit: "3f2c1ab" };
  const withInfo = { ...baseRaw, resultsInfo: info };
  it.each<[string, Raw, Raw]>([
    ["added", baseRaw, withInfo],
    ["removed", withInfo, baseRaw],
    ["version changed", withInfo, { ...baseRaw, resultsInfo: { ...info, version: 3 } }],
    [
      "capsule → pipeline",
      withInfo,
      { ...baseRaw, resultsInfo: { pipelineId: ID, version: 2, commit: "3f2c1ab" } },
    ],
    [
      "parameters added",
      withInfo,
      { ...baseRaw, resultsInfo: { ...info, parameters: [{ paramName: "a", value: "1" }] } },
    ],
  ])("resultsInfo %s → replace", (_l, before, after) => {
    expect(diffDataAsset(olds(before), inputs(after))).toEqual(replaces("resultsInfo"));
  });

  it("the same resultsInfo with keys in another order → no change", () => {
    const reordered = { commit: "3f2c1ab", version: 2, capsuleId: ID };
    expect(diffDataAsset(olds(withInfo), inputs({ ...baseRaw, resultsInfo: reordered }))).toEqual(
      noChange,
    );
  });

  it("an unknown resultsInfo at preview replaces", async () => {
    const d = await dataAssetProvider.diff(ID, olds(withInfo) as never, {
      ...baseRaw,
      resultsInfo: UNKNOWN,
    });
    expect(d.replaces).toEqual(["resultsInfo"]);
  });
});

describe("diff: state written before these inputs existed", () => {
  /** Outputs as an older version stored them: no archived, permissions or resultsInfo key. */
  function oldState(raw: Raw = baseRaw) {
    const {
      archived: _a,
      permissions: _p,
      resultsInfo: _r,
      containedDataAssetIds: _c,
      ...rest
    } = olds(raw) as Record<string, unknown>;
    return rest;
  }

  it("the same declaration → no change (no replace, no spurious update)", () => {
    expect(diffDataAsset(oldState(), inputs(baseRaw))).toEqual(noChange);
    expect(diffDataAsset(oldState(), inputs({ ...baseRaw, archived: false }))).toEqual(noChange);
  });

  it("an S3 source stored without endpointName equals one declared without it", () => {
    const explicit = {
      ...baseRaw,
      source: { aws: { bucket: "acme-reads", prefix: "runs/", keepOnExternalStorage: false } },
    };
    expect(diffDataAsset(oldState(), inputs(explicit))).toEqual(noChange);
  });

  it("declaring one of the new inputs on old state is a change of that input", () => {
    expect(diffDataAsset(oldState(), inputs({ ...baseRaw, permissions: SHARING }))).toEqual(
      inPlace,
    );
    expect(diffDataAsset(oldState(), inputs({ ...baseRaw, archived: true }))).toEqual(inPlace);
    expect(
      diffDataAsset(oldState(), inputs({ ...baseRaw, resultsInfo: { capsuleId: ID } })),
    ).toEqual(replaces("resultsInfo"));
  });
});

// ---------------------------------------------------------------------------------------

describe("effectivePermissions: the sharing Code Ocean lists, as outputs store it", () => {
  const asset = remote(inputs(baseRaw));
  const declared = (p: Raw): DataAssetPermissions =>
    storedPermissions(inputs({ ...baseRaw, permissions: p }).permissions)!;
  const listed = (users: Permissions["users"], rest: Partial<Permissions> = {}): Permissions => ({
    users,
    groups: [],
    everyone: "none",
    ...rest,
  });

  it("drops the owner's own entry when the declaration does not name it", () => {
    const stored = declared({ users: [{ email: "ada@acme.org", role: "viewer" }] });
    const out = effectivePermissions(
      listed([
        { email: OWNER, role: "owner" },
        { email: "ada@acme.org", role: "viewer" },
      ]),
      asset,
      stored,
    );
    expect(out).toEqual({
      users: [{ email: "ada@acme.org", role: "viewer" }],
      groups: [],
      everyone: "none",
      shareAssets: false,
    });
  });

  it("matches the owner's e-mail whatever its case", () => {
    const out = effectivePermissions(
      listed([{ email: "Owner@ACME.org", role: "owner" }]),
      asset,
      declared({}),
    );
    expect(out.users).toEqual([]);
  });

  it("keeps the owner's entry when the declaration names the owner (in any case)", () => {
    const stored = declared({ users: [{ email: "OWNER@acme.org", role: "owner" }] });
    const out = effectivePermissions(listed([{ email: OWNER, role: "owner" }]), asset, stored);
    expect(out.users).toEqual([{ email: OWNER, role: "owner" }]);
  });

  it("keeps another owner that was not declared: that is drift", () => {
    const out = effectivePermissions(
      listed([
        { email: OWNER, role: "owner" },
        { email: "mallory@acme.org", role: "owner" },
      ]),
      asset,
      declared({}),
    );
    expect(out.users).toEqual([{ email: "mallory@acme.org", role: "owner" }]);
  });

  it("without the owner's e-mail, drops the one undeclared owner", () => {
    const anonymous = remote(inputs(baseRaw), "");
    const stored = declared({ users: [{ email: "ada@acme.org", role: "owner" }] });
    const out = effectivePermissions(
      listed([
        { email: "ada@acme.org", role: "owner" },
        { email: "someone@acme.org", role: "owner" },
        { email: "bob@acme.org", role: "viewer" },
      ]),
      anonymous,
      stored,
    );
    expect(out.users).toEqual([
      { email: "ada@acme.org", role: "owner" },
      { email: "bob@acme.org", role: "viewer" },
    ]);
  });

  it("takes groups and everyone as listed, and shareAssets from the stored value", () => {
    const stored = declared({ shareAssets: true, everyone: "viewer" });
    const out = effectivePermissions(
      listed([{ email: OWNER, role: "owner" }], {
        groups: [{ group: "neuroscience", role: "viewer" }],
        everyone: "discoverable",
      }),
      asset,
      stored,
    );
    expect(out).toEqual({
      users: [],
      groups: [{ group: "neuroscience", role: "viewer" }],
      everyone: "discoverable",
      shareAssets: true,
    });
  });
});

// ---------------------------------------------------------------------------------------

describe("metadataUpdate: every PUT carries name, description, tags and mount", () => {
  const desired = inputs({
    ...baseRaw,
    description: "",
    tags: ["genomics", "2026"],
    customMetadata: { "subject id": "S-1" },
  });
  const current = olds({ ...baseRaw, customMetadata: { "subject id": "S-1" } });

  it("nothing changed → no PUT", () => {
    const same = inputs({ ...baseRaw, customMetadata: { "subject id": "S-1" } });
    expect(metadataUpdate(metadataChanges(current, same), same)).toBeUndefined();
  });

  it("a tags-only change sends all four, and no custom metadata", () => {
    const changes = metadataChanges(current, desired);
    expect(changes).toEqual({ tags: ["genomics", "2026"] });
    const put = metadataUpdate(changes, desired);
    expect(put).toEqual({
      name: "RNA reads",
      description: "",
      tags: ["genomics", "2026"],
      mount: "reads",
      customMetadata: undefined,
    });
    // On the wire: the four keys, an empty description included.
    expect(updateDataAssetToWire(put!)).toEqual({
      name: "RNA reads",
      description: "",
      tags: ["genomics", "2026"],
      mount: "reads",
    });
  });

  it("a custom-metadata-only change sends the four and the whole map", () => {
    const next = inputs({ ...baseRaw, customMetadata: { "subject id": "S-2", age: 3 } });
    const put = metadataUpdate(metadataChanges(current, next), next);
    expect(Object.keys(updateDataAssetToWire(put!)).sort()).toEqual([
      "custom_metadata",
      "description",
      "mount",
      "name",
      "tags",
    ]);
    expect(put?.customMetadata).toEqual({ "subject id": "S-2", age: 3 });
  });

  it("a name-only change takes the other three from the declaration, not from the changes", () => {
    const next = inputs({ ...baseRaw, name: "renamed", customMetadata: { "subject id": "S-1" } });
    expect(metadataUpdate({ name: "renamed" }, next)).toMatchObject({
      name: "renamed",
      description: "",
      tags: ["genomics"],
      mount: "reads",
    });
  });

  it("archived and permissions are not metadata: changing them alone needs no PUT", () => {
    const next = inputs({
      ...baseRaw,
      customMetadata: { "subject id": "S-1" },
      archived: true,
      permissions: SHARING,
    });
    expect(metadataChanges(current, next)).toEqual({});
    expect(metadataUpdate(metadataChanges(current, next), next)).toBeUndefined();
  });
});
