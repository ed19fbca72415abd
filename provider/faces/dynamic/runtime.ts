/**
 * What the serialized resource providers load at run time, inside the Pulumi provider
 * host: `require("pulumi-codeocean/runtime")`. Keep this entry point stable across versions:
 * stacks created with older versions of the package find their provider through it, and
 * call exactly `configure(req)`, `dataAssetProvider.<method>(…)` and
 * `capsuleAttachmentProvider.<method>(…)`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { CodeOceanError } from "../../core/api/errors";
import { configFingerprint } from "../../core/config";
import { current, held, hold } from "../../core/holder";
import { ProviderRuntime } from "../../core/runtime";
import { createProviders, Providers } from "../../resources";

export { ProviderRuntime };

/**
 * The runtime the host's calls use, with the resources' providers over it, in the holder.
 * The engine calls `configure` once per serialized provider text (twice: one per resource)
 * with the same stack config, so both resources share one runtime — one client, one request
 * budget. A different configuration gets a new runtime: client and throttle always agree.
 */
interface Installed {
  runtime: ProviderRuntime;
  providers: Providers;
}

const installation = (runtime: ProviderRuntime): Installed => ({
  runtime,
  providers: createProviders(runtime),
});
const close = (i: Installed) => i.runtime.close();

/** Receives the stack config (secrets decrypted) from the dynamic-provider host. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  held(
    "provider",
    configFingerprint(req.config),
    () => installation(new ProviderRuntime(req.config)),
    close,
  );
}

/** Makes `runtime` the one the host's calls use (tests install a fresh one per case). */
export function installRuntime(
  runtime: ProviderRuntime,
  print = configFingerprint(undefined),
): void {
  hold("provider", print, installation(runtime), close);
}

/** The configured runtime and providers; from the environment alone if `configure` never ran. */
function installed(): Installed {
  return (
    current<Installed>("provider") ??
    held("provider", configFingerprint(undefined), () => installation(new ProviderRuntime()), close)
  );
}

/** The configured runtime (tests and benchmarks read its counters). */
export function currentRuntime(): ProviderRuntime {
  return installed().runtime;
}

/**
 * Each call goes to the current runtime's provider, so a reconfiguration takes effect at
 * once. Whatever a method throws reaches the engine as a CodeOceanError, whose message has
 * passed the redactor — also an unexpected TypeError quoting a request.
 */
function delegate<P extends object>(pick: (providers: Providers) => P): P {
  return new Proxy({} as P, {
    get: (_target, method) => {
      const provider = pick(installed().providers) as Record<PropertyKey, unknown>;
      const fn = provider[method];
      if (typeof fn !== "function") return fn;
      return async (...args: unknown[]) => {
        try {
          return await fn.apply(provider, args);
        } catch (error) {
          throw error instanceof CodeOceanError ? error : new CodeOceanError(String(error));
        }
      };
    },
  });
}

export const dataAssetProvider = delegate((p) => p.dataAsset);
export const capsuleAttachmentProvider = delegate((p) => p.capsuleAttachment);
