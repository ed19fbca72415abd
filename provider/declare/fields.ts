/**
 * A resource declared once, as a table of fields (after pulumi-go-provider's `infer` and
 * terraform-plugin-framework's schemas). Each field says its input schema (with its
 * default), what a change does, how it is stored in outputs and, when Code Ocean knows the
 * value, where the remote value comes from. Everything else follows from the table: the
 * schema `check` validates with, the output type and `toOutputs`, the one diff (a value
 * unknown at preview counts as changed), `read`'s outputs and input mirror, and the
 * fallbacks for state written by older versions.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { Node, Property } from "./types";
import { containsUnknown } from "./validate";

/**
 * What a change of the field does: `update` in place (an API call), `replace` the remote
 * object, or `setting`: a provider-side setting, stored but never sent to Code Ocean.
 */
export type Change = "update" | "replace" | "setting";

export interface InputField<Remote, S extends z.ZodType = z.ZodType, O = unknown> {
  readonly kind: "input";
  /** The declared property: its type, description, default, secrecy (undefined when hidden). */
  readonly property?: Property;
  /** How outputs show it, when not as the input is described (e.g. `""` for none). */
  readonly outputDescription?: string;
  readonly schema: S;
  readonly change: Change;
  /** The checked value as outputs store it. */
  readonly stored: (value: z.output<S>) => O;
  /** The value Code Ocean reports, when it knows one: outputs and refresh show it, so drift is seen. */
  readonly remote?: (r: Remote) => O;
  /** Whether a stored output and a declared value mean the same thing. */
  readonly same: (stored: O, declared: O) => boolean;
  /** Never in outputs and never compared (a secret the state keeps encrypted as an input). */
  readonly hidden: boolean;
}

export interface OutputField<Remote, O = unknown> {
  readonly kind: "output";
  readonly node: Node;
  readonly description: string;
  readonly remote: (r: Remote) => O;
  /** The value for state written before the field existed. */
  readonly fallback: O;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- field tables mix value types */
export type AnyField<Remote = any> = InputField<Remote, any, any> | OutputField<Remote, any>;
type Fields<Remote> = Record<string, AnyField<Remote>>;
/* eslint-enable @typescript-eslint/no-explicit-any */

type Nullish<T> = undefined extends T ? Exclude<T, undefined> | null : T;

/** The field constructors for one resource, typed by what Code Ocean reports (`Remote`). */
export function fieldsOf<Remote>() {
  return {
    input<S extends z.ZodType, O = Nullish<z.output<S>>>(spec: {
      property: Property<S>;
      change: Change;
      /** How outputs show it, when not as the input is described. */
      outputDescription?: string;
      /** Default: the value itself, `null` when absent. */
      stored?: (value: z.output<S>) => O;
      remote?: (r: Remote) => O;
      same?: (stored: O, declared: O) => boolean;
    }): InputField<Remote, S, O> {
      return {
        kind: "input",
        property: spec.property,
        outputDescription: spec.outputDescription,
        schema: spec.property.zod,
        change: spec.change,
        stored: spec.stored ?? ((v: z.output<S>) => (v === undefined ? null : v) as O),
        remote: spec.remote,
        same: spec.same ?? sameValue,
        hidden: false,
      };
    },
    /** An input that never reaches outputs (a secret the state encrypts). */
    hidden<S extends z.ZodType>(schema: S): InputField<Remote, S, undefined> & { hidden: true } {
      return {
        kind: "input",
        schema,
        change: "setting",
        stored: () => undefined,
        same: () => true,
        hidden: true,
      };
    },
    output<O>(spec: {
      node: Node;
      description: string;
      remote: (r: Remote) => O;
      /** The value for state written before the field existed. */
      fallback: O;
    }): OutputField<Remote, O> {
      return { kind: "output", ...spec };
    },
    resource<F extends Fields<Remote>>(spec: ResourceSpec<F>): Resource<Remote, F> {
      return defineResource<Remote, F>(spec);
    },
  };
}

type InputKeys<F> = { [K in keyof F]: F[K] extends { kind: "input" } ? K : never }[keyof F];
/** The inputs a user declares: every input but the hidden ones. */
export type DeclaredKeys<F> = {
  [K in keyof F]: F[K] extends { kind: "input"; hidden: true }
    ? never
    : F[K] extends { kind: "input" }
      ? K
      : never;
}[keyof F];
type Shape<F> = { [K in InputKeys<F>]: F[K] extends InputField<any, infer S, any> ? S : never }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The outputs a table declares, with each field's JSDoc. */
export type OutputsOf<F> = {
  -readonly [K in keyof F as F[K] extends { hidden: true } ? never : K]: F[K] extends InputField<
    any, // eslint-disable-line @typescript-eslint/no-explicit-any
    any, // eslint-disable-line @typescript-eslint/no-explicit-any
    infer O
  >
    ? O
    : F[K] extends OutputField<any, infer O> // eslint-disable-line @typescript-eslint/no-explicit-any
      ? O
      : never;
};

/** A resource's outputs as its class exposes them. */
export type OutputProperties<T> = { readonly [K in keyof T]: pulumi.Output<T[K]> };

/** Every key a resource class registers, each `undefined`: an input needs its key to become an output. */
export function registeredKeys(resource: {
  inputKeys: readonly string[];
  outputKeys: readonly string[];
}) {
  const keys = (names: readonly string[]) => Object.fromEntries(names.map((k) => [k, undefined]));
  return { inputs: keys(resource.inputKeys), outputs: keys(resource.outputKeys) };
}

/** A rule across fields, run after each field passed its own schema. */
export type Rule<I> = (inputs: I, ctx: z.RefinementCtx) => void;

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The inputs that differ (the plugin shows them; the dynamic host ignores this). */
  diffs: string[];
}

export interface ResourceSpec<F> {
  fields: F;
  rules?: Rule<Inputs<F>>[];
  /** Replace by deleting first (one asset cannot be attached twice to the same capsule). */
  deleteBeforeReplace?: boolean;
  /**
   * What the remote object's condition demands beyond the fields (a failed asset is
   * replaced, a draft one waited for). `declared` holds the values known at this point.
   */
  condition?: (
    stored: OutputsOf<F>,
    declared: Partial<Inputs<F>>,
  ) => { replace?: string; change?: boolean };
}

export interface Resource<Remote, F> {
  readonly fields: F;
  /** The schema `check` validates with: strict (a misspelt key fails), then the rules. */
  readonly schema: z.ZodType<Inputs<F>>;
  /** Every input key, for the resource class to register (an input needs a key to become an output). */
  readonly inputKeys: readonly string[];
  /** Every output-only key, likewise. */
  readonly outputKeys: readonly string[];
  toOutputs(inputs: Inputs<F>, remote: Remote): OutputsOf<F>;
  /** Outputs after a refresh: remote values where Code Ocean knows them, the stored ones elsewhere. */
  refreshed(stored: Record<string, unknown>, remote: Remote): OutputsOf<F>;
  /** Stored outputs, possibly from an older version, completed with the table's fallbacks. */
  withFallbacks(stored: Record<string, unknown>): OutputsOf<F>;
  /** Stored outputs with the declared values of the inputs Code Ocean does not know (settings, source, …). */
  withDeclared(stored: Record<string, unknown>, inputs: Inputs<F>): OutputsOf<F>;
  /**
   * Inputs that reproduce `outputs` (read returns them so that the next diff sees drift).
   * `minimal`: without the inputs that equal their defaults (what `pulumi import` writes as code).
   */
  inputsOf(outputs: OutputsOf<F>, minimal?: boolean): Record<string, unknown>;
  /** Declared fields of a given change kind whose value differs from the stored one. */
  changed(
    stored: Record<string, unknown>,
    inputs: Inputs<F>,
    change: Change,
  ): (InputKeys<F> & string)[];
  /** The one diff: olds are stored outputs, news the (checked, or at preview partly unknown) inputs. */
  diff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult;
}

export type Inputs<F> = z.output<z.ZodObject<Shape<F>>>;

/** Outputs never hold `undefined` (the host fails on it after the remote call): optional keys go. */
const plain = <T>(outputs: Record<string, unknown>): T => JSON.parse(JSON.stringify(outputs)) as T;

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1)))
      : val,
  ) ?? "null";

/** Equal as JSON, whatever the key order. */
export const sameValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** Equal as sets (tag order does not matter). */
export const sameSet = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b)
    ? sameValue([...a].map(String).sort(), [...b].map(String).sort())
    : sameValue(a, b);

function defineResource<Remote, F extends Fields<Remote>>(
  spec: ResourceSpec<F>,
): Resource<Remote, F> {
  type Entry = [string, AnyField<Remote>];
  const entries = Object.entries(spec.fields) as Entry[];
  const inputs = entries.filter((e): e is [string, InputField<Remote>] => e[1].kind === "input");
  const outputs = entries.filter((e): e is [string, OutputField<Remote>] => e[1].kind === "output");
  const shown = inputs.filter(([, f]) => !f.hidden);
  const object = z.strictObject(Object.fromEntries(inputs.map(([k, f]) => [k, f.schema])));
  const rules = spec.rules ?? [];
  const schema = (rules.length
    ? object.superRefine((v, ctx) => rules.forEach((rule) => rule(v as Inputs<F>, ctx)))
    : object) as unknown as z.ZodType<Inputs<F>>;

  /** The stored form of an absent input: what state from before the field existed means. */
  const absent = new Map(
    shown.map(([k, f]) => {
      const parsed = f.schema.safeParse(undefined);
      return [k, parsed.success ? f.stored(parsed.data) : null];
    }),
  );
  /** Optional inputs without a default: check leaves them out when not given. */
  const withoutDefault = new Set(
    shown.filter(([, f]) => f.schema.safeParse(undefined).data === undefined).map(([k]) => k),
  );
  const fallback = (k: string, f: AnyField<Remote>) =>
    f.kind === "output" ? f.fallback : absent.get(k);

  const withFallbacks = (stored: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, f] of entries) {
      if (f.kind === "input" && f.hidden) continue;
      out[k] = stored[k] === undefined ? fallback(k, f) : stored[k];
    }
    return out as OutputsOf<F>;
  };

  /** Each declared field parsed on its own: `unknown` when the engine does not know it yet. */
  function declared(news: Record<string, unknown>) {
    const values: Record<string, unknown> = {};
    const unknown = new Set<string>();
    for (const [k, f] of inputs) {
      const parsed = f.schema.safeParse(news[k]);
      if (containsUnknown(news[k]) || !parsed.success) unknown.add(k);
      else values[k] = parsed.data;
    }
    return { values, unknown };
  }

  function differing(stored: Record<string, unknown>, news: Record<string, unknown>) {
    const { values, unknown } = declared(news);
    const olds = withFallbacks(stored) as Record<string, unknown>;
    const changed = shown.filter(
      ([k, f]) => unknown.has(k) || !f.same(olds[k], f.stored(values[k])),
    );
    return { changed, values, olds };
  }

  return {
    fields: spec.fields,
    schema,
    inputKeys: shown.map(([k]) => k),
    outputKeys: outputs.map(([k]) => k),
    toOutputs(checked, remote) {
      const out: Record<string, unknown> = {};
      const values = checked as Record<string, unknown>;
      for (const [k, f] of entries) {
        if (f.kind === "output") out[k] = f.remote(remote);
        else if (!f.hidden) out[k] = f.remote ? f.remote(remote) : f.stored(values[k]);
      }
      return plain(out);
    },
    refreshed(stored, remote) {
      const out = withFallbacks(stored) as Record<string, unknown>;
      for (const [k, f] of entries) {
        if (f.kind === "output" || (!f.hidden && f.remote)) out[k] = f.remote!(remote);
      }
      return plain(out);
    },
    withFallbacks,
    withDeclared(stored, checked) {
      const out = withFallbacks(stored) as Record<string, unknown>;
      const values = checked as Record<string, unknown>;
      for (const [k, f] of shown) if (!f.remote) out[k] = f.stored(values[k]);
      return plain(out);
    },
    inputsOf(outs, minimal = false) {
      const values = outs as Record<string, unknown>;
      const mirror: Record<string, unknown> = {};
      for (const [k, f] of shown) {
        if (minimal && f.same(values[k], absent.get(k))) continue;
        // The inputs as check returns them: a default (an empty description) is there; an
        // optional input without one (target, adoptExistingId) is left out in its absent form.
        if (values[k] === undefined) continue;
        if (withoutDefault.has(k) && sameValue(values[k], absent.get(k))) continue;
        mirror[k] = values[k];
      }
      return mirror;
    },
    changed(stored, checked, change) {
      return differing(stored, checked as Record<string, unknown>)
        .changed.filter(([, f]) => f.change === change)
        .map(([k]) => k as InputKeys<F> & string);
    },
    diff(stored, news) {
      const { changed, values, olds } = differing(stored, news);
      const replaces = changed.filter(([, f]) => f.change === "replace").map(([k]) => k);
      const condition = spec.condition?.(olds as OutputsOf<F>, values as Partial<Inputs<F>>);
      if (condition?.replace && !replaces.length) replaces.push(condition.replace);
      return {
        changes: changed.length > 0 || replaces.length > 0 || condition?.change === true,
        replaces,
        deleteBeforeReplace: replaces.length > 0 && spec.deleteBeforeReplace === true,
        diffs: [...new Set([...changed.map(([k]) => k), ...replaces])],
      };
    },
  };
}
