/**
 * The runtime holder: besides the redactor's list of secrets, the only state this package
 * keeps at module level. A process holds at most one value per slot — the provider host's
 * runtime (the dynamic face), the program's lookup session, the program's one-time warnings —
 * each built for a key (a configuration's fingerprint, a program run) and rebuilt, the old one
 * disposed, when the key changes. Everything else lives in the objects these hold.
 */
type Slot = "provider" | "program" | "warnings";

const slots = new Map<Slot, { key: unknown; value: unknown; dispose?: () => void }>();

/** The value held in `slot` for `key`, built (and the previous one disposed) when the key changed. */
export function held<T>(slot: Slot, key: unknown, build: () => T, dispose?: (value: T) => void): T {
  const current = slots.get(slot);
  if (current && current.key === key) return current.value as T;
  return hold(slot, key, build(), dispose);
}

/** Puts `value` in `slot` for `key`, disposing what was there (tests install fresh runtimes). */
export function hold<T>(slot: Slot, key: unknown, value: T, dispose?: (value: T) => void): T {
  slots.get(slot)?.dispose?.();
  slots.set(slot, { key, value, dispose: dispose && (() => dispose(value)) });
  return value;
}

/** What `slot` holds now, whatever its key. */
export function current<T>(slot: Slot): T | undefined {
  return slots.get(slot)?.value as T | undefined;
}
