/**
 * Drives a provider process over gRPC as the engine does. `startHost` runs the real
 * `@pulumi/pulumi` dynamic-provider host: serialized `__provider`, configure with the stack
 * config, then the resource methods. The pieces below it (spawning a process that prints its
 * port, the ResourceProvider client) are shared with the native plugin's face (faces.ts).
 * See shared/pulumi-dynamic-providers.md, "Driving the real host without the Pulumi CLI".
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import { serializeFunction } from "@pulumi/pulumi/runtime/closure/serializeClosure";
import { appendStructFields } from "../../provider/faces/plugin/struct";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const statusPb = fromPulumi("@pulumi/pulumi/proto/status_pb.js");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb.js");

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The `__provider` text the SDK would store for a shim. */
export async function serializeProvider(shim: pulumi.dynamic.ResourceProvider): Promise<string> {
  const s = await serializeFunction(() => shim, { allowSecrets: true });
  return s.text;
}

export type Props = Record<string, unknown>;

/** A failed call: the gRPC message and, for a partial failure, its ErrorResourceInitFailed detail. */
export class HostCallError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly initFailed?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(message);
  }
}

export interface Host {
  port: number;
  /** Everything the process printed after its port line (shown by the CLI as diagnostics). */
  output(): string;
  /** The stack config, `codeocean:<setting>` → string, as the engine has it. */
  configure(config: Record<string, string>): Promise<void>;
  check(
    type: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(
    type: string,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{
    changes: number;
    replaces: string[];
    deleteBeforeReplace: boolean;
    /** The changed keys the engine shows (the dynamic host never sets them). */
    diffs: string[];
  }>;
  /** `timeoutSeconds`: the resource's customTimeouts.create, sent as the engine sends it. */
  create(
    type: string,
    props: Props,
    opts?: { timeoutSeconds?: number },
  ): Promise<{ id: string; properties: Props }>;
  read(
    type: string,
    id: string,
    props: Props,
    inputs?: Props,
  ): Promise<{ id: string; properties: Props; inputs: Props }>;
  update(type: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(type: string, id: string, props: Props): Promise<void>;
  /** The engine's Cancel (Ctrl-C, and before every shutdown). */
  cancel(): Promise<void>;
  stop(): Promise<void>;
}

/** A provider process that printed its port on its first line, as the engine expects. */
export interface ProviderProcess {
  child: ChildProcess;
  port: number;
  output(): string;
}

/**
 * Spawns `node <args>` and reads the port from the first line of its stdout; everything after
 * it, on stdout or stderr, is kept as the output. `stdin: "pipe"` is what the engine gives a
 * plugin (its end tells the plugin that the engine is gone).
 */
export async function spawnProvider(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: "ignore" | "pipe" },
): Promise<ProviderProcess> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: [opts.stdin ?? "ignore", "pipe", "pipe"],
  });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    let first = "";
    const onData = (d: Buffer) => {
      first += d.toString();
      const nl = first.indexOf("\n");
      if (nl >= 0) {
        child.stdout!.off("data", onData);
        out += first.slice(nl + 1);
        child.stdout!.on("data", (x: Buffer) => (out += x.toString()));
        resolve(Number(first.slice(0, nl).trim()));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (x: Buffer) => (out += x.toString()));
    child.once("exit", (code) =>
      reject(new Error(`provider process exited (${code}) before printing its port: ${out}`)),
    );
  });
  return { child, port, output: () => out };
}

/** How a face names a resource type on the wire: the URN and the request's `type` field. */
export interface Naming {
  urn(type: string): string;
  token(type: string): string;
}

/** The Struct-typed fields of each request (provider.proto field numbers). */
const FIELD = {
  check: { olds: 2, news: 3 },
  diff: { olds: 3, news: 4 },
  configure: { args: 2 },
  create: { properties: 2 },
  read: { properties: 3, inputs: 4 },
  update: { olds: 3, news: 4 },
  delete: { properties: 3 },
} as const;

/**
 * One ResourceProvider client. Requests are written as the engine writes them: the generated
 * message for the scalar fields and the Struct fields appended as raw bytes, so that a key
 * google-protobuf cannot write (`__proto__`, which a YAML program can send) reaches the
 * process; answers are parsed by the generated classes, as grpc-go parses them for the engine.
 */
export class Wire {
  private readonly client: grpc.Client;

  constructor(
    readonly port: number,
    private readonly deadlineMs: number,
  ) {
    this.client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
  }

  call<T>(
    method: string,
    msg: { serializeBinary(): Uint8Array },
    structs: Record<number, Props | undefined> = {},
  ): Promise<T> {
    const def = providerGrpc.ResourceProviderService[method];
    const bytes = appendStructFields(msg.serializeBinary(), structs);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        def.path,
        (b: Buffer) => b,
        def.responseDeserialize,
        bytes,
        new grpc.Metadata(),
        { deadline: Date.now() + this.deadlineMs },
        (err: grpc.ServiceError | null, resp?: T) => {
          if (!err) return resolve(resp as T);
          reject(new HostCallError(err.details || err.message, err.code, initFailure(err)));
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

/** The ErrorResourceInitFailed detail of a partial failure, parsed as the engine does. */
function initFailure(err: grpc.ServiceError): HostCallError["initFailed"] {
  const details = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (!details) return undefined;
  const status = statusPb.Status.deserializeBinary(details as Buffer);
  const any = status.getDetailsList()[0];
  if (!any) return undefined;
  const detail = providerPb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
  return {
    id: detail.getId(),
    properties: detail.getProperties()?.toJavaScript() ?? {},
    reasons: detail.getReasonsList(),
  };
}

/** Stops a provider process the engine's way: Cancel, close the connection, SIGINT, wait. */
async function stopProcess(proc: ProviderProcess, wire: Wire): Promise<void> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) {
    await wire.call("cancel", new Empty()).catch(() => undefined);
  }
  wire.close();
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((r) => proc.child.once("exit", r));
  proc.child.kill("SIGINT");
  // As the engine does 5 s after its SIGINT.
  const kill = setTimeout(() => proc.child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(kill);
}

/**
 * The Host over a provider process: the resource methods as the engine sends them, with the
 * face's naming. `configure` sends the stack config as Configure's `args`, as the engine does
 * for the dynamic provider; the plugin face replaces it (faces.ts).
 */
export function connect(
  proc: ProviderProcess,
  naming: Naming,
  opts: { deadlineMs?: number } = {},
): { host: Host; wire: Wire } {
  const wire = new Wire(proc.port, opts.deadlineMs ?? 120_000);
  const req = <M extends { setUrn(u: string): M; setType(t: string): M }>(m: M, type: string) =>
    m.setUrn(naming.urn(type)).setType(naming.token(type));

  const host: Host = {
    port: proc.port,
    output: proc.output,
    async configure(config) {
      await wire.call("configure", new providerPb.ConfigureRequest(), {
        [FIELD.configure.args]: config,
      });
    },
    async check(type, olds, news) {
      const resp = await wire.call<providerPb.CheckResponse>(
        "check",
        req(new providerPb.CheckRequest(), type),
        { [FIELD.check.olds]: olds, [FIELD.check.news]: news },
      );
      return {
        inputs: resp.getInputs()?.toJavaScript() ?? {},
        failures: resp
          .getFailuresList()
          .map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(type, id, olds, news) {
      const resp = await wire.call<providerPb.DiffResponse>(
        "diff",
        req(new providerPb.DiffRequest(), type).setId(id),
        { [FIELD.diff.olds]: olds, [FIELD.diff.news]: news },
      );
      return {
        changes: resp.getChanges(),
        replaces: resp.getReplacesList(),
        deleteBeforeReplace: resp.getDeletebeforereplace(),
        diffs: resp.getDiffsList(),
      };
    },
    async create(type, props, createOpts = {}) {
      const resp = await wire.call<providerPb.CreateResponse>(
        "create",
        req(new providerPb.CreateRequest(), type).setTimeout(createOpts.timeoutSeconds ?? 0),
        { [FIELD.create.properties]: props },
      );
      return { id: resp.getId(), properties: resp.getProperties()?.toJavaScript() ?? {} };
    },
    async read(type, id, props, inputs) {
      const resp = await wire.call<providerPb.ReadResponse>(
        "read",
        req(new providerPb.ReadRequest(), type).setId(id),
        { [FIELD.read.properties]: props, [FIELD.read.inputs]: inputs },
      );
      return {
        id: resp.getId(),
        properties: resp.getProperties()?.toJavaScript() ?? {},
        inputs: resp.getInputs()?.toJavaScript() ?? {},
      };
    },
    async update(type, id, olds, news) {
      const resp = await wire.call<providerPb.UpdateResponse>(
        "update",
        req(new providerPb.UpdateRequest(), type).setId(id),
        { [FIELD.update.olds]: olds, [FIELD.update.news]: news },
      );
      return { properties: resp.getProperties()?.toJavaScript() ?? {} };
    },
    async delete(type, id, props) {
      await wire.call("delete", req(new providerPb.DeleteRequest(), type).setId(id), {
        [FIELD.delete.properties]: props,
      });
    },
    async cancel() {
      await wire.call("cancel", new Empty());
    },
    stop: () => stopProcess(proc, wire),
  };
  return { host, wire };
}

/** The dynamic face's names: every dynamic resource is `pulumi-nodejs:dynamic/<module>:<type>`. */
export const DYNAMIC_NAMING: Naming = {
  urn: (type) => `urn:pulumi:test::codeocean-test::pulumi-nodejs:dynamic/codeocean:${type}::r`,
  token: (type) => `pulumi-nodejs:dynamic/codeocean:${type}`,
};

/** Starts the host with `cwd` as the program directory (where `pulumi-codeocean` must resolve). */
export async function startHost(
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; deadlineMs?: number } = {},
): Promise<Host> {
  const cwd = opts.cwd ?? REPO_ROOT;
  const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
  const proc = await spawnProvider([script, "127.0.0.1:1"], {
    cwd,
    env: { PULUMI_NODEJS_PROJECT: "codeocean-test", PULUMI_NODEJS_STACK: "test", ...opts.env },
  });
  return connect(proc, DYNAMIC_NAMING, opts).host;
}

/** The diff `changes` enum values. */
export const DIFF = { UNKNOWN: 0, NONE: 1, SOME: 2 } as const;
