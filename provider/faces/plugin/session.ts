/**
 * One provider behind one gRPC server: the resource and function calls, each run with a
 * CallContext whose signal Cancel, shutdown or the engine aborts (see "Decisions" in
 * server.ts).
 */
import type * as grpcJs from "@grpc/grpc-js";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { abortReason, RpcError, sendable } from "./errors";
import {
  checkFailures,
  Empty,
  FIELD,
  grpc,
  type Incoming,
  type Outgoing,
  type UnaryCall,
} from "./service";
import type { Props } from "./struct";
import type { CallContext, PluginProvider, ResourceMethods } from "./types";

/** The type token of a URN: `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>`. */
function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

function timeoutSeconds(timeout: number): number | undefined {
  return timeout > 0 ? timeout : undefined;
}

/** One provider behind one gRPC server: its cancellation state and its calls in flight. */
export class Session {
  private cancelled?: Error;
  private readonly inFlight = new Set<AbortController>();
  private idleWaiters: (() => void)[] = [];
  private functionTokens?: Set<string>;

  constructor(readonly provider: PluginProvider) {}

  /** Aborts every call in flight and refuses every later one (see "Decisions"). */
  cancel(reason: string): void {
    this.cancelled ??= abortReason(reason);
    for (const controller of this.inFlight) controller.abort(this.cancelled);
  }

  /** Resolves once no call is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs `fn` with a CallContext whose signal Cancel, shutdown or the caller aborts. */
  private async withContext<T>(
    call: grpcJs.ServerUnaryCall<unknown, unknown>,
    what: string,
    urn: string,
    timeout: number | undefined,
    fn: (ctx: CallContext) => Promise<T>,
  ): Promise<T> {
    if (this.cancelled) {
      throw new RpcError(grpc.status.CANCELLED, `${what} not started: ${this.cancelled.message}`);
    }
    const controller = new AbortController();
    // The engine gave up on this call (its deadline, or the CLI terminating): stop waiting too.
    const onCallCancelled = () =>
      controller.abort(abortReason("the Pulumi engine abandoned the call"));
    call.once("cancelled", onCallCancelled);
    this.inFlight.add(controller);
    try {
      return await fn({ urn, timeoutSeconds: timeout, signal: controller.signal });
    } finally {
      this.inFlight.delete(controller);
      call.off("cancelled", onCallCancelled);
      if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private methodsFor(urn: string, type: string): ResourceMethods {
    // The engine sets `type` (v3.274.1 always does); older engines only sent the URN.
    const token = type || typeOfUrn(urn);
    const resources = this.provider.resources;
    if (!Object.prototype.hasOwnProperty.call(resources, token)) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        `unknown resource type "${token}"; this provider manages ${Object.keys(resources).join(", ")}`,
      );
    }
    return resources[token];
  }

  private knownFunctions(): Set<string> {
    if (!this.functionTokens) {
      const schema = JSON.parse(this.provider.schema()) as { functions?: Props };
      this.functionTokens = new Set(Object.keys(schema.functions ?? {}));
    }
    return this.functionTokens;
  }

  getPluginInfo(): Outgoing {
    return { msg: new pluginPb.PluginInfo().setVersion(this.provider.version) };
  }

  getSchema(): Outgoing {
    return { msg: new providerPb.GetSchemaResponse().setSchema(this.provider.schema()) };
  }

  async check(
    { msg, structs }: Incoming<providerPb.CheckRequest>,
    call: UnaryCall<providerPb.CheckRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const { inputs, failures } = await this.withContext(
      call,
      "check",
      msg.getUrn(),
      undefined,
      (ctx) =>
        methods.check(
          structs.get(FIELD.checkRequest.olds) ?? {},
          structs.get(FIELD.checkRequest.news) ?? {},
          ctx,
        ),
    );
    return {
      msg: new providerPb.CheckResponse().setFailuresList(checkFailures(failures)),
      structs: { [FIELD.checkResponse.inputs]: inputs },
    };
  }

  async diff(
    { msg, structs }: Incoming<providerPb.DiffRequest>,
    call: UnaryCall<providerPb.DiffRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const result = await this.withContext(call, "diff", msg.getUrn(), undefined, (ctx) =>
      methods.diff(
        msg.getId(),
        structs.get(FIELD.diffRequest.olds) ?? {},
        structs.get(FIELD.diffRequest.news) ?? {},
        structs.get(FIELD.diffRequest.oldInputs) ?? {},
        ctx,
      ),
    );
    const resp = new providerPb.DiffResponse()
      .setChanges(
        result.changes
          ? providerPb.DiffResponse.DiffChanges.DIFF_SOME
          : providerPb.DiffResponse.DiffChanges.DIFF_NONE,
      )
      .setReplacesList(result.replaces)
      .setDeletebeforereplace(result.deleteBeforeReplace)
      .setDiffsList(result.diffs ?? []);
    return { msg: resp };
  }

  async create(
    { msg, structs }: Incoming<providerPb.CreateRequest>,
    call: UnaryCall<providerPb.CreateRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const inputs = structs.get(FIELD.createRequest.properties) ?? {};
    if (msg.getPreview()) {
      // Never sent to us (supportsPreview is false); should an engine send it anyway, answer
      // as the engine itself does for such providers rather than create during a preview.
      return {
        msg: new providerPb.CreateResponse(),
        structs: { [FIELD.createResponse.properties]: inputs },
      };
    }
    const { id, outs } = await this.withContext(
      call,
      "create",
      msg.getUrn(),
      timeoutSeconds(msg.getTimeout()),
      (ctx) => methods.create(inputs, ctx),
    );
    return {
      msg: new providerPb.CreateResponse().setId(id),
      structs: { [FIELD.createResponse.properties]: sendable("create", id, outs, inputs) },
    };
  }

  async read(
    { msg, structs }: Incoming<providerPb.ReadRequest>,
    call: UnaryCall<providerPb.ReadRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const result = await this.withContext(
      call,
      "read",
      msg.getUrn(),
      // ReadRequest.timeout is newer than the oldest @pulumi/pulumi we support (3.139's
      // generated class has no getter; the field is then skipped and the timeout unknown).
      timeoutSeconds((msg as { getTimeout?: () => number }).getTimeout?.() ?? 0),
      (ctx) =>
        methods.read(
          msg.getId(),
          structs.get(FIELD.readRequest.properties) ?? {},
          structs.get(FIELD.readRequest.inputs) ?? {},
          ctx,
        ),
    );
    return {
      msg: new providerPb.ReadResponse().setId(result.id),
      structs: {
        [FIELD.readResponse.properties]: result.props,
        [FIELD.readResponse.inputs]: result.inputs,
      },
    };
  }

  async update(
    { msg, structs }: Incoming<providerPb.UpdateRequest>,
    call: UnaryCall<providerPb.UpdateRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    const news = structs.get(FIELD.updateRequest.news) ?? {};
    if (msg.getPreview()) {
      // As for create: never sent to us, and never a reason to change anything.
      return {
        msg: new providerPb.UpdateResponse(),
        structs: { [FIELD.updateResponse.properties]: news },
      };
    }
    const { outs } = await this.withContext(
      call,
      "update",
      msg.getUrn(),
      timeoutSeconds(msg.getTimeout()),
      (ctx) =>
        methods.update(
          msg.getId(),
          structs.get(FIELD.updateRequest.olds) ?? {},
          news,
          structs.get(FIELD.updateRequest.oldInputs) ?? {},
          ctx,
        ),
    );
    return {
      msg: new providerPb.UpdateResponse(),
      structs: {
        [FIELD.updateResponse.properties]: sendable("update", msg.getId(), outs, news),
      },
    };
  }

  async delete(
    { msg, structs }: Incoming<providerPb.DeleteRequest>,
    call: UnaryCall<providerPb.DeleteRequest>,
  ): Promise<Outgoing> {
    const methods = this.methodsFor(msg.getUrn(), msg.getType());
    await this.withContext(call, "delete", msg.getUrn(), timeoutSeconds(msg.getTimeout()), (ctx) =>
      methods.delete(
        msg.getId(),
        structs.get(FIELD.deleteRequest.properties) ?? {},
        structs.get(FIELD.deleteRequest.oldInputs) ?? {},
        ctx,
      ),
    );
    return { msg: new Empty() };
  }

  async invoke(
    { msg, structs }: Incoming<providerPb.InvokeRequest>,
    call: UnaryCall<providerPb.InvokeRequest>,
  ): Promise<Outgoing> {
    const token = msg.getTok();
    const known = this.knownFunctions();
    if (!known.has(token)) {
      const list = known.size > 0 ? `; this provider has ${[...known].join(", ")}` : "";
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `unknown function "${token}"${list}`);
    }
    const result = await this.withContext(call, `invoke ${token}`, "", undefined, () =>
      this.provider.invoke(token, structs.get(FIELD.invokeRequest.args) ?? {}),
    );
    return {
      msg: new providerPb.InvokeResponse(),
      structs: { [FIELD.invokeResponse.return]: result },
    };
  }
}
