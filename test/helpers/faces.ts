/**
 * The two faces the same resource methods run behind, as Hosts the host-level suites drive
 * alike (`describe.each(FACES)`):
 *
 * - `dynamic`: the real `@pulumi/pulumi` dynamic-provider host (host.ts `startHost`). The
 *   engine sends every input bag with the serialized shim as `__provider`, and every output
 *   bag carries it back; types are `pulumi-nodejs:dynamic/codeocean:<Type>`; configuration
 *   is the stack config, sent as Configure's `args`.
 * - `plugin`: the native plugin `bin/pulumi-resource-codeocean`, spawned as the engine spawns
 *   it (a stdin pipe, the port on its first line). Types are `codeocean:index:<Type>`; no
 *   `__provider` anywhere; configuration goes CheckConfig → DiffConfig → Configure with the
 *   `codeocean` namespace's keys without the namespace (`domain`, `token`, …), every value a
 *   string, as the engine sends a default provider's stack config.
 *
 * Both start on a random loopback port and need `npm run build` (the dynamic face loads the
 * built package through `pulumi-codeocean/runtime`, the plugin runs dist/).
 */
import * as path from "path";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import {
  connect,
  Host,
  HostCallError,
  Naming,
  Props,
  REPO_ROOT,
  serializeProvider,
  spawnProvider,
  startHost,
} from "./host";

export type FaceName = "dynamic" | "plugin";
export type ResourceType = "DataAsset" | "CapsuleAttachment";

export interface FaceHost extends Host {
  face: FaceName;
  /**
   * A declaration as the engine sends it to this face's check: the dynamic face's SDK adds
   * the serialized provider as `__provider`; the plugin face gets the inputs alone.
   */
  declare(type: ResourceType, props: Props): Props;
  /** The serialized provider the dynamic face stores with `type`; undefined for the plugin. */
  provider(type: ResourceType): string | undefined;
  /**
   * What this face adds to every output bag of `type`, for `toMatchObject`: `__provider` on
   * the dynamic face, nothing on the plugin face (where `expectFaceFields` also checks that
   * no `__provider` appears).
   */
  faceFields(type: ResourceType): Props;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  deadlineMs?: number;
  /**
   * The plugin face's argument, the engine's address (its Log service receives the warnings:
   * helpers/fakeEngine.ts). By default a port where nothing listens, so warnings fall back to
   * stderr, which the host's `output()` holds.
   */
  engineAddress?: string;
}

export interface Face {
  name: FaceName;
  start(opts?: StartOptions): Promise<FaceHost>;
}

const SHIMS: Record<ResourceType, () => Promise<string>> = {
  DataAsset: () =>
    serializeProvider(
      require("pulumi-codeocean/dist/provider/faces/dynamic/dataAsset.js").dataAssetShim,
    ),
  CapsuleAttachment: () =>
    serializeProvider(
      require("pulumi-codeocean/dist/provider/faces/dynamic/capsuleAttachment.js")
        .capsuleAttachmentShim,
    ),
};

export const DYNAMIC: Face = {
  name: "dynamic",
  async start(opts = {}) {
    const providers = {
      DataAsset: await SHIMS.DataAsset(),
      CapsuleAttachment: await SHIMS.CapsuleAttachment(),
    };
    const host = await startHost(opts);
    return {
      ...host,
      face: "dynamic",
      declare: (type, props) => ({ ...props, __provider: providers[type] }),
      provider: (type) => providers[type],
      faceFields: (type) => ({ __provider: providers[type] }),
    };
  },
};

export const PLUGIN_NAMING: Naming = {
  urn: (type) => `urn:pulumi:test::codeocean-test::codeocean:index:${type}::r`,
  token: (type) => `codeocean:index:${type}`,
};

/** The default provider's URN, which the engine sends with CheckConfig and DiffConfig. */
const PROVIDER_URN = "urn:pulumi:test::codeocean-test::pulumi:providers:codeocean::default";

/** The executable the engine runs for the `codeocean` package. */
export const PLUGIN_BIN = path.join(REPO_ROOT, "bin", "pulumi-resource-codeocean");

export const PLUGIN: Face = {
  name: "plugin",
  async start(opts = {}) {
    const proc = await spawnProvider([PLUGIN_BIN, opts.engineAddress ?? "127.0.0.1:1"], {
      cwd: REPO_ROOT,
      env: opts.env,
      stdin: "pipe",
    });
    const { host, wire } = connect(proc, PLUGIN_NAMING, opts);
    /** The checked configuration the engine stored at the last Configure. */
    let stored: Props | undefined;

    /**
     * As the engine configures a default provider from the stack config: CheckConfig with the
     * namespace's keys, DiffConfig against the stored configuration, then Configure with the
     * checked inputs as `args` (and the deprecated `variables`, `codeocean:config:<key>`).
     */
    async function configure(config: Record<string, string>): Promise<void> {
      const news: Props = {};
      for (const [key, value] of Object.entries(config)) {
        news[key.replace(/^codeocean:/, "")] = value;
      }
      const olds = stored ?? {};
      const urn = PROVIDER_URN;
      const checked = await wire.call<providerPb.CheckResponse>(
        "checkConfig",
        new providerPb.CheckRequest().setUrn(urn),
        { 2: olds, 3: news },
      );
      const failures = checked.getFailuresList();
      if (failures.length) {
        const text = failures.map((f) => `${f.getProperty()}: ${f.getReason()}`).join("; ");
        throw new HostCallError(`CheckConfig failed: ${text}`, 0);
      }
      const inputs = checked.getInputs()?.toJavaScript() ?? {};
      await wire.call<providerPb.DiffResponse>(
        "diffConfig",
        new providerPb.DiffRequest().setUrn(urn).setId("default"),
        { 3: olds, 4: inputs, 6: olds },
      );
      const req = new providerPb.ConfigureRequest();
      const variables = req.getVariablesMap();
      for (const [key, value] of Object.entries(inputs)) {
        variables.set(`codeocean:config:${key}`, String(value));
      }
      await wire.call("configure", req, { 2: inputs });
      stored = inputs;
    }

    return {
      ...host,
      configure,
      face: "plugin",
      declare: (_type, props) => props,
      provider: () => undefined,
      faceFields: () => ({}),
    };
  },
};

export const FACES: Face[] = [DYNAMIC, PLUGIN];

/**
 * The fields the face adds are there (dynamic: `__provider`) or, on the plugin face, that no
 * `__provider` leaks into what the engine would store.
 */
export function expectFaceFields(host: FaceHost, type: ResourceType, props: Props): void {
  if (host.face === "plugin") expect(props).not.toHaveProperty("__provider");
  else expect(props).toMatchObject(host.faceFields(type));
}
