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
import { ProviderRuntime } from "../../core/runtime";

export { ProviderRuntime };

/**
 * The runtime the host's calls use: the one place this package keeps state between calls.
 * The engine calls `configure` once per serialized provider text (twice: one per resource)
 * with the same stack config, so both resources share one runtime — one client, one request
 * budget. A different configuration gets a new runtime: client and throttle always agree.
 */
let installed: { fingerprint: string; runtime: ProviderRuntime } | undefined;

const fingerprint = configFingerprint;

/** Receives the stack config (secrets decrypted) from the dynamic-provider host. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  const print = fingerprint(req.config);
  if (installed?.fingerprint !== print) installRuntime(new ProviderRuntime(req.config), print);
}

/** Makes `runtime` the one the host's calls use (tests install a fresh one per case). */
export function installRuntime(runtime: ProviderRuntime, print = fingerprint(undefined)): void {
  installed?.runtime.close();
  installed = { fingerprint: print, runtime };
}

/** The configured runtime; one from the environment alone if `configure` never ran. */
export function currentRuntime(): ProviderRuntime {
  installed ??= { fingerprint: fingerprint(undefined), runtime: new ProviderRuntime() };
  return installed.runtime;
}

/**
 * Each call goes to the current runtime's provider, so a reconfiguration takes effect at
 * once. Whatever a method throws reaches the engine as a CodeOceanError, whose message has
 * passed the redactor — also an unexpected TypeError quoting a request.
 */
function delegate<P extends object>(pick: (rt: ProviderRuntime) => P): P {
  return new Proxy({} as P, {
    get: (_target, method) => {
      const provider = pick(currentRuntime()) as Record<PropertyKey, unknown>;
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

export const dataAssetProvider = delegate((rt) => rt.dataAssets);
export const capsuleAttachmentProvider = delegate((rt) => rt.capsuleAttachments);
