/**
 * The provider as the host runs it, for tests that call its methods directly: the entry
 * point the serialized shim loads, with a ProviderRuntime built from the environment (as
 * the host builds one from the stack config). `freshRuntime()` installs a new one wherever a
 * test needs a clean client, throttle and caches.
 */
import type { ConfigSource } from "../../provider/core/config";
import { ProviderRuntime } from "../../provider/core/runtime";
import { currentRuntime, installRuntime } from "../../provider/faces/dynamic/runtime";

export { capsuleAttachmentProvider, dataAssetProvider } from "../../provider/faces/dynamic/runtime";

/** A new runtime from the current environment (and `config`), replacing the previous one. */
export function freshRuntime(config?: ConfigSource): ProviderRuntime {
  const rt = new ProviderRuntime(config);
  installRuntime(rt);
  return rt;
}

/** The runtime the providers use now. */
export const runtime = currentRuntime;
