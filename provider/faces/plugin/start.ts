/**
 * `pulumi-resource-codeocean`: the executable the Pulumi engine starts for the `codeocean`
 * package (package.json `bin`, so `npm install -g pulumi-codeocean` puts it on PATH).
 */
import { engineAddress, engineLog } from "./engineLog";
import { runPlugin } from "./main";
import { createPluginProvider } from "./provider";

// Warnings to the engine that started us (its address is our argument), shown to the user.
const warn = engineLog(engineAddress(process.argv.slice(2)));
void runPlugin(createPluginProvider({ warn }));
