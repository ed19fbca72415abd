// Replays the exact requests the official Python SDK (codeocean 0.16) sends for sharing,
// combined assets and results_info: its dataclasses serialise every unset optional field as
// an explicit null (nested ones too), in field declaration order, and `requests` writes
// them with Python's json.dumps separators. The bodies below are what
// `Permissions(...).to_dict()` and `DataAssetParams(...).to_dict()` produce.
import { EMULATOR_USER, SEED_IDS, startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, call, createReadyAsset, waitForState, type Json } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 20 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

/** json.dumps(value) with Python's defaults: ", " and ": " separators, ASCII only. */
function pythonDumps(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pythonDumps(k)}: ${pythonDumps(v)}`).join(", ")}}`;
  }
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** What the SDK's session sends: its JSON body verbatim, and its headers. */
function sdkCall(method: string, path: string, body?: unknown) {
  return call(emu, method, path, undefined, {
    raw: body === undefined ? undefined : pythonDumps(body),
  });
}

// AWSS3Source(bucket=..., prefix=..., keep_on_external_storage=True): fields in order.
function sdkAwsSource(bucket: string, prefix: string, extra: Record<string, unknown> = {}) {
  return {
    aws: {
      bucket,
      endpoint_name: null,
      prefix,
      keep_on_external_storage: true,
      public: null,
      use_input_bucket: null,
      ...extra,
    },
    gcp: null,
    computation: null,
    cloud_workstation: null,
  };
}

function sdkParams(fields: Record<string, unknown>) {
  // DataAssetParams field order: name, tags, mount, then the optional ones.
  return {
    name: null,
    tags: null,
    mount: null,
    description: null,
    source: null,
    target: null,
    custom_metadata: null,
    data_asset_ids: null,
    results_info: null,
    ...fields,
  };
}

/** The fields DataAsset.from_dict requires; everything else is Optional in the SDK. */
function expectSdkDataAsset(a: Json): void {
  for (const key of ["id", "created", "name", "mount", "last_used", "owner", "state", "type"]) {
    expect(a[key]).toBeDefined();
  }
}

describe("Python SDK requests", () => {
  it("update_permissions then get_permissions", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    // Permissions(users=[UserPermissions(email, UserRole.Editor)],
    //             groups=[GroupPermissions("lab-a", GroupRole.Discoverable)],
    //             everyone=EveryoneRole.Viewer)
    const posted = await sdkCall("POST", `/data_assets/${id}/permissions`, {
      users: [{ email: "alice@acme.org", role: "editor" }],
      groups: [{ group: "lab-a", role: "discoverable" }],
      everyone: "viewer",
      share_assets: null,
    });
    expect(posted.status).toBeLessThan(300);

    // get_permissions sends no body but keeps the session's Content-Type header.
    const got = await sdkCall("GET", `/data_assets/${id}/permissions`);
    expect(got.status).toBe(200);
    // Exactly Permissions' fields (share_assets is not echoed), so from_dict round-trips.
    expect(got.json).toEqual({
      users: [
        { email: EMULATOR_USER.email, role: "owner" },
        { email: "alice@acme.org", role: "editor" },
      ],
      groups: [{ group: "lab-a", role: "discoverable" }],
      everyone: "viewer",
    });

    // Permissions(users=[], groups=[], everyone=EveryoneRole.None_, share_assets=True)
    const cleared = await sdkCall("POST", `/data_assets/${id}/permissions`, {
      users: [],
      groups: [],
      everyone: "none",
      share_assets: true,
    });
    expect(cleared.status).toBeLessThan(300);
    expect((await sdkCall("GET", `/data_assets/${id}/permissions`)).json).toEqual({
      users: [{ email: EMULATOR_USER.email, role: "owner" }],
      groups: [],
      everyone: "none",
    });
    expect(emu.admin.permissions(id)?.share_assets).toBe(true);
  });

  it("update_permissions(Permissions(everyone=viewer)) leaves users and groups unchanged", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    await sdkCall("POST", `/data_assets/${id}/permissions`, {
      users: [{ email: "alice@acme.org", role: "viewer" }],
      groups: [{ group: "lab-a", role: "viewer" }],
      everyone: "none",
      share_assets: null,
    });
    // Permissions(everyone=EveryoneRole.Viewer): what AIND's pipeline monitor sends by default.
    const res = await sdkCall("POST", `/data_assets/${id}/permissions`, {
      users: null,
      groups: null,
      everyone: "viewer",
      share_assets: null,
    });
    expect(res.status).toBeLessThan(300);
    expect((await sdkCall("GET", `/data_assets/${id}/permissions`)).json).toEqual({
      users: [
        { email: EMULATOR_USER.email, role: "owner" },
        { email: "alice@acme.org", role: "viewer" },
      ],
      groups: [{ group: "lab-a", role: "viewer" }],
      everyone: "viewer",
    });
  });

  it("update_permissions without everyone is refused: it stays required", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    // Permissions(users=[...]): the SDK sends groups and everyone as null.
    const res = await sdkCall("POST", `/data_assets/${id}/permissions`, {
      users: [{ email: "alice@acme.org", role: "viewer" }],
      groups: null,
      everyone: null,
      share_assets: null,
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ field: "everyone", message: "everyone is required" });
  });

  it("create_data_asset with data_asset_ids", async () => {
    const parts: Json[] = [];
    for (const name of ["part-a", "part-b", "part-c"]) {
      // DataAssetParams(name, tags=[], mount=name, source=Source(aws=AWSS3Source(...)))
      const res = await sdkCall(
        "POST",
        "/data_assets",
        sdkParams({ name, tags: [], mount: name, source: sdkAwsSource("acme-ext", `${name}/`) }),
      );
      expect(res.status).toBe(200);
      parts.push(await waitForState(emu, res.json.id, "ready"));
    }
    // DataAssetParams(name="all parts", tags=["x"], mount="all", description="3 in 1",
    //                 data_asset_ids=[...])
    const res = await sdkCall(
      "POST",
      "/data_assets",
      sdkParams({
        name: "all parts",
        tags: ["x"],
        mount: "all",
        description: "3 in 1",
        data_asset_ids: parts.map((p) => p.id),
      }),
    );
    expect(res.status).toBe(200);
    expectSdkDataAsset(res.json);
    expect(res.json).toMatchObject({ type: "combined", state: "draft", description: "3 in 1" });
    // ContainedDataAsset has exactly id, mount and size.
    expect(res.json.contained_data_assets).toEqual(
      parts.map((p) => ({ id: p.id, mount: p.mount, size: p.size })),
    );
    const ready = await waitForState(emu, res.json.id, "ready");
    expect(ready.contained_data_assets).toEqual(res.json.contained_data_assets);
  });

  it("create_data_asset with results_info for a capsule", async () => {
    const input = await createReadyAsset(emu, awsAsset({ name: "input" }));
    // DataAssetParams(..., source=Source(aws=AWSS3Source(bucket, prefix,
    //   keep_on_external_storage=True, endpoint_name="onprem")),
    //   results_info=ResultsInfo(capsule_id=..., version=2, commit=..., run_script=...,
    //   data_assets=[...], parameters=[Param(name="Threshold", value="0.5")]))
    const res = await sdkCall(
      "POST",
      "/data_assets",
      sdkParams({
        name: "exported results \u00e9",
        tags: ["results"],
        mount: "exported",
        source: sdkAwsSource("results", "run-1/", { endpoint_name: "onprem" }),
        results_info: {
          capsule_id: SEED_IDS.capsule,
          pipeline_id: null,
          version: 2,
          commit: "0123456789abcdef0123456789abcdef01234567",
          run_script: "code/run",
          data_assets: [input.id],
          parameters: [{ name: "Threshold", param_name: null, value: "0.5" }],
          nextflow_profile: null,
          processes: null,
        },
      }),
    );
    expect(res.status).toBe(200);
    expectSdkDataAsset(res.json);
    expect(res.json).toMatchObject({
      name: "exported results \u00e9",
      type: "result",
      source_bucket: {
        origin: "aws",
        bucket: "results",
        prefix: "run-1/",
        external: true,
        endpoint_name: "onprem",
      },
      provenance: {
        capsule: SEED_IDS.capsule,
        version: 2,
        commit: "0123456789abcdef0123456789abcdef01234567",
        run_script: "code/run",
        data_assets: [input.id],
      },
      app_parameters: [{ name: "Threshold", value: "0.5" }],
    });
    expect(res.json.nextflow_profile).toBeUndefined();
  });

  it("create_data_asset with results_info for a pipeline", async () => {
    // ResultsInfo(pipeline_id=..., nextflow_profile="aws",
    //   processes=[PipelineProcess(name="align", capsule_id=...,
    //                              parameters=[Param(param_name="k", value="31")])])
    const res = await sdkCall(
      "POST",
      "/data_assets",
      sdkParams({
        name: "pipeline results",
        tags: [],
        mount: "pipeline-results",
        source: sdkAwsSource("results", "pipe-1/"),
        results_info: {
          capsule_id: null,
          pipeline_id: SEED_IDS.pipeline,
          version: null,
          commit: null,
          run_script: null,
          data_assets: null,
          parameters: null,
          nextflow_profile: "aws",
          processes: [
            {
              name: "align",
              capsule_id: SEED_IDS.capsule,
              version: null,
              public: null,
              parameters: [{ name: null, param_name: "k", value: "31" }],
            },
          ],
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ type: "result", nextflow_profile: "aws" });
    expect(res.json.provenance).toEqual({
      pipeline: SEED_IDS.pipeline,
      data_assets: [],
      processes: [
        {
          name: "align",
          capsule_id: SEED_IDS.capsule,
          parameters: [{ param_name: "k", value: "31" }],
        },
      ],
    });
    expect(res.json.app_parameters).toBeUndefined();
  });

  it("transfer_data_asset, then get_data_asset reads last_transferred", async () => {
    const { id } = await createReadyAsset(emu, awsAsset());
    // TransferDataParams(target=Target(aws=AWSS3Target(bucket="archive", prefix="x/")))
    const res = await sdkCall("POST", `/data_assets/${id}/transfer`, {
      target: { aws: { bucket: "archive", endpoint_name: null, prefix: "x/" } },
      force: null,
    });
    expect(res.status).toBeLessThan(300);
    const got = (await sdkCall("GET", `/data_assets/${id}`)).json;
    expectSdkDataAsset(got);
    expect(got.last_transferred).toEqual(expect.any(Number));
    expect(got.source_bucket).toEqual({
      origin: "aws",
      bucket: "archive",
      prefix: "x/",
      external: true,
    });
  });

  it("create_data_asset from a Cloud Workstation, then computations.attach/detach_data_assets", async () => {
    // DataAssetParams(name="captured", tags=["ws"], mount="captured",
    //   source=Source(cloud_workstation=CloudWorkstationSource(id=..., path="scratch/out",
    //                                                          run_script="code/analysis.py")))
    const res = await sdkCall(
      "POST",
      "/data_assets",
      sdkParams({
        name: "captured",
        tags: ["ws"],
        mount: "captured",
        source: {
          aws: null,
          gcp: null,
          computation: null,
          cloud_workstation: {
            id: SEED_IDS.cloudWorkstation,
            path: "scratch/out",
            run_script: "code/analysis.py",
          },
        },
      }),
    );
    expect(res.status).toBe(200);
    expectSdkDataAsset(res.json);
    expect(res.json).toMatchObject({
      type: "result",
      provenance: { computation: SEED_IDS.cloudWorkstation, run_script: "code/analysis.py" },
    });
    const ready = await waitForState(emu, res.json.id, "ready");

    // computations.attach_data_assets(id, [DataAssetAttachParams(id=...)])
    const attached = await sdkCall(
      "POST",
      `/computations/${SEED_IDS.cloudWorkstation}/data_assets`,
      [{ id: ready.id, mount: null }],
    );
    expect(attached.status).toBe(200);
    // DataAssetAttachResults.from_dict needs id; the rest is optional.
    expect(attached.json[0]).toMatchObject({ id: ready.id, mount: "captured" });
    // computations.detach_data_assets(id, [...]): DELETE with the trailing slash.
    const detached = await sdkCall(
      "DELETE",
      `/computations/${SEED_IDS.cloudWorkstation}/data_assets/`,
      [ready.id],
    );
    expect(detached.status).toBeLessThan(300);
    expect(emu.admin.attachments()).toEqual([]);
  });

  it("search_data_assets with SearchFilter values and a one-sided SearchFilterRange", async () => {
    await createReadyAsset(emu, awsAsset({ name: "few", custom_metadata: { replicates: 3 } }));
    await createReadyAsset(emu, awsAsset({ name: "many", custom_metadata: { replicates: 40 } }));
    // DataAssetSearchParams(query="genomics", sort_field=DataAssetSortBy.Name,
    //   sort_order=SortOrder.Ascending, filters=[
    //     SearchFilter(key="replicates", range=SearchFilterRange(min=10, max=None)),
    //     SearchFilter(key="tags", values=["genomics", "x"])])
    const res = await sdkCall("POST", "/data_assets/search", {
      query: "genomics",
      next_token: null,
      offset: null,
      limit: null,
      sort_field: "name",
      sort_order: "asc",
      type: null,
      ownership: null,
      origin: null,
      favorite: null,
      archived: null,
      filters: [
        {
          key: "replicates",
          value: null,
          values: null,
          range: { min: 10, max: null },
          exclude: null,
        },
        { key: "tags", value: null, values: ["genomics", "x"], range: null, exclude: null },
      ],
    });
    expect(res.status).toBe(200);
    // DataAssetSearchResults: has_more and results are required.
    expect(res.json.has_more).toBe(false);
    expect(res.json.results.map((a: Json) => a.name)).toEqual(["many"]);
  });

  it("search_capsules_iterator(CapsuleSearchParams(query=data_asset_id)) finds its capsules", async () => {
    const asset = await createReadyAsset(emu, awsAsset());
    await call(emu, "POST", `/capsules/${SEED_IDS.capsule}/data_assets`, [{ id: asset.id }]);
    // CapsuleSearchParams(query=asset.id).to_dict(): every other field null.
    const body = {
      query: asset.id,
      next_token: null,
      offset: null,
      limit: null,
      sort_field: null,
      sort_order: null,
      ownership: null,
      status: null,
      favorite: null,
      archived: null,
      filters: null,
    };
    const res = await sdkCall("POST", "/capsules/search", body);
    expect(res.status).toBe(200);
    // CapsuleSearchResults: has_more and results are required; Capsule needs these fields.
    expect(res.json.has_more).toBe(false);
    expect(res.json.results).toHaveLength(1);
    for (const key of ["id", "created", "name", "status", "owner", "slug"]) {
      expect(res.json.results[0][key]).toBeDefined();
    }
    expect(res.json.results[0].id).toBe(SEED_IDS.capsule);
    // pipelines.search_pipelines_iterator takes the same params.
    expect((await sdkCall("POST", "/pipelines/search", body)).json.results).toEqual([]);
  });

  it("create_data_asset with an external result target naming an endpoint", async () => {
    // DataAssetParams(..., source=Source(computation=ComputationSource(id=...)),
    //   target=Target(aws=AWSS3Target(bucket="out", prefix="r/", endpoint_name="onprem")))
    const res = await sdkCall(
      "POST",
      "/data_assets",
      sdkParams({
        name: "run results",
        tags: [],
        mount: "results",
        source: {
          aws: null,
          gcp: null,
          computation: { id: SEED_IDS.computation, path: null },
          cloud_workstation: null,
        },
        target: { aws: { bucket: "out", endpoint_name: "onprem", prefix: "r/" } },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json.source_bucket).toEqual({
      origin: "aws",
      bucket: "out",
      prefix: "r/",
      external: true,
      endpoint_name: "onprem",
    });
  });
});
