/**
 * The plugin face: the resources' methods (resources/) behind the PluginProvider interface
 * the server (server.ts) speaks to — the same methods the dynamic face's host calls, over a
 * runtime built from the provider's configuration. What differs from the dynamic face is said
 * where it happens: configuration arrives as the provider's inputs (explicit providers), a
 * read without stored outputs is an import, customTimeouts reach the waits, and the engine's
 * Cancel stops them.
 */
import { AsyncLocalStorage } from "async_hooks";
import { CodeOceanError } from "../../core/api/errors";
import { ConfigSource, loadSettings, SETTINGS } from "../../core/config";
import { ProviderRuntime, WarningSink } from "../../core/runtime";
import { packageSchema } from "../../declare/schema";
import { createProviders, Providers } from "../../resources";
import type { CallOptions } from "../../resources/call";
import * as lookups from "../../resources/lookups";
import { SearchDataAssetsArgs } from "../../resources/lookups/declaration";
import { PACKAGE } from "../../resources/package";
import { PROVIDER_KEY } from "../../resources/partialFailure";
import { closest, UNKNOWN } from "../../declare/validate";
import type { CallContext, CheckFailure, PluginProvider, Props, ResourceMethods } from "./types";
import { dataAssetResource } from "../../resources/dataAsset/table";
import { capsuleAttachmentResource } from "../../resources/capsuleAttachment/table";
import type { AnyField } from "../../declare/fields";
import { carriesSecret, sealedInputs, sealedOutputs } from "./secrets";
import { LogSink, toStderr } from "./engineLog";

type Env = Record<string, string | undefined>;

const SETTING_NAMES = Object.keys(SETTINGS);

/**
 * An explicit provider's inputs, or the default provider's `codeocean:*` config without its
 * namespace, as the settings loader reads stack config: `codeocean:<name>` → a string.
 * YAML sends typed values, the generated SDKs JSON text, stack config strings.
 */
export function configSource(config: Props): ConfigSource {
  return {
    get(key) {
      const name = key.startsWith("codeocean:") ? key.slice("codeocean:".length) : key;
      const value = config[name];
      if (value === undefined || value === null) return undefined;
      return typeof value === "string" ? value : JSON.stringify(value);
    },
  };
}

/** A stored state from the dynamic face (migration by alias) carries its serialized provider. */
function withoutDynamicProvider(props: Props): Props {
  if (!(PROVIDER_KEY in props)) return props;
  const { [PROVIDER_KEY]: _provider, ...rest } = props;
  return rest;
}

const isEmpty = (props: Props) => Object.keys(props).length === 0;

/** Every setting a configuration names is valid (missing domain and token are the runtime's to report). */
function checkSettings(news: Props): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (SETTING_NAMES.includes(key)) continue;
    const hint = closest(key, SETTING_NAMES);
    failures.push({
      property: key,
      reason: `is not a setting of the codeocean provider${hint ? ` (did you mean ${hint}?)` : ""}; its settings are ${SETTING_NAMES.join(", ")}.`,
    });
  }
  // Only the configuration's own values are judged here (the environment's are the runtime's).
  const known = Object.fromEntries(
    Object.entries(news).filter(([k, v]) => SETTING_NAMES.includes(k) && v !== UNKNOWN),
  );
  const placeholders = { domain: "placeholder.invalid", token: "placeholder" };
  try {
    loadSettings(configSource({ ...placeholders, ...known }), {});
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const property = SETTING_NAMES.find((name) => message.includes(`codeocean:${name} `));
    failures.push({ property: property ?? "", reason: message });
  }
  return failures;
}

export interface PluginProviderOptions {
  /** The environment the settings fall back to (tests pass their own). */
  env?: Env;
  /**
   * Where the provider's warnings go, with the URN of the resource whose call they come from
   * (start.ts: the engine's Log service). Default: stderr, which the engine shows only with
   * `--debug`.
   */
  warn?: LogSink;
}

/** The package's PluginProvider: the same resources as the dynamic face, over one runtime per configuration. */
export function createPluginProvider(options: PluginProviderOptions = {}): PluginProvider {
  const env = options.env ?? process.env;
  const log = options.warn ?? toStderr;
  /** The URN of the resource call in flight, wherever its work goes on (awaits, callbacks). */
  const callUrn = new AsyncLocalStorage<string>();
  const warn: WarningSink = (message, scope) =>
    log(message, scope === "resource" ? callUrn.getStore() || undefined : undefined);
  let installed: { runtime: ProviderRuntime; providers: Providers } | undefined;

  const install = (config: Props | undefined) => {
    installed?.runtime.close();
    const runtime = new ProviderRuntime(config && configSource(config), env, { warn });
    installed = { runtime, providers: createProviders(runtime) };
    return installed;
  };
  /** Configure comes first from the engine; a test's direct call runs on the environment. */
  const current = () => installed ?? install(undefined);

  /**
   * Runs one call: the engine's Cancel (or its abandoning the call) stops every wait of the
   * runtime at once — Cancel is final for the process — and errors reach the server as
   * CodeOceanErrors, their messages redacted there. Warnings the work gives carry `ctx.urn`.
   */
  async function run<T>(ctx: CallContext, work: (p: Providers) => Promise<T>): Promise<T> {
    const { runtime, providers } = current();
    const stop = () => runtime.cancel();
    if (ctx.signal.aborted) stop();
    ctx.signal.addEventListener("abort", stop, { once: true });
    try {
      return await callUrn.run(ctx.urn, () => work(providers));
    } catch (error) {
      if (error instanceof Error && "id" in error && "properties" in error) throw error;
      throw error instanceof CodeOceanError ? error : new CodeOceanError(String(error));
    } finally {
      ctx.signal.removeEventListener("abort", stop);
    }
  }

  const call = (ctx: CallContext): CallOptions => ({ timeoutSeconds: ctx.timeoutSeconds });

  /**
   * One resource's methods. `fields` is its declaration (the secrets its inputs carry are
   * sealed: secrets.ts); `echoes` are the outputs sealed when the inputs carry a secret.
   */
  function methods(
    pick: (p: Providers) => Providers[keyof Providers],
    fields: Record<string, AnyField>,
    echoes: readonly string[] = [],
  ): ResourceMethods {
    const outs = (props: Props, inputs: Props) =>
      carriesSecret(fields, inputs) ? sealedOutputs(props, echoes) : props;
    const sealFailure = (error: unknown, inputs: Props) => {
      if (error instanceof Error && "properties" in error) {
        const e = error as Error & { properties: Props };
        Object.defineProperty(e, "properties", { value: outs(e.properties, inputs) });
      }
      return error;
    };
    return {
      check: (olds, news, ctx) =>
        run(ctx, async (p) => {
          const checked = await pick(p).check(withoutDynamicProvider(olds), news);
          return { ...checked, inputs: sealedInputs(fields, checked.inputs) };
        }),
      diff: (id, olds, news, _oldInputs, ctx) =>
        run(ctx, (p) => pick(p).diff(id, withoutDynamicProvider(olds), news)),
      create: (inputs, ctx) =>
        run(ctx, async (p) => {
          const made = await pick(p)
            .create(inputs, call(ctx))
            .catch((e: unknown) => Promise.reject(sealFailure(e, inputs)));
          return { ...made, outs: outs(made.outs, inputs) };
        }),
      read: (id, props, inputs, ctx) =>
        run(ctx, async (p) => {
          const stored = withoutDynamicProvider(props);
          const declared = withoutDynamicProvider(inputs);
          const found = isEmpty(stored)
            ? await pick(p).imported(id, declared)
            : await pick(p).read(id, stored, declared);
          const foundInputs = found.inputs && sealedInputs(fields, found.inputs);
          return {
            ...found,
            props: outs(found.props, foundInputs ?? declared),
            ...(foundInputs ? { inputs: foundInputs } : {}),
          };
        }),
      update: (id, olds, news, _oldInputs, ctx) =>
        run(ctx, async (p) => {
          const updated = await pick(p)
            .update(id, withoutDynamicProvider(olds), news, call(ctx))
            .catch((e: unknown) => Promise.reject(sealFailure(e, news)));
          return { ...updated, outs: outs(updated.outs, news) };
        }),
      delete: (id, props, _oldInputs, ctx) =>
        run(ctx, (p) => pick(p).delete(id, withoutDynamicProvider(props))),
    };
  }

  const schema = JSON.stringify(packageSchema(PACKAGE));

  return {
    version: PACKAGE.version,
    schema: () => schema,

    async checkConfig(_olds, news) {
      return { inputs: news, failures: checkSettings(news) };
    },

    diffConfig(olds, news) {
      const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
      return [...keys].filter(
        (k) => news[k] === UNKNOWN || JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
      );
    },

    async configure(config) {
      install(config);
    },

    resources: {
      // A failure reason may quote the request, GCP client secret included.
      "codeocean:index:DataAsset": methods((p) => p.dataAsset, dataAssetResource.fields, [
        "failureReason",
      ]),
      "codeocean:index:CapsuleAttachment": methods(
        (p) => p.capsuleAttachment,
        capsuleAttachmentResource.fields,
      ),
    },

    async invoke(token, args) {
      const { runtime } = current();
      try {
        if (token === "codeocean:index:getDataAsset") {
          return (await lookups.getDataAsset(runtime, args)) as unknown as Props;
        }
        const valid = lookups.checked<lookups.SearchDataAssetsArgs>(
          "searchDataAssets",
          SearchDataAssetsArgs,
          args,
        );
        return { assets: await lookups.searchDataAssets(runtime, valid) };
      } catch (error) {
        throw error instanceof CodeOceanError ? error : new CodeOceanError(String(error));
      }
    },
  };
}
