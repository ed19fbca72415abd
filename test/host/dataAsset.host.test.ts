/**
 * DataAsset through each face over gRPC, as the engine drives it: the real @pulumi/pulumi
 * dynamic-provider host (the serialized provider deserialized in another process, configured
 * from stack config, reaching the implementation with require("pulumi-codeocean/runtime"), as
 * in a user's stack) and the native plugin (bin/pulumi-resource-codeocean, configured by
 * CheckConfig/Configure). The same assertions hold for both; where a face differs, the test
 * says so and why.
 */
import { DIFF, HostCallError } from "../helpers/host";
import { expectFaceFields, FACES, FaceHost } from "../helpers/faces";
import { TOKEN, useEmulator } from "../helpers/emulator";

const emu = useEmulator({ readyAfterMs: 100 });
beforeEach(() => emu.current.admin.reset());

const T = "DataAsset";
const SHARING = {
  users: [{ email: "ada@acme.org", role: "viewer" }],
  groups: [{ group: "neuroscience", role: "editor" }],
  everyone: "discoverable",
};

describe.each(FACES)("the $name face", (face) => {
  let host: FaceHost;

  beforeAll(async () => {
    host = await face.start();
    await host.configure({
      "codeocean:domain": emu.current.url,
      "codeocean:token": TOKEN,
      "codeocean:minPollIntervalSeconds": "0.05",
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  const declared = (o: Record<string, unknown> = {}) =>
    host.declare(T, {
      name: "RNA-Sequencing reads",
      mount: "reads",
      tags: ["genomics"],
      source: { aws: { bucket: "acme-rna-reads", prefix: "runs/", keepOnExternalStorage: true } },
      ...o,
    });

  async function created(o: Record<string, unknown> = {}) {
    const { inputs, failures } = await host.check(T, {}, declared(o));
    expect(failures).toEqual([]);
    const r = await host.create(T, inputs);
    return { inputs, ...r };
  }

  it("keeps the configuration and the token out of what the engine stores", async () => {
    const { inputs } = await host.check(T, {}, declared());
    expect(JSON.stringify(inputs)).not.toContain(TOKEN);
    expect(JSON.stringify(inputs)).not.toContain(emu.current.url);
    if (face.name === "dynamic") {
      // Only the dynamic face stores code: the serialized provider, in every input and output.
      const provider = host.provider(T)!;
      expect(inputs.__provider).toBe(provider);
      expect(provider.length).toBeLessThanOrEqual(4096);
      expect(provider).toContain('require("pulumi-codeocean/runtime")');
      expect(provider).not.toContain(TOKEN);
      expect(provider).not.toContain(emu.current.url);
      expect(provider).not.toMatch(/127\.0\.0\.1|zod|node-fetch/);
    } else {
      // The plugin is the installed executable: nothing of the provider is in the state.
      expect(inputs).not.toHaveProperty("__provider");
    }
  });

  it("reports bad input as CheckFailures naming the property, with no API call", async () => {
    const { failures } = await host.check(
      T,
      {},
      declared({ mount: "/abs", onDelete: "shred", source: {} }),
    );
    expect(failures.map((f) => f.property).sort()).toEqual(["mount", "onDelete", "source"]);
    expect(failures.find((f) => f.property === "onDelete")?.reason).toMatch(/"archive"/);
    expect(emu.current.admin.journal()).toHaveLength(0);
  });

  it("tolerates unknown values at preview", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const { failures } = await host.check(
      T,
      {},
      declared({ source: { aws: { bucket: unknown } }, tags: unknown }),
    );
    expect(failures).toEqual([]);
  });

  it("creates: an id and complete outputs; update, read, delete", async () => {
    const { id, properties, inputs } = await created();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(properties).toMatchObject({
      state: "ready",
      name: "RNA-Sequencing reads",
      external: true,
    });
    expectFaceFields(host, T, properties);
    expect(JSON.stringify(properties)).not.toContain(TOKEN);

    const news = { ...inputs, description: "now described" };
    const diff = await host.diff(T, id, properties, (await host.check(T, inputs, news)).inputs);
    expect(diff.changes).toBe(DIFF.SOME);
    expect(diff.replaces).toEqual([]);
    // The dynamic host drops the changed keys a provider reports; the plugin sends them on.
    expect(diff.diffs).toEqual(face.name === "plugin" ? ["description"] : []);
    const updated = await host.update(
      T,
      id,
      properties,
      (await host.check(T, inputs, news)).inputs,
    );
    expect(updated.properties.description).toBe("now described");
    expectFaceFields(host, T, updated.properties);

    emu.current.admin.updateAsset(id, { name: "renamed by hand" });
    const read = await host.read(T, id, updated.properties);
    expect(read.id).toBe(id);
    expect(read.inputs.name).toBe("renamed by hand");
    expectFaceFields(host, T, read.properties);
    expectFaceFields(host, T, read.inputs);

    await host.delete(T, id, read.properties);
    expect(emu.current.admin.asset(id)?.archived).toBe(true);
  });

  it("a failed asset arrives as ErrorResourceInitFailed carrying the id", async () => {
    emu.current.admin.addOutcome({
      match: { name: "doomed" },
      outcome: { kind: "fail", reason: "NoSuchBucket" },
    });
    const e = await created({ name: "doomed" }).catch((x) => x);
    expect(e).toBeInstanceOf(HostCallError);
    expect(e.message).toContain("NoSuchBucket");
    const asset = emu.current.admin.assets()[0];
    expect(e.initFailed).toMatchObject({ id: asset.id, properties: { state: "failed" } });
    expectFaceFields(host, T, e.initFailed.properties);
    expect(e.initFailed.reasons[0]).toContain("NoSuchBucket");
    expect(JSON.stringify(e.initFailed)).not.toContain(TOKEN);
  });

  it("creates with permissions and archived: shared once ready, then archived; read returns the sharing", async () => {
    const { id, properties, inputs } = await created({ permissions: SHARING, archived: true });
    expect(properties).toMatchObject({
      state: "ready",
      archived: true,
      permissions: { ...SHARING, shareAssets: false },
    });
    expectFaceFields(host, T, properties);
    expect(emu.current.admin.asset(id)?.archived).toBe(true);
    expect(emu.current.admin.permissions(id)).toMatchObject({
      users: [
        { email: "emulator@codeocean.local", role: "owner" },
        { email: "ada@acme.org", role: "viewer" },
      ],
      everyone: "discoverable",
    });
    const routes = emu.current.admin.journal().map((e) => e.route);
    expect(routes.indexOf("POST /data_assets/:id/permissions")).toBeLessThan(
      routes.indexOf("PATCH /data_assets/:id/archive"),
    );

    // Refresh: the sharing as Code Ocean lists it, without the owner's own entry.
    const read = await host.read(T, id, properties, inputs);
    expect(read.properties.permissions).toEqual({ ...SHARING, shareAssets: false });
    expect(read.inputs.permissions).toEqual({ ...SHARING, shareAssets: false });
    expect(read.properties.archived).toBe(true);
    expect((await host.diff(T, id, read.properties, inputs)).changes).toBe(DIFF.NONE);

    // A share added in the web UI shows as drift; the update puts the declared set back.
    emu.current.admin.setPermissions(id, {
      users: [...SHARING.users, { email: "bob@acme.org", role: "editor" }],
    });
    const drifted = await host.read(T, id, read.properties, inputs);
    expect(drifted.properties.permissions).toMatchObject({
      users: [...SHARING.users, { email: "bob@acme.org", role: "editor" }],
    });
    expect((await host.diff(T, id, drifted.properties, inputs)).changes).toBe(DIFF.SOME);
    emu.current.admin.clearJournal();
    const updated = await host.update(T, id, drifted.properties, inputs);
    expect(emu.current.admin.counts()).toEqual({ "POST /data_assets/:id/permissions": 1 });
    expect(updated.properties.permissions).toEqual({ ...SHARING, shareAssets: false });
  });

  it("a failed sharing step after the asset is ready arrives as ErrorResourceInitFailed; the next up shares it", async () => {
    emu.current.admin.setFaults([
      {
        route: "POST /data_assets/:id/permissions",
        kind: "status",
        status: 500,
        message: "sharing service down",
        times: 1,
      },
    ]);
    const { inputs } = await host.check(T, {}, declared({ permissions: SHARING }));
    const e = await host.create(T, inputs).catch((x) => x);
    emu.current.admin.clearFaults();
    expect(e).toBeInstanceOf(HostCallError);
    expect(e.message).toContain("sharing service down");
    const asset = emu.current.admin.assets()[0];
    expect(e.initFailed).toMatchObject({
      id: asset.id,
      properties: { state: "ready", permissions: null },
    });
    expectFaceFields(host, T, e.initFailed.properties);
    // The engine recorded the asset; the next up diffs and updates, which sets the sharing.
    const diff = await host.diff(T, asset.id, e.initFailed.properties, inputs);
    expect(diff).toMatchObject({ changes: DIFF.SOME, replaces: [] });
    const updated = await host.update(T, asset.id, e.initFailed.properties, inputs);
    expect(updated.properties.permissions).toEqual({ ...SHARING, shareAssets: false });
    expect(emu.current.admin.permissions(asset.id)?.everyone).toBe("discoverable");
    expect(emu.current.admin.assets()).toHaveLength(1);
  });

  it("a bad permissions role reaches the engine as a CheckFailure at permissions.users[0].role", async () => {
    emu.current.admin.clearJournal();
    const { failures } = await host.check(
      T,
      {},
      declared({ permissions: { users: [{ email: "ada@acme.org", role: "admin" }] } }),
    );
    expect(failures).toEqual([
      {
        property: "permissions.users[0].role",
        reason: expect.stringMatching(/must be one of "owner", "editor", "viewer"/),
      },
    ]);
    const rule = await host.check(
      T,
      {},
      declared({ permissions: SHARING, archived: true, waitForReady: false }),
    );
    expect(rule.failures.map((f) => f.property).sort()).toEqual(["archived", "permissions"]);
    expect(rule.failures[0].reason).toMatch(/needs waitForReady: true/);
    expect(emu.current.admin.journal()).toHaveLength(0);
  });

  it("read of an asset deleted behind Pulumi's back returns an empty id", async () => {
    const { id, properties } = await created();
    emu.current.admin.removeAsset(id);
    expect((await host.read(T, id, properties)).id).toBe("");
  });

  it("customTimeouts.create reaches the wait only through the plugin face", async () => {
    emu.current.admin.addOutcome({ match: { name: "never ready" }, outcome: { kind: "draft" } });
    const { inputs } = await host.check(
      T,
      {},
      declared({ name: "never ready", readyTimeoutSeconds: 3 }),
    );
    const t0 = Date.now();
    const e = await host.create(T, inputs, { timeoutSeconds: 1 }).catch((x) => x);
    const waited = Date.now() - t0;
    expect(e).toBeInstanceOf(HostCallError);
    const asset = emu.current.admin.assets()[0];
    expect(e.initFailed).toMatchObject({ id: asset.id, properties: { state: "draft" } });
    if (face.name === "plugin") {
      // The engine sends customTimeouts.create as CreateRequest.timeout; the plugin waits that long.
      expect(e.message).toMatch(/still in state draft after 1 s \(customTimeouts\.create: 1\)/);
      expect(waited).toBeLessThan(2_900);
    } else {
      // The dynamic host never passes the request's timeout to the provider (its create gets
      // the inputs alone): readyTimeoutSeconds is all it has.
      expect(e.message).toMatch(/still in state draft after 3 s \(readyTimeoutSeconds: 3\)/);
      expect(waited).toBeGreaterThanOrEqual(2_900);
    }
  });

  it("never prints the token", () => {
    expect(host.output()).not.toContain(TOKEN);
  });
});
