/**
 * The provider's own configuration calls: CheckConfig, DiffConfig and Configure. The engine's
 * `version` input is kept away from the provider's config methods and put back; a changed
 * `version` counts as a changed config key, so the state records it (see "Decisions" in
 * server.ts).
 */
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { checkFailures, FIELD, type Incoming, type Outgoing } from "./service";
import { unwrapSecrets, type Props } from "./struct";
import type { PluginProvider } from "./types";

/** The provider input the engine owns (registry.go SetProviderVersion). */
const VERSION_KEY = "version";

/** `props` without `key`, copied key by key so that a `__proto__` key stays an own property. */
function without(props: Props, key: string): Props {
  const out: Props = {};
  for (const k of Object.keys(props)) {
    if (k !== key) {
      Object.defineProperty(out, k, {
        value: props[k],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

/** Configure's deprecated `variables` (`<pkg>:config:<key>` → string), for engines without args. */
function fromVariables(msg: providerPb.ConfigureRequest): Props {
  const out: Props = {};
  for (const [key, value] of msg.getVariablesMap().getEntryList()) {
    const at = key.indexOf(":config:");
    const name = at >= 0 ? key.slice(at + ":config:".length) : key;
    Object.defineProperty(out, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export async function checkConfig(
  provider: PluginProvider,
  { structs }: Incoming<providerPb.CheckRequest>,
): Promise<Outgoing> {
  const olds = structs.get(FIELD.checkRequest.olds) ?? {};
  const news = structs.get(FIELD.checkRequest.news) ?? {};
  const { inputs, failures } = await provider.checkConfig(
    without(olds, VERSION_KEY),
    without(news, VERSION_KEY),
  );
  const checked = without(inputs, VERSION_KEY);
  if (Object.prototype.hasOwnProperty.call(news, VERSION_KEY)) {
    // The engine would put it back itself (registry.go:693-699); saying so keeps it obvious.
    checked[VERSION_KEY] = news[VERSION_KEY];
  }
  return {
    msg: new providerPb.CheckResponse().setFailuresList(checkFailures(failures)),
    structs: { [FIELD.checkResponse.inputs]: checked },
  };
}

export function diffConfig(
  provider: PluginProvider,
  { structs }: Incoming<providerPb.DiffRequest>,
): Outgoing {
  // Compare inputs with inputs; old states without `old_inputs` only have the old outputs,
  // which for a provider are the checked inputs anyway (registry.go Create).
  const olds =
    structs.get(FIELD.diffRequest.oldInputs) ?? structs.get(FIELD.diffRequest.olds) ?? {};
  const news = structs.get(FIELD.diffRequest.news) ?? {};
  const changed = [...provider.diffConfig(without(olds, VERSION_KEY), without(news, VERSION_KEY))];
  if (olds[VERSION_KEY] !== news[VERSION_KEY] && !changed.includes(VERSION_KEY)) {
    changed.push(VERSION_KEY);
  }
  const resp = new providerPb.DiffResponse()
    .setChanges(
      changed.length > 0
        ? providerPb.DiffResponse.DiffChanges.DIFF_SOME
        : providerPb.DiffResponse.DiffChanges.DIFF_NONE,
    )
    .setDiffsList(changed)
    .setReplacesList([]);
  return { msg: resp };
}

export async function configure(
  provider: PluginProvider,
  { msg, structs }: Incoming<providerPb.ConfigureRequest>,
): Promise<Outgoing> {
  const args = structs.get(FIELD.configureRequest.args);
  const config = args ? (unwrapSecrets(args) as Props) : fromVariables(msg);
  await provider.configure(without(config, VERSION_KEY));
  const resp = new providerPb.ConfigureResponse()
    .setAcceptsecrets(false)
    .setAcceptresources(false)
    .setAcceptoutputs(false)
    .setSupportspreview(false);
  return { msg: resp };
}
