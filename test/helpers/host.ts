/**
 * Drives the real `@pulumi/pulumi` dynamic-provider host over gRPC, as the engine does:
 * serialized `__provider`, configure with the stack config, then the resource methods.
 * See shared/pulumi-dynamic-providers.md, "Driving the real host without the Pulumi CLI".
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import { serializeFunction } from "@pulumi/pulumi/runtime/closure/serializeClosure";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb.js");
const statusPb = fromPulumi("@pulumi/pulumi/proto/status_pb.js");

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
  /** Everything the host printed after its port line (shown by the CLI as diagnostics). */
  output(): string;
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
  ): Promise<{ changes: number; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(type: string, props: Props): Promise<{ id: string; properties: Props }>;
  read(
    type: string,
    id: string,
    props: Props,
    inputs?: Props,
  ): Promise<{ id: string; properties: Props; inputs: Props }>;
  update(type: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(type: string, id: string, props: Props): Promise<void>;
  stop(): Promise<void>;
}

const urn = (type: string) =>
  `urn:pulumi:test::codeocean-test::pulumi-nodejs:dynamic/codeocean:${type}::r`;

/** Starts the host with `cwd` as the program directory (where `pulumi-codeocean` must resolve). */
export async function startHost(
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; deadlineMs?: number } = {},
): Promise<Host> {
  const cwd = opts.cwd ?? REPO_ROOT;
  const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
  const child: ChildProcess = spawn(process.execPath, [script, "127.0.0.1:1"], {
    cwd,
    env: {
      ...process.env,
      PULUMI_NODEJS_PROJECT: "codeocean-test",
      PULUMI_NODEJS_STACK: "test",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
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
      reject(new Error(`provider host exited (${code}) before printing its port: ${out}`)),
    );
  });
  const client = new providerGrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  const deadlineMs = opts.deadlineMs ?? 120_000;

  const call = <T>(method: string, req: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      client[method](
        req,
        { deadline: Date.now() + deadlineMs },
        (err: grpc.ServiceError | null, resp: T) => {
          if (!err) return resolve(resp);
          let initFailed: HostCallError["initFailed"];
          const details = err.metadata?.get("grpc-status-details-bin")?.[0];
          if (details) {
            const status = statusPb.Status.deserializeBinary(details as Buffer);
            const any = status.getDetailsList()[0];
            if (any) {
              const detail = providerPb.ErrorResourceInitFailed.deserializeBinary(
                any.getValue_asU8(),
              );
              initFailed = {
                id: detail.getId(),
                properties: detail.getProperties()?.toJavaScript() ?? {},
                reasons: detail.getReasonsList(),
              };
            }
          }
          reject(new HostCallError(err.details || err.message, err.code, initFailed));
        },
      );
    });

  const struct = (p: Props) => Struct.fromJavaScript(JSON.parse(JSON.stringify(p)));

  return {
    port,
    output: () => out,
    async configure(config) {
      const req = new providerPb.ConfigureRequest();
      req.setArgs(struct(config));
      await call("configure", req);
    },
    async check(type, olds, news) {
      const req = new providerPb.CheckRequest();
      req.setUrn(urn(type));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const resp = await call<providerPb.CheckResponse>("check", req);
      return {
        inputs: resp.getInputs()?.toJavaScript() ?? {},
        failures: resp
          .getFailuresList()
          .map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(type, id, olds, news) {
      const req = new providerPb.DiffRequest();
      req.setId(id);
      req.setUrn(urn(type));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const resp = await call<providerPb.DiffResponse>("diff", req);
      return {
        changes: resp.getChanges(),
        replaces: resp.getReplacesList(),
        deleteBeforeReplace: resp.getDeletebeforereplace(),
      };
    },
    async create(type, props) {
      const req = new providerPb.CreateRequest();
      req.setUrn(urn(type));
      req.setProperties(struct(props));
      const resp = await call<providerPb.CreateResponse>("create", req);
      return { id: resp.getId(), properties: resp.getProperties()?.toJavaScript() ?? {} };
    },
    async read(type, id, props, inputs) {
      const req = new providerPb.ReadRequest();
      req.setId(id);
      req.setUrn(urn(type));
      req.setProperties(struct(props));
      if (inputs) req.setInputs(struct(inputs));
      const resp = await call<providerPb.ReadResponse>("read", req);
      return {
        id: resp.getId(),
        properties: resp.getProperties()?.toJavaScript() ?? {},
        inputs: resp.getInputs()?.toJavaScript() ?? {},
      };
    },
    async update(type, id, olds, news) {
      const req = new providerPb.UpdateRequest();
      req.setId(id);
      req.setUrn(urn(type));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const resp = await call<providerPb.UpdateResponse>("update", req);
      return { properties: resp.getProperties()?.toJavaScript() ?? {} };
    },
    async delete(type, id, props) {
      const req = new providerPb.DeleteRequest();
      req.setId(id);
      req.setUrn(urn(type));
      req.setProperties(struct(props));
      await call("delete", req);
    },
    async stop() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** The diff `changes` enum values. */
export const DIFF = { UNKNOWN: 0, NONE: 1, SOME: 2 } as const;
