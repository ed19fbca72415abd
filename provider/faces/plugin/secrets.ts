/**
 * Secrets the plugin face seals itself. The engine marks a value secret in the state only when
 * the program made it one (`pulumi.secret`, YAML's `fn::secret`) — it does not read the
 * schema's `secret: true` — and this server declines secrets (server.ts, Configure), so the
 * engine re-marks results only by the paths that were secret in the request. A GCP client
 * secret written as a plain value in a YAML program would reach the state in plain text. The
 * engine keeps a secret envelope a provider returns (provider_plugin.go: Check, Create, Read,
 * Update unmarshal the response with KeepSecrets), so the face wraps:
 * - every input the declaration marks secret, at its path, in what check returns (the state's
 *   inputs), and so in what read returns for them;
 * - outputs that may repeat such a secret: a failure reason may quote the request, client
 *   secret included (the rule the dynamic face applies with additionalSecretOutputs).
 */
import type { AnyField } from "../../declare/fields";
import type { Node } from "../../declare/types";
import { SECRET_SIG, SIG_KEY } from "./struct";
import type { Props } from "./types";
import { UNKNOWN } from "../../declare/validate";

const isObject = (v: unknown): v is Props =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const isSealed = (v: unknown) => isObject(v) && v[SIG_KEY] === SECRET_SIG;

/** A value wrapped in the engine's secret envelope (an unknown stays unknown). */
export function seal(value: unknown): unknown {
  if (value === undefined || value === null || value === UNKNOWN || isSealed(value)) return value;
  return { [SIG_KEY]: SECRET_SIG, value };
}

function sealIn(node: Node, value: unknown): unknown {
  if (value === undefined || value === null || isSealed(value)) return value;
  switch (node.kind) {
    case "object": {
      if (!isObject(value)) return value;
      const out: Props = { ...value };
      for (const [key, p] of Object.entries(node.properties)) {
        if (!(key in out)) continue;
        out[key] = p.secret ? seal(out[key]) : sealIn(p.node, out[key]);
      }
      return out;
    }
    case "array":
      return Array.isArray(value) ? value.map((v) => sealIn(node.items, v)) : value;
    case "map":
      return isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sealIn(node.values, v)]))
        : value;
    default:
      return value;
  }
}

/** Inputs with every value the declaration marks secret wrapped, at any depth. */
export function sealedInputs(fields: Record<string, AnyField>, inputs: Props): Props {
  const out: Props = { ...inputs };
  for (const [key, f] of Object.entries(fields)) {
    if (f.kind !== "input" || !f.property || !(key in out)) continue;
    out[key] = f.property.secret ? seal(out[key]) : sealIn(f.property.node, out[key]);
  }
  return out;
}

/** Whether the inputs carry a secret the declaration marks (so that echoes of it must be sealed). */
export function carriesSecret(fields: Record<string, AnyField>, inputs: Props): boolean {
  const found = (v: unknown): boolean =>
    isSealed(v) && ((v as Props).value ?? "") !== ""
      ? true
      : Array.isArray(v)
        ? v.some(found)
        : isObject(v) && Object.values(v).some(found);
  return found(sealedInputs(fields, withoutEnvelopes(inputs)));
}

function withoutEnvelopes(v: unknown): Props {
  const strip = (x: unknown): unknown =>
    isSealed(x)
      ? strip((x as Props).value)
      : Array.isArray(x)
        ? x.map(strip)
        : isObject(x)
          ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, strip(y)]))
          : x;
  return strip(v) as Props;
}

/** Outputs with the named echoes sealed (only those present). */
export function sealedOutputs(outputs: Props, echoes: readonly string[]): Props {
  if (!echoes.length) return outputs;
  const out: Props = { ...outputs };
  for (const key of echoes) if (key in out) out[key] = seal(out[key]);
  return out;
}
