/**
 * Types declared once, as data, all the way down (after pulumi-go-provider's `infer` and
 * terraform-plugin-framework's attributes): each node says its kind, its description, how a
 * value is checked (the zod schema `check` runs, with this project's messages), and for an
 * object, its properties — each with a description, whether it is required or what its
 * default is, whether it is secret, and its name on the wire when that is not the snake_case
 * of its own. From the nodes follow the zod schemas (here), the Pulumi package schema
 * (schema.ts), the TypeScript declarations users see (typescript.ts), the reference tables
 * (markdown.ts) and the request bodies (wire.ts). A nested shape is written here and nowhere
 * else.
 */
import { z } from "zod";
import { typeError, typeErrorOnly } from "./validate";

interface NodeBase<S extends z.ZodType> {
  /** How a value is checked; its messages are the ones users read. */
  readonly zod: S;
}

export interface ScalarNode<S extends z.ZodType = z.ZodType> extends NodeBase<S> {
  readonly kind: "string" | "integer" | "number" | "boolean";
  /** For a string that takes one of a few values: them. */
  readonly values?: readonly string[];
}

export interface ArrayNode<S extends z.ZodType = z.ZodType> extends NodeBase<S> {
  readonly kind: "array";
  readonly items: Node;
}

export interface MapNode<S extends z.ZodType = z.ZodType> extends NodeBase<S> {
  readonly kind: "map";
  readonly values: Node;
}

/** A value of several shapes the schema cannot name (e.g. a custom metadata value). */
export interface AnyNode<S extends z.ZodType = z.ZodType> extends NodeBase<S> {
  readonly kind: "any";
  /** The TypeScript type it stands for. */
  readonly ts: string;
  /** How the reference tables name it. */
  readonly shown: string;
}

export interface ObjectNode<S extends z.ZodType = z.ZodType> extends NodeBase<S> {
  readonly kind: "object";
  /** The type's name: `codeocean:index:<name>` in the schema, `<name>Args` for inputs in TypeScript. */
  readonly name: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, Property>>;
}

export type Node<S extends z.ZodType = z.ZodType> =
  ScalarNode<S> | ArrayNode<S> | MapNode<S> | AnyNode<S> | ObjectNode<S>;

/** A property of an object, or a resource's field: a node and what is said of it. */
export interface Property<S extends z.ZodType = z.ZodType> {
  readonly node: Node;
  readonly description: string;
  /** The zod schema of the property itself: the node's, with its default or optionality. */
  readonly zod: S;
  readonly required: boolean;
  /** The default when absent (shown in the schema for scalars, and in the tables). */
  readonly default?: unknown;
  /** Kept encrypted in Pulumi's state; never in outputs. */
  readonly secret?: boolean;
  /** Its name on the wire, when not the snake_case of its own. */
  readonly wire?: string;
}

// ---------------------------------------------------------------------------------------
// Nodes

/** A string: "a string, e.g. …" unless `check` says more. */
export function string(expected: string): ScalarNode<z.ZodString>;
export function string<S extends z.ZodType<string>>(check: S): ScalarNode<S>;
export function string(check: string | z.ZodType<string>): ScalarNode {
  return {
    kind: "string",
    zod: typeof check === "string" ? z.string({ error: typeError(check) }) : check,
  };
}

export function oneOf<const V extends readonly [string, ...string[]]>(
  values: V,
  message?: string,
): ScalarNode<z.ZodEnum<{ [K in V[number]]: K }>> {
  const error = message ?? `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return { kind: "string", values, zod: z.enum(values, { error }) };
}

export function integer<S extends z.ZodType<number>>(check: S): ScalarNode<S> {
  return { kind: "integer", zod: check };
}

export function number<S extends z.ZodType<number>>(check: S): ScalarNode<S> {
  return { kind: "number", zod: check };
}

export function boolean(): ScalarNode<z.ZodBoolean> {
  return { kind: "boolean", zod: z.boolean({ error: typeError("true or false") }) };
}

/** A list; `refine` adds checks on the whole list (e.g. no duplicates). */
export function array<N extends Node, S extends z.ZodType>(
  items: N,
  opts: { expected: string; refine: (list: z.ZodArray<N["zod"]>) => S },
): ArrayNode<S>;
export function array<N extends Node>(
  items: N,
  opts: { expected: string },
): ArrayNode<z.ZodArray<N["zod"]>>;
export function array(
  items: Node,
  opts: { expected: string; refine?: (list: z.ZodArray<z.ZodType>) => z.ZodType },
): ArrayNode {
  const list = z.array(items.zod, { error: typeError(opts.expected) });
  return { kind: "array", items, zod: opts.refine ? opts.refine(list) : list };
}

export function map<S extends z.ZodType>(values: Node, zod: S): MapNode<S> {
  return { kind: "map", values, zod };
}

export function any<S extends z.ZodType>(zod: S, ts: string, shown: string): AnyNode<S> {
  return { kind: "any", zod, ts, shown };
}

type Shape<P extends Record<string, Property>> = { [K in keyof P]: P[K]["zod"] };

/** A rule across properties, run once each property passed its own check. */
export type Rule<T> = (value: T, ctx: z.RefinementCtx) => void;

export function object<P extends Record<string, Property>>(
  name: string,
  description: string,
  properties: P,
  opts: {
    /** What the value should be, for the message when it is not an object ("an object, e.g. …"). */
    expected: string;
    rules?: Rule<z.output<z.ZodObject<Shape<P>>>>[];
  },
): ObjectNode<z.ZodType<z.output<z.ZodObject<Shape<P>>>, z.input<z.ZodObject<Shape<P>>>>> {
  const shape = Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, p.zod]));
  const plain = z.strictObject(shape, { error: typeErrorOnly(opts.expected) });
  const rules = opts.rules ?? [];
  const zod = rules.length
    ? plain.superRefine((v, ctx) =>
        rules.forEach((rule) => rule(v as z.output<z.ZodObject<Shape<P>>>, ctx)),
      )
    : plain;
  return {
    kind: "object",
    name,
    description,
    properties,
    zod: zod as unknown as z.ZodType<
      z.output<z.ZodObject<Shape<P>>>,
      z.input<z.ZodObject<Shape<P>>>
    >,
  };
}

// ---------------------------------------------------------------------------------------
// Properties

interface PropertyOptions {
  secret?: boolean;
  wire?: string;
}

/** A property that must be given. */
export function required<S extends z.ZodType>(
  node: Node<S>,
  description: string,
  opts: PropertyOptions = {},
): Property<S> {
  return { node, description, zod: node.zod, required: true, ...opts };
}

/** A property that may be left out (then absent, not defaulted). */
export function optional<S extends z.ZodType>(
  node: Node<S>,
  description: string,
  opts: PropertyOptions = {},
): Property<z.ZodOptional<S>> {
  return { node, description, zod: node.zod.optional(), required: false, ...opts };
}

/** A property with a default. */
export function defaulted<S extends z.ZodType>(
  node: Node<S>,
  value: z.output<S>,
  description: string,
  opts: PropertyOptions = {},
): Property<z.ZodDefault<S>> {
  return {
    node,
    description,
    zod: node.zod.default(value as never),
    required: false,
    default: value,
    ...opts,
  };
}

/** Every object type a node reaches, itself included, each once, in the order first met. */
export function objectsIn(node: Node, seen = new Map<string, ObjectNode>()): ObjectNode[] {
  if (node.kind === "object") {
    if (seen.has(node.name)) return [...seen.values()];
    seen.set(node.name, node);
    for (const p of Object.values(node.properties)) objectsIn(p.node, seen);
  } else if (node.kind === "array") objectsIn(node.items, seen);
  else if (node.kind === "map") objectsIn(node.values, seen);
  return [...seen.values()];
}

/** A declared shape as read back from Code Ocean: its literal unions widened to strings. */
export type Loose<T> = T extends string
  ? string
  : T extends (infer E)[]
    ? Loose<E>[]
    : T extends object
      ? { [K in keyof T]: Loose<T[K]> }
      : T;
