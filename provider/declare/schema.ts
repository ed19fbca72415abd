/**
 * The Pulumi package schema, made from the declarations: every resource's inputs and outputs
 * (required, defaults, secrets, what replaces), every object type they reach, the functions,
 * and the provider's configuration. The plugin serves it (`pulumi package get-schema`), the
 * SDKs are generated from it, and provider/schema.json holds a copy.
 */
import type { AnyField } from "./fields";
import type { FunctionDeclaration } from "./typescript";
import { Node, ObjectNode, objectsIn, Property } from "./types";

type Json = Record<string, unknown>;

export interface SchemaPackage {
  name: string;
  displayName: string;
  version: string;
  description: string;
  repository: string;
  settings: Record<string, { env: string; property: Property }>;
  resources: Record<
    string,
    { description: string; fields: Record<string, AnyField>; deleteBeforeReplace: boolean }
  >;
  functions: Record<string, FunctionDeclaration>;
  /** The `language` section: what each SDK generator needs (package names, import paths). */
  language: Json;
}

const token = (pkg: string, name: string) => `${pkg}:index:${name}`;

function typeSpec(pkg: string, node: Node): Json {
  switch (node.kind) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return { type: node.kind };
    case "any":
      return { $ref: "pulumi.json#/Any" };
    case "array":
      return { type: "array", items: typeSpec(pkg, node.items) };
    case "map":
      return { type: "object", additionalProperties: typeSpec(pkg, node.values) };
    case "object":
      return { $ref: `#/types/${token(pkg, node.name)}` };
  }
}

/** A list only when it has members: the engine drops empty ones (`pulumi package get-schema`). */
const nonEmpty = (key: string, list: string[]) => (list.length ? { [key]: list } : {});

const isScalar = (v: unknown) => ["string", "number", "boolean"].includes(typeof v);

function propertySpec(pkg: string, p: Property, description = p.description): Json {
  return {
    ...typeSpec(pkg, p.node),
    description,
    ...(isScalar(p.default) ? { default: p.default } : {}),
    ...(p.secret ? { secret: true } : {}),
  };
}

function objectSpec(pkg: string, node: ObjectNode): Json {
  const entries = Object.entries(node.properties);
  return {
    type: "object",
    description: node.description,
    properties: Object.fromEntries(entries.map(([k, p]) => [k, propertySpec(pkg, p)])),
    ...nonEmpty(
      "required",
      entries.filter(([, p]) => p.required).map(([k]) => k),
    ),
  };
}

function resourceSpec(pkg: string, r: SchemaPackage["resources"][string]): Json {
  const inputs = Object.entries(r.fields).filter(
    (e): e is [string, AnyField & { kind: "input"; property: Property }] =>
      e[1].kind === "input" && e[1].property !== undefined,
  );
  const outputs = Object.entries(r.fields).flatMap(([k, f]): [string, Json, boolean][] => {
    if (f.kind === "output")
      return [[k, { ...typeSpec(pkg, f.node), description: f.description }, true]];
    if (!f.property) return [];
    const p = f.property;
    // An optional input without a default is stored as null (or "" for an id): not required.
    const always = p.required || p.default !== undefined || p.node.kind === "string";
    const spec = {
      ...propertySpec(pkg, p, f.outputDescription ?? p.description),
      ...(f.change === "replace" ? { replaceOnChanges: true } : {}),
    };
    return [[k, spec, always]];
  });
  return {
    description: r.description,
    inputProperties: Object.fromEntries(
      inputs.map(([k, f]) => [
        k,
        {
          ...propertySpec(pkg, f.property),
          ...(f.change === "replace" ? { willReplaceOnChanges: true } : {}),
        },
      ]),
    ),
    ...nonEmpty(
      "requiredInputs",
      inputs.filter(([, f]) => f.property.required).map(([k]) => k),
    ),
    properties: Object.fromEntries(outputs.map(([k, spec]) => [k, spec])),
    ...nonEmpty(
      "required",
      outputs.filter(([, , always]) => always).map(([k]) => k),
    ),
  };
}

/** The package schema, as `pulumi package get-schema` prints it. */
export function packageSchema(pkg: SchemaPackage): Json {
  const types = new Map<string, ObjectNode>();
  const reach = (node: Node) => objectsIn(node).forEach((o) => types.set(o.name, o));
  for (const r of Object.values(pkg.resources)) {
    for (const f of Object.values(r.fields)) {
      if (f.kind === "output") reach(f.node);
      else if (f.property) reach(f.property.node);
    }
  }
  for (const fn of Object.values(pkg.functions)) {
    for (const p of Object.values(fn.inputs.properties)) reach(p.node);
    for (const p of Object.values(fn.outputs.properties)) reach(p.node);
  }
  const settings = Object.entries(pkg.settings);
  const settingSpec = (s: { env: string; property: Property }) => ({
    ...propertySpec(pkg.name, s.property),
    defaultInfo: { environment: [s.env] },
  });
  return {
    name: pkg.name,
    displayName: pkg.displayName,
    version: pkg.version,
    description: pkg.description,
    keywords: ["pulumi", pkg.name, "category/cloud", "kind/native"],
    homepage: pkg.repository,
    repository: pkg.repository,
    license: "Apache-2.0",
    meta: { moduleFormat: "(.*)" },
    language: pkg.language,
    config: {
      variables: Object.fromEntries(settings.map(([k, s]) => [k, settingSpec(s)])),
    },
    provider: {
      description: `The provider for ${pkg.displayName}: one deployment, one token. Each setting falls back to its environment variable.`,
      inputProperties: Object.fromEntries(settings.map(([k, s]) => [k, settingSpec(s)])),
    },
    resources: Object.fromEntries(
      Object.entries(pkg.resources).map(([name, r]) => [
        token(pkg.name, name),
        resourceSpec(pkg.name, r),
      ]),
    ),
    functions: Object.fromEntries(
      Object.entries(pkg.functions).map(([name, fn]) => [
        token(pkg.name, name),
        {
          description: fn.description,
          inputs: objectSpec(pkg.name, fn.inputs),
          outputs: objectSpec(pkg.name, fn.outputs),
        },
      ]),
    ),
    types: Object.fromEntries(
      [...types.values()]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((o) => [token(pkg.name, o.name), objectSpec(pkg.name, o)]),
    ),
  };
}
