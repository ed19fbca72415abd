/**
 * The plugin process: what `pulumi-resource-codeocean` runs.
 *
 * The engine's side (pulumi/pkg/v3 v3.274.1, resource/plugin/plugin.go): it starts the plugin
 * in its own process group with the engine's address as the argument (plus `--logtostderr`,
 * `-v=N`, `--tracing` when asked; none of which we need), a pipe on stdin that it never writes
 * to, and reads stdout one byte at a time up to the first `\n`, trims whitespace and expects a
 * port number (:376-432, parsePort :450-474); it then dials 127.0.0.1:<port>. Everything after
 * that line, on stdout or stderr, is shown only as debug messages (`--debug`, `-v`): the engine
 * hides the output of every resource plugin but the dynamic-provider hosts (:325-328, :350-352,
 * isDynamicPluginBinary :805-808), and dumps it to the user only if the plugin exits before the
 * engine stops it (:772-800). So this process prints nothing on a normal run, and what the
 * user must see — the provider's warnings — goes to the engine's Log service instead
 * (engineLog.ts, wired in start.ts; stderr only when that fails). To stop the plugin the engine
 * sends Cancel, closes the connection, SIGINTs the process group and SIGKILLs it 5 s later
 * (:652-682).
 */
import * as fs from "fs";
import { redact } from "../../core/api/redact";
import { serve } from "./server";
import type { PluginProvider } from "./types";

function log(line: string): void {
  process.stderr.write(`${redact(line)}\n`);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * Whether stdin is a pipe from whoever started us: the engine's (a pipe, Go's os.Pipe) or a
 * Node parent's (a socket pair). Its end then means the parent is gone — even a SIGKILLed CLI
 * closes it — and nobody else will stop us. A terminal or /dev/null (a plugin started by hand
 * for PULUMI_DEBUG_PROVIDERS, or with stdin ignored) says nothing of the sort.
 */
function stdinIsPipe(): boolean {
  try {
    const stat = fs.fstatSync(0);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

/**
 * Serves `provider` until the engine stops the process, then exits. Never returns: a provider's
 * open sockets or timers must not keep the process alive into the engine's SIGKILL.
 */
export async function runPlugin(provider: PluginProvider): Promise<never> {
  // A stray rejection in a provider must not kill the process while other calls are in flight
  // (their remote objects would be orphaned): say so, serve on, and exit non-zero at the end.
  const onStray = (err: unknown) => {
    log(`codeocean provider: internal error: ${describe(err)}`);
    process.exitCode = 1;
  };
  process.on("unhandledRejection", onStray);
  process.on("uncaughtException", onStray);
  // Once the engine is gone, writing to stderr fails (EPIPE): that must not feed onStray forever.
  process.stderr.on("error", () => undefined);

  const server = await serve(provider, { host: "127.0.0.1", port: 0 });
  // The engine's handshake: the port alone on the first line, before anything else on stdout.
  process.stdout.write(`${server.port}\n`);

  const reason = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
    if (stdinIsPipe()) {
      process.stdin.once("end", () => resolve("stdin closed"));
      process.stdin.once("error", () => resolve("stdin failed"));
      process.stdin.resume();
    }
  });
  // A second signal while shutting down means "now".
  const now = () => process.exit(process.exitCode ?? 1);
  process.once("SIGINT", now);
  process.once("SIGTERM", now);
  if (reason === "stdin closed" || reason === "stdin failed") {
    // Not the engine's normal way of stopping us: leave a trace for whoever reads the logs.
    log(`codeocean provider: ${reason}, shutting down`);
  }
  await server.close();
  process.exit();
}
