/**
 * A declared value as Code Ocean takes it in a request body: each property under its wire
 * name (the snake_case of its own, or the one its declaration names), `undefined` and empty
 * strings that only stand for "not given" (a default of `""`) left out. Map keys are the
 * user's (custom metadata field names) and stay as they are.
 */
import type { Node } from "./types";

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function toWire(node: Node, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (node.kind === "object") {
    const object = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, p] of Object.entries(node.properties)) {
      if (object[key] === "" && p.default === "") continue;
      const v = toWire(p.node, object[key]);
      if (v !== undefined) out[p.wire ?? snake(key)] = v;
    }
    return out;
  }
  if (node.kind === "array") return (value as unknown[]).map((v) => toWire(node.items, v));
  if (node.kind === "map") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toWire(node.values, v)]),
    );
  }
  return value;
}
