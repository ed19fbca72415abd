import type { FaultInjector, RateLimiter } from "./faults";
import type { Journal } from "./journal";
import { ApiError, json, NO_CONTENT, type Reply } from "./reply";
import type { EmulatorState } from "./state";
import type {
  AssetPatch,
  EmulatorAdmin,
  FaultRule,
  OutcomeRule,
  PermissionsPatch,
  RateLimit,
  SeedData,
} from "./types";
import { isObject } from "./validate";

export interface AdminDeps {
  state: EmulatorState;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  journal: Journal;
  /** Default seed merged with options.seed; what reset() restores. */
  baseSeed: () => SeedData;
}

function validateOutcomeRule(raw: unknown): OutcomeRule {
  if (!isObject(raw) || !isObject(raw.match) || !isObject(raw.outcome)) {
    throw new Error("outcome rule must be {match: {name?, namePrefix?}, outcome: {kind}, times?}");
  }
  const kind = raw.outcome.kind;
  if (kind !== "ready" && kind !== "fail" && kind !== "draft") {
    throw new Error('outcome kind must be "ready", "fail" or "draft"');
  }
  if (kind === "fail" && typeof raw.outcome.reason !== "string") {
    throw new Error('a "fail" outcome needs a reason string');
  }
  const afterMs = raw.outcome.afterMs;
  if (afterMs !== undefined && (typeof afterMs !== "number" || afterMs < 0)) {
    throw new Error("outcome afterMs must be a non-negative number");
  }
  if (raw.times !== undefined && (!Number.isInteger(raw.times) || (raw.times as number) < 1)) {
    throw new Error("outcome times must be a positive integer");
  }
  return raw as unknown as OutcomeRule;
}

export function createAdmin(d: AdminDeps): EmulatorAdmin {
  return {
    reset() {
      d.state.reset(d.baseSeed());
      d.journal.clear(true);
      d.faults.clear();
      d.faults.reseed();
      d.rateLimiter.set(null);
    },
    seed: (data: Partial<SeedData>) => d.state.applySeed(data),
    addOutcome: (rule: OutcomeRule) => d.state.addOutcome(validateOutcomeRule(rule)),
    clearOutcomes: () => d.state.clearOutcomes(),
    setFaults: (rules: FaultRule[]) => d.faults.set(rules),
    addFault: (rule: FaultRule) => d.faults.add(rule),
    clearFaults: () => d.faults.clear(),
    setRateLimit: (limit: RateLimit | null) => d.rateLimiter.set(limit),
    journal: () => d.journal.list(),
    counts: () => d.journal.counts(),
    clearJournal: () => d.journal.clear(),
    assets: () => d.state.listAssets(),
    asset: (id: string) => d.state.findAsset(id),
    updateAsset: (id: string, patch: AssetPatch) => d.state.adminUpdate(id, patch),
    removeAsset: (id: string) => d.state.removeAsset(id),
    permissions: (id: string) => d.state.adminPermissions(id),
    setPermissions: (id: string, patch: PermissionsPatch) => d.state.adminSetPermissions(id, patch),
    removeCapsule: (id: string) => d.state.removeTarget("capsule", id),
    removePipeline: (id: string) => d.state.removeTarget("pipeline", id),
    attachments: () => d.state.listAttachments(),
  };
}

/**
 * The HTTP face of EmulatorAdmin under /__emulator/, for tests and tools that run the
 * emulator out of process. `rel` is the path below /__emulator without trailing slashes.
 */
export function handleAdminRequest(
  admin: EmulatorAdmin,
  d: AdminDeps,
  method: string,
  rel: string,
  body: unknown,
): Reply {
  const segments = rel.split("/").filter(Boolean);
  const route =
    segments.length === 2
      ? `${method} /${segments[0]}/:id`
      : segments.length === 3
        ? `${method} /${segments[0]}/:id/${segments[2]}`
        : `${method} /${segments.join("/")}`;
  try {
    const id = segments.length >= 2 ? decodeURIComponent(segments[1]) : "";
    switch (route) {
      case "GET /health":
        return json({ ok: true });
      case "POST /reset":
        admin.reset();
        return NO_CONTENT;
      case "POST /seed":
        if (!isObject(body)) throw new Error("seed body must be an object");
        admin.seed(body as Partial<SeedData>);
        return NO_CONTENT;
      case "POST /outcomes":
        admin.addOutcome(body as OutcomeRule);
        return NO_CONTENT;
      case "DELETE /outcomes":
        admin.clearOutcomes();
        return NO_CONTENT;
      case "PUT /faults":
        if (!Array.isArray(body)) throw new Error("faults body must be an array of rules");
        admin.setFaults(body as FaultRule[]);
        return NO_CONTENT;
      case "POST /faults":
        admin.addFault(body as FaultRule);
        return NO_CONTENT;
      case "GET /faults":
        return json(d.faults.list());
      case "DELETE /faults":
        admin.clearFaults();
        return NO_CONTENT;
      case "PUT /rate-limit":
        admin.setRateLimit((body ?? null) as RateLimit | null);
        return NO_CONTENT;
      case "GET /journal":
        return json({ entries: admin.journal(), counts: admin.counts() });
      case "DELETE /journal":
        admin.clearJournal();
        return NO_CONTENT;
      case "GET /state":
        return json({
          assets: admin.assets(),
          attachments: admin.attachments(),
          capsules: d.state.listTargets("capsule"),
          pipelines: d.state.listTargets("pipeline"),
          computations: d.state.listComputations(),
        });
      case "GET /data_assets/:id": {
        const asset = admin.asset(id);
        if (!asset) throw new ApiError(404, `data asset ${id} not found`);
        return json(asset);
      }
      case "PATCH /data_assets/:id":
        if (!admin.asset(id)) throw new ApiError(404, `data asset ${id} not found`);
        if (!isObject(body)) throw new Error("patch body must be an object");
        admin.updateAsset(id, body as AssetPatch);
        return json(admin.asset(id));
      case "DELETE /data_assets/:id":
        admin.removeAsset(id);
        return NO_CONTENT;
      case "GET /data_assets/:id/permissions": {
        const permissions = admin.permissions(id);
        if (!permissions) throw new ApiError(404, `data asset ${id} not found`);
        return json(permissions);
      }
      case "PATCH /data_assets/:id/permissions":
        if (!admin.asset(id)) throw new ApiError(404, `data asset ${id} not found`);
        if (!isObject(body)) throw new Error("permissions patch body must be an object");
        admin.setPermissions(id, body as PermissionsPatch);
        return json(admin.permissions(id));
      case "DELETE /capsules/:id":
        admin.removeCapsule(id);
        return NO_CONTENT;
      case "DELETE /pipelines/:id":
        admin.removePipeline(id);
        return NO_CONTENT;
      default:
        throw new ApiError(404, `no emulator admin route ${method} /__emulator${rel}`);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, (e as Error).message);
  }
}
