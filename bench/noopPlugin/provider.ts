/**
 * The no-op native provider of bench §7: the baseline a preview through our plugin is held
 * against. Served by the same server as ours (provider/faces/plugin/server.ts, through
 * `runPlugin`), it does nothing a provider could skip: check returns the inputs as given, diff
 * finds no change, create returns a fixed id and the inputs as outputs, read returns what it
 * is given. Its one resource, `noop:index:Thing`, has the input and output names of a
 * DataAsset, each of any type, so that a program can declare it with a DataAsset's arguments.
 */
import * as fs from "fs";
import * as path from "path";
import type { PluginProvider, ResourceMethods } from "../../provider/faces/plugin/types";

export const NOOP_PACKAGE = "noop";
export const NOOP_TYPE = "noop:index:Thing";
export const NOOP_VERSION = "0.0.1";
export const NOOP_ID = "noop-thing";

/** A permissive schema: the DataAsset's property names from the package schema, any type. */
function schema(): string {
  const root = path.dirname(require.resolve("pulumi-codeocean/package.json"));
  const codeocean = JSON.parse(fs.readFileSync(path.join(root, "provider", "schema.json"), "utf8"));
  const dataAsset = codeocean.resources["codeocean:index:DataAsset"] as {
    inputProperties: Record<string, unknown>;
    properties: Record<string, unknown>;
  };
  const anyOf = (props: Record<string, unknown>) =>
    Object.fromEntries(Object.keys(props).map((k) => [k, { $ref: "pulumi.json#/Any" }]));
  return JSON.stringify({
    name: NOOP_PACKAGE,
    version: NOOP_VERSION,
    resources: {
      [NOOP_TYPE]: {
        description: "A resource that does nothing, with the property names of a DataAsset.",
        inputProperties: anyOf(dataAsset.inputProperties),
        properties: anyOf(dataAsset.properties),
      },
    },
  });
}

const thing: ResourceMethods = {
  async check(_olds, news) {
    return { inputs: news, failures: [] };
  },
  async diff() {
    return { changes: false, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs) {
    return { id: NOOP_ID, outs: inputs };
  },
  async read(id, props, inputs) {
    return { id, props, inputs };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};

export function createNoopProvider(): PluginProvider {
  return {
    version: NOOP_VERSION,
    schema,
    async checkConfig(_olds, news) {
      return { inputs: news, failures: [] };
    },
    diffConfig: () => [],
    async configure() {},
    resources: { [NOOP_TYPE]: thing },
    async invoke(token) {
      throw new Error(`the noop provider has no function ${token}`);
    },
  };
}
