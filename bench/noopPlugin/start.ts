/**
 * `pulumi-resource-noop`: the no-op plugin process, served by our plugin server (see
 * provider.ts). Compiled by bench §7 to dist/bench/noopPlugin/, where the launcher next to
 * this file finds it, beside the built dist/provider it imports.
 */
import { runPlugin } from "../../provider/faces/plugin/main";
import { createNoopProvider } from "./provider";

void runPlugin(createNoopProvider());
