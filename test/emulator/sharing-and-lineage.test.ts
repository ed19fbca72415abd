import { EMULATOR_USER, SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import {
  awsAsset,
  call,
  createAsset,
  createReadyAsset,
  resultAsset,
  waitForState,
  type Json,
} from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 20, attachReadyAfterMs: 0 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

const OWNER = { email: EMULATOR_USER.email, role: "owner" };

function externalAsset(name: string, bucket = "acme-ext"): Record<string, unknown> {
  return awsAsset({
    name,
    mount: name,
    source: { aws: { bucket, prefix: `${name}/`, keep_on_external_storage: true } },
  });
}

const sharing = (overrides: Record<string, unknown> = {}) => ({
  users: [{ email: "alice@acme.org", role: "editor" }],
  groups: [{ group: "lab-a", role: "viewer" }],
  everyone: "discoverable",
  ...overrides,
});

describe("permissions", () => {
  it("starts private to the owner and replaces the whole sharing on POST", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    const initial = await call(emu, "GET", `/data_assets/${id}/permissions`);
    expect(initial.status).toBe(200);
    expect(initial.json).toEqual({ users: [OWNER], groups: [], everyone: "none" });

    const set = await call(emu, "POST", `/data_assets/${id}/permissions`, sharing());
    expect(set.status).toBe(204);
    expect((await call(emu, "GET", `/data_assets/${id}/permissions`)).json).toEqual({
      users: [OWNER, { email: "alice@acme.org", role: "editor" }],
      groups: [{ group: "lab-a", role: "viewer" }],
      everyone: "discoverable",
    });

    // A second POST replaces: alice and lab-a are gone, the owner stays.
    await call(emu, "POST", `/data_assets/${id}/permissions`, {
      users: [{ email: "bob@acme.org", role: "viewer" }],
      groups: [],
      everyone: "none",
    });
    expect((await call(emu, "GET", `/data_assets/${id}/permissions`)).json).toEqual({
      users: [OWNER, { email: "bob@acme.org", role: "viewer" }],
      groups: [],
      everyone: "none",
    });
  });

  it("leaves users or groups that are null or absent as they were", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    await call(emu, "POST", `/data_assets/${id}/permissions`, sharing());
    const only = await call(emu, "POST", `/data_assets/${id}/permissions`, {
      users: null,
      groups: null,
      everyone: "viewer",
    });
    expect(only.status).toBe(204);
    expect((await call(emu, "GET", `/data_assets/${id}/permissions`)).json).toEqual({
      users: [OWNER, { email: "alice@acme.org", role: "editor" }],
      groups: [{ group: "lab-a", role: "viewer" }],
      everyone: "viewer",
    });
    // Absent keys are the same as null; a given part still replaces that part.
    await call(emu, "POST", `/data_assets/${id}/permissions`, { groups: [], everyone: "none" });
    expect((await call(emu, "GET", `/data_assets/${id}/permissions`)).json).toEqual({
      users: [OWNER, { email: "alice@acme.org", role: "editor" }],
      groups: [],
      everyone: "none",
    });
    await call(emu, "POST", `/data_assets/${id}/permissions`, { users: [], everyone: "none" });
    expect(emu.admin.permissions(id)).toEqual({ users: [OWNER], groups: [], everyone: "none" });
  });

  it("accepts the owner listed as owner, never duplicates it, and refuses demoting it", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    const upper = EMULATOR_USER.email.toUpperCase();
    const listed = await call(
      emu,
      "POST",
      `/data_assets/${id}/permissions`,
      sharing({ users: [{ email: upper, role: "owner" }] }),
    );
    expect(listed.status).toBe(204);
    expect((await call(emu, "GET", `/data_assets/${id}/permissions`)).json.users).toEqual([OWNER]);

    const demoted = await call(
      emu,
      "POST",
      `/data_assets/${id}/permissions`,
      sharing({ users: [{ email: EMULATOR_USER.email, role: "viewer" }] }),
    );
    expect(demoted.status).toBe(400);
    expect(demoted.json.field).toBe("users[0].role");
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ["missing everyone", sharing({ everyone: undefined }), "everyone"],
    ["everyone null", sharing({ users: null, groups: null, everyone: null }), "everyone"],
    ["users not an array", sharing({ users: "alice" }), "users"],
    ["user not an object", sharing({ users: ["alice@acme.org"] }), "users[0]"],
    ["user without email", sharing({ users: [{ role: "viewer" }] }), "users[0].email"],
    [
      "user email not an address",
      sharing({ users: [{ email: "alice", role: "viewer" }] }),
      "users[0].email",
    ],
    ["user without role", sharing({ users: [{ email: "a@b.c" }] }), "users[0].role"],
    ["user role null", sharing({ users: [{ email: "a@b.c", role: null }] }), "users[0].role"],
    [
      "user role discoverable",
      sharing({
        users: [
          { email: "a@b.c", role: "viewer" },
          { email: "d@e.f", role: "discoverable" },
        ],
      }),
      "users[1].role",
    ],
    [
      "repeated user",
      sharing({
        users: [
          { email: "a@b.c", role: "viewer" },
          { email: "A@b.c", role: "editor" },
        ],
      }),
      "users[1].email",
    ],
    ["group without group", sharing({ groups: [{ role: "viewer" }] }), "groups[0].group"],
    ["group role unknown", sharing({ groups: [{ group: "g", role: "admin" }] }), "groups[0].role"],
    [
      "repeated group",
      sharing({
        groups: [
          { group: "g", role: "viewer" },
          { group: "g", role: "owner" },
        ],
      }),
      "groups[1].group",
    ],
    ["everyone editor", sharing({ everyone: "editor" }), "everyone"],
    ["share_assets not a boolean", sharing({ share_assets: "yes" }), "share_assets"],
  ];
  const table = bad.map(([label, body, field]) => ({ label, body, field }));
  it.each(table)("$label -> 400 naming $field", async ({ body, field }) => {
    const { id } = await createReadyAsset(emu, awsAsset());
    const res = await call(emu, "POST", `/data_assets/${id}/permissions`, body);
    expect(res.status).toBe(400);
    expect(res.json.field).toBe(field);
    expect(res.json.message).toContain(field);
    // A refused POST changes nothing.
    expect(emu.admin.permissions(id)).toEqual({ users: [OWNER], groups: [], everyone: "none" });
  });

  it("refuses a non-object body", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    const res = await call(emu, "POST", `/data_assets/${id}/permissions`, [sharing()]);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/JSON object/);
  });

  it("answers 404 for an unknown asset, on GET and POST", async () => {
    const get = await call(emu, "GET", "/data_assets/nope/permissions");
    expect(get.status).toBe(404);
    expect(get.json.message).toMatch(/not found/);
    expect((await call(emu, "POST", "/data_assets/nope/permissions", sharing())).status).toBe(404);
    // 404 wins over a bad body.
    expect((await call(emu, "POST", "/data_assets/nope/permissions", {})).status).toBe(404);
  });

  it("refuses permissions on a draft or failed asset and reads them on any asset", async () => {
    emu.admin.addOutcome({ match: { name: "stuck" }, outcome: { kind: "draft" } });
    const draft = await createAsset(emu, awsAsset({ name: "stuck" }));
    const res = await call(emu, "POST", `/data_assets/${draft.id}/permissions`, sharing());
    expect(res.status).toBe(400);
    expect(res.json.state).toBe("draft");
    expect(res.json.message).toMatch(/not ready \(state: draft\).*once it is ready/);
    expect((await call(emu, "GET", `/data_assets/${draft.id}/permissions`)).json).toEqual({
      users: [OWNER],
      groups: [],
      everyone: "none",
    });

    emu.admin.updateAsset(draft.id, { state: "failed", failure_reason: "no such bucket" });
    const failed = await call(emu, "POST", `/data_assets/${draft.id}/permissions`, sharing());
    expect(failed.status).toBe(400);
    expect(failed.json.message).toMatch(/state: failed: no such bucket/);

    emu.admin.updateAsset(draft.id, { state: "ready" });
    const ready = await call(emu, "POST", `/data_assets/${draft.id}/permissions`, sharing());
    expect(ready.status).toBe(204);
  });

  it("accepts permissions on an archived asset", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    await call(emu, "PATCH", `/data_assets/${id}/archive?archive=True`);
    expect((await call(emu, "POST", `/data_assets/${id}/permissions`, sharing())).status).toBe(204);
    expect((await call(emu, "GET", `/data_assets/${id}/permissions`)).json.everyone).toBe(
      "discoverable",
    );
  });

  it("journals the permission routes with the asset id", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    emu.admin.clearJournal();
    await call(emu, "POST", `/data_assets/${id}/permissions`, sharing());
    await call(emu, "GET", `/data_assets/${id}/permissions`);
    expect(emu.admin.counts()).toEqual({
      "POST /data_assets/:id/permissions": 1,
      "GET /data_assets/:id/permissions": 1,
    });
    expect(emu.admin.journal().map((e) => e.assetId)).toEqual([id, id]);
  });
});

describe("permissions, out of band", () => {
  const admin = (method: string, path: string, body?: unknown) =>
    call(emu, method, `/__emulator${path}`, body, { token: null });

  it("reads permissions with the last share_assets, in process and over HTTP", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    expect(emu.admin.permissions(id)).toEqual({ users: [OWNER], groups: [], everyone: "none" });
    await call(emu, "POST", `/data_assets/${id}/permissions`, sharing({ share_assets: true }));
    const expected = {
      users: [OWNER, { email: "alice@acme.org", role: "editor" }],
      groups: [{ group: "lab-a", role: "viewer" }],
      everyone: "discoverable",
      share_assets: true,
    };
    expect(emu.admin.permissions(id)).toEqual(expected);
    const http = await admin("GET", `/data_assets/${id}/permissions`);
    expect(http.status).toBe(200);
    expect(http.json).toEqual(expected);
    // share_assets is never echoed by the API itself.
    expect((await call(emu, "GET", `/data_assets/${id}/permissions`)).json.share_assets).toBe(
      undefined,
    );
    expect(emu.admin.permissions("nope")).toBeUndefined();
    expect((await admin("GET", "/data_assets/nope/permissions")).status).toBe(404);
  });

  it("patches parts of the sharing without the API's rules, keeping the owner listed", async () => {
    const { id } = await createAsset(emu, awsAsset());
    // Out of band even a draft takes permissions, and a role the API does not document.
    emu.admin.setPermissions(id, { groups: [{ group: "lab-b", role: "commenter" }] });
    expect((await call(emu, "GET", `/data_assets/${id}/permissions`)).json).toEqual({
      users: [OWNER],
      groups: [{ group: "lab-b", role: "commenter" }],
      everyone: "none",
    });
    const patched = await admin("PATCH", `/data_assets/${id}/permissions`, {
      users: [{ email: "carol@acme.org", role: "viewer" }],
      everyone: "viewer",
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({
      users: [OWNER, { email: "carol@acme.org", role: "viewer" }],
      groups: [{ group: "lab-b", role: "commenter" }],
      everyone: "viewer",
    });
    emu.admin.setPermissions(id, { users: [] });
    expect(emu.admin.permissions(id)?.users).toEqual([OWNER]);
    // Admin changes never reach the journal.
    expect(emu.admin.counts()["GET /data_assets/:id/permissions"]).toBe(1);

    expect(() => emu.admin.setPermissions("nope", { everyone: "none" })).toThrow(
      /unknown data asset/,
    );
    expect(
      (await admin("PATCH", "/data_assets/nope/permissions", { everyone: "none" })).status,
    ).toBe(404);
    const malformed = await admin("PATCH", `/data_assets/${id}/permissions`, {
      users: [{ role: "viewer" }],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({
      field: "users[0].email",
      message: "permissions patch: users[0].email is required",
    });
  });
});

describe("combined data assets", () => {
  it("combines two or more ready external assets into a combined asset", async () => {
    const a = await createReadyAsset(emu, externalAsset("part-a"));
    const b = await createReadyAsset(emu, externalAsset("part-b"));
    const created = await call(emu, "POST", "/data_assets", {
      name: "both parts",
      mount: "both",
      tags: ["combined"],
      data_asset_ids: [a.id, b.id],
    });
    expect(created.status).toBe(200);
    const contained = [
      { id: a.id, mount: "part-a", size: a.size },
      { id: b.id, mount: "part-b", size: b.size },
    ];
    expect(created.json).toMatchObject({
      name: "both parts",
      state: "draft",
      type: "combined",
      source_bucket: { origin: "aws", bucket: "", prefix: "", external: true },
      contained_data_assets: contained,
    });
    expect(created.json.provenance).toBeUndefined();
    const ready = await waitForState(emu, created.json.id, "ready");
    expect(ready.contained_data_assets).toEqual(contained);
    expect([ready.files, ready.size]).toEqual([a.files + b.files, a.size + b.size]);

    const found = await call(emu, "POST", "/data_assets/search", { type: "combined" });
    expect(found.json.results).toEqual([ready]);
    const external = await call(emu, "POST", "/data_assets/search", {
      origin: "external",
      query: "name:both",
    });
    expect(external.json.results.map((r: Json) => r.id)).toEqual([ready.id]);

    // A combined asset attaches like any other, as external.
    const attached = await call(emu, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [
      { id: ready.id },
    ]);
    expect(attached.json).toEqual([expect.objectContaining({ id: ready.id, external: true })]);
  });

  it("follows outcome rules like any create", async () => {
    const a = await createReadyAsset(emu, externalAsset("part-a"));
    const b = await createReadyAsset(emu, externalAsset("part-b"));
    emu.admin.addOutcome({
      match: { name: "doomed combo" },
      outcome: { kind: "fail", reason: "mount conflict", afterMs: 0 },
    });
    const created = await createAsset(emu, {
      name: "doomed combo",
      mount: "combo",
      tags: [],
      data_asset_ids: [a.id, b.id],
    });
    expect((await waitForState(emu, created.id, "failed")).failure_reason).toBe("mount conflict");
  });

  it("refuses what cannot be combined, with a message naming the entry", async () => {
    const a = await createReadyAsset(emu, externalAsset("part-a"));
    const b = await createReadyAsset(emu, externalAsset("part-b"));
    const internal = await createReadyAsset(emu, awsAsset({ name: "internal" }));
    const result = await createReadyAsset(emu, resultAsset());
    emu.admin.addOutcome({ match: { name: "slow" }, outcome: { kind: "draft" } });
    const draft = await createAsset(emu, externalAsset("slow"));
    const combo = await createReadyAsset(emu, {
      name: "combo",
      mount: "combo",
      tags: [],
      data_asset_ids: [a.id, b.id],
    });
    const before = emu.admin.assets().length;
    const base = { name: "c", mount: "c", tags: [] };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ data_asset_ids: [] }, "data_asset_ids", /at least two .*got 0/],
      [{ data_asset_ids: [a.id] }, "data_asset_ids", /at least two .*got 1/],
      [{ data_asset_ids: a.id }, "data_asset_ids", /array of data asset id strings/],
      [{ data_asset_ids: [a.id, 7] }, "data_asset_ids", /array of data asset id strings/],
      [{ data_asset_ids: [a.id, "nope"] }, "data_asset_ids[1]", /unknown data asset "nope"/],
      [{ data_asset_ids: [a.id, a.id] }, "data_asset_ids[1]", /repeats data_asset_ids\[0\]/],
      [{ data_asset_ids: [internal.id, a.id] }, "data_asset_ids[0]", /internal/],
      [{ data_asset_ids: [a.id, result.id] }, "data_asset_ids[1]", /internal/],
      [{ data_asset_ids: [a.id, draft.id] }, "data_asset_ids[1]", /not ready \(state: draft\)/],
      [{ data_asset_ids: [combo.id, b.id] }, "data_asset_ids[0]", /itself a combined/],
      [
        { data_asset_ids: [a.id, b.id], source: { aws: { bucket: "x" } } },
        "data_asset_ids",
        /together with source/,
      ],
      [
        { data_asset_ids: [a.id, b.id], target: { aws: { bucket: "x", prefix: "" } } },
        "target",
        /computation source/,
      ],
      [
        { data_asset_ids: [a.id, b.id], results_info: { capsule_id: SEED_IDS.capsule } },
        "results_info",
        /aws or gcp source \(got data_asset_ids\)/,
      ],
    ];
    for (const [extra, field, message] of cases) {
      const res = await call(emu, "POST", "/data_assets", { ...base, ...extra });
      expect({ status: res.status, field: res.json.field }).toEqual({ status: 400, field });
      expect(res.json.message).toMatch(message);
      expect(res.json.message).toContain(field);
    }
    expect(emu.admin.assets()).toHaveLength(before);
  });
});

describe("endpoint_name", () => {
  it("is stored and echoed in source_bucket for an aws source and an aws target", async () => {
    const fromSource = await createAsset(
      emu,
      awsAsset({ source: { aws: { bucket: "onprem", prefix: "p/", endpoint_name: "minio-1" } } }),
    );
    expect(fromSource.source_bucket).toEqual({
      origin: "aws",
      bucket: "onprem",
      prefix: "p/",
      external: false,
      endpoint_name: "minio-1",
    });
    const toTarget = await createAsset(
      emu,
      resultAsset({ target: { aws: { bucket: "out", prefix: "r/", endpoint_name: "minio-2" } } }),
    );
    expect(toTarget.source_bucket).toEqual({
      origin: "aws",
      bucket: "out",
      prefix: "r/",
      external: true,
      endpoint_name: "minio-2",
    });
    expect((await waitForState(emu, fromSource.id, "ready")).source_bucket.endpoint_name).toBe(
      "minio-1",
    );
    const found = await call(emu, "POST", "/data_assets/search", { query: `id:${toTarget.id}` });
    expect(found.json.results[0].source_bucket.endpoint_name).toBe("minio-2");
  });

  it("is left out when not given, and must be a string", async () => {
    const plain = await createAsset(emu, awsAsset());
    expect("endpoint_name" in plain.source_bucket).toBe(false);
    for (const [body, field] of [
      [
        awsAsset({ source: { aws: { bucket: "b", endpoint_name: 3 } } }),
        "source.aws.endpoint_name",
      ],
      [
        resultAsset({ target: { aws: { bucket: "b", prefix: "", endpoint_name: true } } }),
        "target.aws.endpoint_name",
      ],
    ] as const) {
      const res = await call(emu, "POST", "/data_assets", body);
      expect(res.status).toBe(400);
      expect(res.json.field).toBe(field);
    }
  });
});

describe("results_info", () => {
  it("makes a result with capsule provenance from an aws source", async () => {
    const input = await createReadyAsset(emu, awsAsset({ name: "input" }));
    const created = await createAsset(
      emu,
      awsAsset({
        name: "exported run",
        source: { aws: { bucket: "results", prefix: "run-7/", keep_on_external_storage: true } },
        results_info: {
          capsule_id: SEED_IDS.capsule,
          version: 3,
          commit: "0123456789abcdef0123456789abcdef01234567",
          run_script: "code/run.sh",
          data_assets: [input.id],
          parameters: [
            { name: "Threshold", param_name: "threshold", value: "0.5" },
            { param_name: "mode", value: "fast" },
            { value: "positional" },
          ],
        },
      }),
    );
    expect(created).toMatchObject({
      type: "result",
      state: "draft",
      source_bucket: { origin: "aws", bucket: "results", prefix: "run-7/", external: true },
      provenance: {
        capsule: SEED_IDS.capsule,
        version: 3,
        commit: "0123456789abcdef0123456789abcdef01234567",
        run_script: "code/run.sh",
        data_assets: [input.id],
      },
      app_parameters: [
        { name: "Threshold", value: "0.5" },
        { name: "mode", value: "fast" },
        { name: "", value: "positional" },
      ],
    });
    expect(Object.keys(created.provenance).sort()).toEqual(
      ["capsule", "commit", "data_assets", "run_script", "version"].sort(),
    );
    expect(created.nextflow_profile).toBeUndefined();
    const ready = await waitForState(emu, created.id, "ready");
    expect(ready.provenance).toEqual(created.provenance);
    const found = await call(emu, "POST", "/data_assets/search", { type: "result" });
    expect(found.json.results).toEqual([ready]);
  });

  it("makes a result with pipeline provenance from a gcp source", async () => {
    const created = await createAsset(
      emu,
      awsAsset({
        source: { gcp: { bucket: "g", prefix: "p", client_id: "id", client_secret: "s3cr3t" } },
        results_info: {
          pipeline_id: SEED_IDS.pipeline,
          nextflow_profile: "local",
          processes: [
            {
              name: "align",
              capsule_id: SEED_IDS.capsule,
              version: 2,
              public: false,
              parameters: [{ name: "k", value: "31" }],
            },
            { name: "qc", capsule_id: "public-app-not-in-this-deployment" },
          ],
        },
      }),
    );
    expect(created.type).toBe("result");
    expect(created.provenance).toEqual({
      pipeline: SEED_IDS.pipeline,
      data_assets: [],
      processes: [
        {
          name: "align",
          capsule_id: SEED_IDS.capsule,
          version: 2,
          public: false,
          parameters: [{ name: "k", value: "31" }],
        },
        { name: "qc", capsule_id: "public-app-not-in-this-deployment" },
      ],
    });
    expect(created.nextflow_profile).toBe("local");
    expect(JSON.stringify(emu.admin.assets())).not.toContain("s3cr3t");
  });

  const withInfo = (info: unknown, source: unknown = { aws: { bucket: "b" } }) =>
    awsAsset({ source, results_info: info });
  const cap = { capsule_id: SEED_IDS.capsule };
  const bad: [string, Record<string, unknown>, string][] = [
    ["computation source", resultAsset({ results_info: cap }), "results_info"],
    ["not an object", withInfo("capsule"), "results_info"],
    ["neither capsule nor pipeline", withInfo({ commit: "abc" }), "results_info"],
    ["both", withInfo({ ...cap, pipeline_id: SEED_IDS.pipeline }), "results_info"],
    ["capsule_id not a string", withInfo({ capsule_id: 5 }), "results_info.capsule_id"],
    ["unknown capsule", withInfo({ capsule_id: "nope" }), "results_info.capsule_id"],
    ["unknown pipeline", withInfo({ pipeline_id: SEED_IDS.capsule }), "results_info.pipeline_id"],
    ["version a string", withInfo({ ...cap, version: "3" }), "results_info.version"],
    ["version fractional", withInfo({ ...cap, version: 1.5 }), "results_info.version"],
    ["version zero", withInfo({ ...cap, version: 0 }), "results_info.version"],
    ["commit a number", withInfo({ ...cap, commit: 1 }), "results_info.commit"],
    ["run_script a list", withInfo({ ...cap, run_script: ["a"] }), "results_info.run_script"],
    ["data_assets a string", withInfo({ ...cap, data_assets: "x" }), "results_info.data_assets"],
    ["data_assets a number", withInfo({ ...cap, data_assets: [1] }), "results_info.data_assets[0]"],
    [
      "unknown data asset",
      withInfo({ ...cap, data_assets: ["nope"] }),
      "results_info.data_assets[0]",
    ],
    ["parameters an object", withInfo({ ...cap, parameters: {} }), "results_info.parameters"],
    ["parameter a string", withInfo({ ...cap, parameters: ["a=1"] }), "results_info.parameters[0]"],
    [
      "parameter without value",
      withInfo({ ...cap, parameters: [{ name: "a" }] }),
      "results_info.parameters[0].value",
    ],
    [
      "parameter value a number",
      withInfo({ ...cap, parameters: [{ value: 1 }] }),
      "results_info.parameters[0].value",
    ],
    [
      "parameter name a number",
      withInfo({ ...cap, parameters: [{ name: 1, value: "1" }] }),
      "results_info.parameters[0].name",
    ],
    [
      "nextflow_profile a bool",
      withInfo({ ...cap, nextflow_profile: true }),
      "results_info.nextflow_profile",
    ],
    ["processes an object", withInfo({ ...cap, processes: {} }), "results_info.processes"],
    [
      "process without name",
      withInfo({ ...cap, processes: [{ capsule_id: "c" }] }),
      "results_info.processes[0].name",
    ],
    [
      "process without capsule",
      withInfo({ ...cap, processes: [{ name: "p" }] }),
      "results_info.processes[0].capsule_id",
    ],
    [
      "process version a string",
      withInfo({ ...cap, processes: [{ name: "p", capsule_id: "c", version: "1" }] }),
      "results_info.processes[0].version",
    ],
    [
      "process public a string",
      withInfo({ ...cap, processes: [{ name: "p", capsule_id: "c", public: "no" }] }),
      "results_info.processes[0].public",
    ],
    [
      "process parameter without value",
      withInfo({
        ...cap,
        processes: [{ name: "p", capsule_id: "c", parameters: [{ name: "x" }] }],
      }),
      "results_info.processes[0].parameters[0].value",
    ],
  ];
  const table = bad.map(([label, body, field]) => ({ label, body, field }));
  it.each(table)("$label -> 400 naming $field", async ({ body, field }) => {
    const res = await call(emu, "POST", "/data_assets", body);
    expect(res.status).toBe(400);
    expect(res.json.field).toBe(field);
    expect(res.json.message).toContain(field);
    expect(emu.admin.assets()).toHaveLength(0);
  });
});
