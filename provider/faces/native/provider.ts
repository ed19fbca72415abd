/**
 * An explicit instance of the plugin's provider: one stack can manage two deployments (say,
 * staging and production), each resource naming its provider with `{ provider }`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ProviderArgs } from "../types.generated";

export type { ProviderArgs };

/**
 * The `codeocean` provider, configured by its arguments instead of the stack config. A
 * setting left out falls back to the stack config (`codeocean:<name>`), then to its
 * environment variable (see the README's Configuration table). The token is kept encrypted in
 * the state whether or not the program made it a secret.
 */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs = {}, opts?: pulumi.ResourceOptions) {
    const inputs: pulumi.Inputs = { ...args };
    if (args.token !== undefined) inputs.token = pulumi.secret(args.token);
    super("codeocean", name, inputs, opts);
  }
}
