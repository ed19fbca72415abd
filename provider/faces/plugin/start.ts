/**
 * `pulumi-resource-codeocean`: the executable the Pulumi engine starts for the `codeocean`
 * package (package.json `bin`, so `npm install -g pulumi-codeocean` puts it on PATH).
 */
import { runPlugin } from "./main";
import { createPluginProvider } from "./provider";

void runPlugin(createPluginProvider());
