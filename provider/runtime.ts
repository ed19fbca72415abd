/**
 * What the serialized resource providers load at run time, inside the Pulumi provider
 * host: `require("pulumi-codeocean/runtime")`. Keep this entry point stable across versions:
 * stacks created with older versions of the package find their provider through it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "./config";
import { capsuleAttachmentProvider } from "./resources/capsuleAttachmentProvider";
import { dataAssetProvider } from "./resources/dataAssetProvider";

export { dataAssetProvider, capsuleAttachmentProvider };

/** Receives the stack config (secrets decrypted) from the dynamic-provider host. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  setStackConfig(req.config);
}
