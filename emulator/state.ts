import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ApiError, badRequest, notFound } from "./reply";
import { runSearch, type SearchPage, type SearchParams, type SearchResult } from "./search";
import { runTargetSearch, type TargetSearchParams } from "./targetSearch";
import { EMULATOR_USER } from "./seed";
import type {
  AssetPatch,
  AttachmentInfo,
  CustomMetadataSchema,
  EmulatorAsset,
  EmulatorPermissions,
  OutcomeRule,
  PermissionsPatch,
  Provenance,
  SeedComputation,
  SeedData,
  SeedTarget,
  WireDataAsset,
  WirePermissions,
  WireTarget,
} from "./types";
import type {
  AttachInput,
  AwsTarget,
  CreateInput,
  PermissionsInput,
  TransferInput,
  UpdateInput,
  ValidationContext,
} from "./validate";
import { notReadyDetail } from "./validate";

export type TargetKind = "capsule" | "pipeline";

interface PendingTransition {
  /** ms since the epoch at which the transition takes effect. */
  at: number;
  /** "ready", "failed", or a state the API does not document (an outcome of kind "state"). */
  state: string;
  failureReason?: string;
}

/**
 * Transitions are stored as absolute deadlines and applied lazily whenever an asset is
 * read. That keeps them deterministic in time, needs no timers to clear, and survives a
 * restart from the data file unchanged.
 */
interface AssetRecord {
  seq: number;
  wire: WireDataAsset;
  archived: boolean;
  readyFiles: number;
  readySize: number;
  pending?: PendingTransition;
  /** Absent until first set (and in data files written before permissions existed). */
  permissions?: StoredPermissions;
  /** Set out of band only: the emulator's user has no API to favourite an asset. */
  favorite?: boolean;
  /** Until then (ms since the epoch) the API answers 404 for this id, as for an unknown one. */
  visibleAt?: number;
}

/**
 * Sharing as last set, without the owner: GET adds the owner at read time, so the owner
 * stays listed whatever a POST or an out-of-band change left out. Roles are plain strings
 * because out-of-band changes may store roles the API does not document.
 */
interface StoredPermissions {
  users: { email: string; role: string }[];
  groups: { group: string; role: string }[];
  everyone: string;
  shareAssets?: boolean;
}

// A new asset is private to its owner.
const DEFAULT_EVERYONE = "none";

interface AttachmentRecord {
  targetKind: TargetKind;
  targetId: string;
  assetId: string;
  mount: string;
  readyAt: number;
  jobId: string;
}

export interface AttachResult {
  id: string;
  mount: string;
  ready: boolean;
  external: boolean;
  job_id: string;
  mount_state: string;
}

interface Snapshot {
  version: 1;
  seq: number;
  assets: AssetRecord[];
  attachments: AttachmentRecord[];
  capsules: WireTarget[];
  pipelines: WireTarget[];
  computations: SeedComputation[];
  customMetadata: CustomMetadataSchema;
}

export interface StateOptions {
  readyAfterMs: number;
  attachReadyAfterMs: number;
  /** What reset() restores; see setNotFoundAfterCreateMs. */
  notFoundAfterCreateMs?: number;
  now?: () => number;
  /** Called after every mutation that should reach the data file. */
  onChange?: () => void;
}

function externalBucket(t: AwsTarget): WireDataAsset["source_bucket"] {
  return {
    origin: "aws",
    bucket: t.bucket,
    prefix: t.prefix,
    external: true,
    ...(t.endpointName !== undefined ? { endpoint_name: t.endpointName } : {}),
  };
}

/** Lineage of files a computation produced; commit and image are derived from its id. */
function runProvenance(c: SeedComputation, runScript: string, dataAssets: string[]): Provenance {
  const commit = createHash("sha1").update(c.id).digest("hex");
  return {
    computation: c.id,
    capsule: c.capsuleId,
    commit,
    run_script: runScript,
    docker_image: `registry.codeocean.internal/capsule/${c.capsuleId}:${commit.slice(0, 12)}`,
    data_assets: dataAssets,
  };
}

function hashInt(text: string, salt: string): number {
  return createHash("sha256").update(`${salt}:${text}`).digest().readUInt32BE(0);
}

// Fixed so that seeded capsules look the same on every run and in every snapshot.
const SEED_CREATED = 1_700_000_000;

function targetFromSeed(t: SeedTarget): WireTarget {
  return {
    id: t.id,
    created: SEED_CREATED,
    name: t.name,
    status: t.status ?? "non_release",
    owner: EMULATOR_USER.id,
    slug: t.slug ?? String(1_000_000 + (hashInt(t.id, "slug") % 9_000_000)),
  };
}

export class EmulatorState {
  private assets = new Map<string, AssetRecord>();
  private attachmentsByKey = new Map<string, AttachmentRecord>();
  private targets: Record<TargetKind, Map<string, WireTarget>> = {
    capsule: new Map(),
    pipeline: new Map(),
  };
  private computations = new Map<string, SeedComputation>();
  private customMetadata: CustomMetadataSchema = { fields: [], categories: [] };
  private outcomes: { rule: OutcomeRule; remaining: number }[] = [];
  private seq = 0;
  private notFoundAfterCreateMs: number;
  private readonly now: () => number;

  constructor(
    private readonly opts: StateOptions,
    seed: SeedData,
  ) {
    this.now = opts.now ?? Date.now;
    this.notFoundAfterCreateMs = opts.notFoundAfterCreateMs ?? 0;
    this.applySeed(seed, true);
  }

  private changed(): void {
    this.opts.onChange?.();
  }

  // ---- seed and reset -------------------------------------------------------------------

  applySeed(data: Partial<SeedData>, replaceAll = false): void {
    if (replaceAll) {
      this.targets.capsule.clear();
      this.targets.pipeline.clear();
      this.computations.clear();
    }
    for (const c of data.capsules ?? []) this.targets.capsule.set(c.id, targetFromSeed(c));
    for (const p of data.pipelines ?? []) this.targets.pipeline.set(p.id, targetFromSeed(p));
    for (const c of data.computations ?? []) this.computations.set(c.id, structuredClone(c));
    if (data.customMetadata) this.customMetadata = structuredClone(data.customMetadata);
    this.changed();
  }

  reset(seed: SeedData): void {
    this.assets.clear();
    this.attachmentsByKey.clear();
    this.outcomes = [];
    this.seq = 0;
    this.notFoundAfterCreateMs = this.opts.notFoundAfterCreateMs ?? 0;
    this.applySeed(seed, true);
  }

  validationContext(): ValidationContext {
    return {
      computations: this.computations,
      schema: this.customMetadata,
      asset: (id) => {
        const rec = this.apiRecord(id);
        return rec && structuredClone(rec.wire);
      },
      hasCapsule: (id) => this.targets.capsule.has(id),
      hasPipeline: (id) => this.targets.pipeline.has(id),
    };
  }

  getCustomMetadata(): CustomMetadataSchema {
    return structuredClone(this.customMetadata);
  }

  // ---- outcomes -------------------------------------------------------------------------

  addOutcome(rule: OutcomeRule): void {
    this.outcomes.push({ rule: structuredClone(rule), remaining: rule.times ?? Infinity });
  }

  clearOutcomes(): void {
    this.outcomes = [];
  }

  private takeOutcome(name: string): OutcomeRule["outcome"] | undefined {
    const idx = this.outcomes.findIndex(({ rule: { match } }) => {
      if (match.name !== undefined && match.name !== name) return false;
      if (match.namePrefix !== undefined && !name.startsWith(match.namePrefix)) return false;
      return true;
    });
    if (idx < 0) return undefined;
    const active = this.outcomes[idx];
    if (--active.remaining <= 0) this.outcomes.splice(idx, 1);
    return active.rule.outcome;
  }

  // ---- data assets ----------------------------------------------------------------------

  private settle(rec: AssetRecord): AssetRecord {
    const p = rec.pending;
    if (p && this.now() >= p.at) {
      rec.pending = undefined;
      this.setState(rec, p.state, p.failureReason);
    }
    return rec;
  }

  private setState(rec: AssetRecord, state: WireDataAsset["state"], reason?: string): void {
    const w = rec.wire;
    w.state = state;
    delete w.files;
    delete w.size;
    delete w.failure_reason;
    if (state === "ready") {
      w.files = rec.readyFiles;
      w.size = rec.readySize;
    } else if (state === "failed") {
      w.failure_reason = reason ?? "data asset creation failed";
    }
  }

  private record(id: string): AssetRecord | undefined {
    const rec = this.assets.get(id);
    return rec && this.settle(rec);
  }

  /**
   * The record as the API may see it: none while a fresh asset is still invisible. The real
   * service has been seen answering 404 for a moment after accepting a create (codeocean-api.md,
   * Readiness), and a client cannot tell that 404 from a deleted asset's, so neither can this.
   */
  private apiRecord(id: string): AssetRecord | undefined {
    const rec = this.record(id);
    return rec && (rec.visibleAt === undefined || this.now() >= rec.visibleAt) ? rec : undefined;
  }

  private mustRecord(id: string): AssetRecord {
    const rec = this.apiRecord(id);
    if (!rec) throw notFound(`data asset ${id} not found`);
    return rec;
  }

  /** Applies to assets created from now on. */
  setNotFoundAfterCreateMs(ms: number): void {
    this.notFoundAfterCreateMs = ms;
  }

  create(input: CreateInput): WireDataAsset {
    const now = this.now();
    const id = randomUUID();
    const src = input.source;
    let sourceBucket: WireDataAsset["source_bucket"];
    let readyFiles: number;
    let readySize: number;
    let provenance: WireDataAsset["provenance"];
    let type: WireDataAsset["type"] = "dataset";
    const extra: Partial<WireDataAsset> = {};
    if (src.kind === "computation") {
      const c = src.computation;
      sourceBucket = src.target
        ? externalBucket(src.target)
        : { origin: "local", bucket: "", prefix: "", external: false };
      readyFiles = c.files;
      readySize = c.size;
      type = "result";
      provenance = runProvenance(c, "code/run", []);
    } else if (src.kind === "cloud_workstation") {
      // Captured into Code Ocean from the session's disk, like a run's results.
      sourceBucket = { origin: "local", bucket: "", prefix: "", external: false };
      const key = `${src.session.id}:${src.path}`;
      readyFiles = 1 + (hashInt(key, "files") % 500);
      readySize = readyFiles * (1024 + (hashInt(key, "size") % 1_048_576));
      if (src.runScript !== undefined) {
        type = "result";
        // The session's inputs are what is attached to its capsule right now.
        const inputs = [...this.attachmentsByKey.values()]
          .filter((a) => a.targetKind === "capsule" && a.targetId === src.session.capsuleId)
          .map((a) => a.assetId);
        provenance = runProvenance(src.session, src.runScript, inputs);
      }
    } else if (src.kind === "combined") {
      // The components' files stay where they are, so the combination is external too. The
      // docs do not say what source_bucket a combined asset has; the emulator reports the
      // components' common origin with no bucket or prefix of its own.
      const origins = [...new Set(src.components.map((c) => c.source_bucket.origin))];
      sourceBucket = {
        origin: origins.length === 1 ? origins[0] : "aws",
        bucket: "",
        prefix: "",
        external: true,
      };
      type = "combined";
      // A snapshot taken at creation: later renames or deletions of a component do not
      // change the combined asset's listing.
      extra.contained_data_assets = src.components.map((c) => ({
        id: c.id,
        mount: c.mount,
        size: c.size ?? 0,
      }));
      readyFiles = src.components.reduce((n, c) => n + (c.files ?? 0), 0);
      readySize = src.components.reduce((n, c) => n + (c.size ?? 0), 0);
    } else {
      sourceBucket = {
        origin: src.kind,
        bucket: src.bucket,
        prefix: src.prefix,
        external: src.kind === "aws" ? src.external : false,
        ...(src.kind === "aws" && src.endpointName !== undefined
          ? { endpoint_name: src.endpointName }
          : {}),
      };
      // Deterministic per bucket+prefix so repeated runs see identical sizes.
      const key = `${src.kind}:${src.bucket}/${src.prefix}`;
      readyFiles = 1 + (hashInt(key, "files") % 5000);
      readySize = readyFiles * (1024 + (hashInt(key, "size") % 1_048_576));
      const info = input.resultsInfo;
      if (info) {
        type = "result";
        provenance = {
          ...(info.capsuleId !== undefined ? { capsule: info.capsuleId } : {}),
          ...(info.pipelineId !== undefined ? { pipeline: info.pipelineId } : {}),
          ...(info.version !== undefined ? { version: info.version } : {}),
          ...(info.commit !== undefined ? { commit: info.commit } : {}),
          ...(info.runScript !== undefined ? { run_script: info.runScript } : {}),
          data_assets: [...info.dataAssets],
          ...(info.processes !== undefined ? { processes: structuredClone(info.processes) } : {}),
        };
        // The object's own app_parameters and nextflow_profile fields carry what the run used;
        // an unnamed parameter is shown under its param_name, or "" when it has neither.
        if (info.parameters !== undefined) {
          extra.app_parameters = info.parameters.map((p) => ({
            name: p.name ?? p.param_name ?? "",
            value: p.value,
          }));
        }
        if (info.nextflowProfile !== undefined) extra.nextflow_profile = info.nextflowProfile;
      }
    }
    const wire: WireDataAsset = {
      id,
      created: Math.floor(now / 1000),
      name: input.name,
      mount: input.mount,
      description: input.description,
      tags: input.tags,
      custom_metadata: input.customMetadata,
      last_used: 0,
      owner: EMULATOR_USER.id,
      owner_email: EMULATOR_USER.email,
      state: "draft",
      type,
      source_bucket: sourceBucket,
      ...extra,
    };
    if (provenance) wire.provenance = provenance;
    const rec: AssetRecord = { seq: ++this.seq, wire, archived: false, readyFiles, readySize };
    if (this.notFoundAfterCreateMs > 0) rec.visibleAt = now + this.notFoundAfterCreateMs;
    const outcome = this.takeOutcome(input.name) ?? { kind: "ready" };
    if (outcome.kind === "ready") {
      rec.pending = { at: now + (outcome.afterMs ?? this.opts.readyAfterMs), state: "ready" };
    } else if (outcome.kind === "fail") {
      rec.pending = {
        at: now + (outcome.afterMs ?? this.opts.readyAfterMs),
        state: "failed",
        failureReason: outcome.reason,
      };
    } else if (outcome.kind === "state") {
      rec.pending = { at: now + (outcome.afterMs ?? this.opts.readyAfterMs), state: outcome.state };
    }
    this.assets.set(id, rec);
    this.changed();
    // The create response always shows the draft, even for afterMs: 0.
    return structuredClone(wire);
  }

  get(id: string): WireDataAsset {
    return structuredClone(this.mustRecord(id).wire);
  }

  update(id: string, input: UpdateInput): WireDataAsset {
    const rec = this.mustRecord(id);
    const w = rec.wire;
    if (input.name !== undefined) w.name = input.name;
    if (input.description !== undefined) w.description = input.description;
    if (input.tags !== undefined) w.tags = input.tags;
    if (input.mount !== undefined) w.mount = input.mount;
    if (input.customMetadata !== undefined) w.custom_metadata = input.customMetadata;
    this.changed();
    return structuredClone(w);
  }

  setArchived(id: string, archived: boolean): void {
    const rec = this.mustRecord(id);
    if (rec.archived !== archived) {
      rec.archived = archived;
      this.changed();
    }
  }

  delete(id: string): void {
    const rec = this.mustRecord(id);
    // The user guide: only the owner may delete (the 403 is the doc's assumption).
    if (rec.wire.owner !== EMULATOR_USER.id) {
      throw new ApiError(
        403,
        `data asset ${id} belongs to ${rec.wire.owner_email || rec.wire.owner}: only its owner can delete it`,
      );
    }
    if (!rec.archived) {
      throw new ApiError(403, `data asset ${id} must be archived before it can be deleted`);
    }
    this.removeAsset(id);
  }

  /**
   * Moves the files to `target` (admins only in Code Ocean; the emulator's token counts as an
   * admin's). Done at once: the asset becomes external in that bucket, keeps its provenance and
   * records when. An asset a release pipeline uses moves only with `force` (the SDK's
   * transfer_data_asset: "use force=True when transferring data assets used by release
   * pipelines"); the 400 otherwise is the emulator's choice.
   */
  transfer(id: string, input: TransferInput): void {
    const rec = this.mustRecord(id);
    const w = rec.wire;
    if (w.state !== "ready") {
      throw new ApiError(
        400,
        `data asset ${id} is not ready (${notReadyDetail(w)}); only a ready data asset can be transferred`,
        { state: w.state },
      );
    }
    if (w.type === "combined") {
      throw badRequest(
        "target",
        `cannot move data asset ${id}: a combined data asset's files belong to its components; transfer those instead`,
      );
    }
    const releases = [...this.attachmentsByKey.values()]
      .filter((a) => a.assetId === id && a.targetKind === "pipeline")
      .map((a) => this.targets.pipeline.get(a.targetId))
      .filter((p): p is WireTarget => p?.status === "release")
      .map((p) => p.id);
    if (releases.length > 0 && !input.force) {
      throw new ApiError(
        400,
        `data asset ${id} is used by release pipeline(s) ${releases.join(", ")}; send force: true to transfer it anyway`,
        { field: "force", pipelines: releases },
      );
    }
    w.source_bucket = externalBucket(input.target);
    w.last_transferred = Math.floor(this.now() / 1000);
    delete w.transfer_error;
    this.changed();
  }

  // ---- permissions ----------------------------------------------------------------------

  private permissionsView(rec: AssetRecord): EmulatorPermissions {
    const p = rec.permissions;
    const ownerEmail = rec.wire.owner_email.toLowerCase();
    const others = (p?.users ?? []).filter((u) => u.email.toLowerCase() !== ownerEmail);
    const out: EmulatorPermissions = {
      users: [{ email: rec.wire.owner_email, role: "owner" }, ...others.map((u) => ({ ...u }))],
      groups: (p?.groups ?? []).map((g) => ({ ...g })),
      everyone: p?.everyone ?? DEFAULT_EVERYONE,
    };
    if (p?.shareAssets !== undefined) out.share_assets = p.shareAssets;
    return out;
  }

  getPermissions(id: string): WirePermissions {
    const { users, groups, everyone } = this.permissionsView(this.mustRecord(id));
    return { users, groups, everyone } as WirePermissions;
  }

  /**
   * Replaces the parts of the asset's sharing the POST gave. Only a ready asset takes
   * permissions: the docs leave it open whether a draft does, and the doc's assumption is that
   * clients set them after waiting for `ready` (as AIND's pipeline monitor does), so a draft —
   * or a failed asset, which never becomes ready — answers 400 and a client that skips the
   * wait finds out.
   * Archived assets accept permissions like any other ready asset.
   */
  setPermissions(id: string, input: PermissionsInput): void {
    const rec = this.mustRecord(id);
    const ownerEmail = rec.wire.owner_email.toLowerCase();
    for (const [i, u] of (input.users ?? []).entries()) {
      if (u.email.toLowerCase() === ownerEmail && u.role !== "owner") {
        throw badRequest(
          `users[${i}].role`,
          `cannot change the role of ${u.email}, the data asset's owner (must be "owner")`,
        );
      }
    }
    if (rec.wire.state !== "ready") {
      throw new ApiError(
        400,
        `data asset ${id} is not ready (${notReadyDetail(rec.wire)}); permissions can be set once it is ready`,
        { state: rec.wire.state },
      );
    }
    const current = rec.permissions;
    rec.permissions = {
      users: input.users
        ? input.users.filter((u) => u.email.toLowerCase() !== ownerEmail)
        : (current?.users ?? []),
      groups: input.groups ?? current?.groups ?? [],
      everyone: input.everyone,
      ...(input.shareAssets !== undefined ? { shareAssets: input.shareAssets } : {}),
    };
    this.changed();
  }

  search(params: SearchParams): SearchResult {
    const items = [...this.assets.values()].map((r) => {
      const { users, groups, everyone } = this.permissionsView(this.settle(r));
      return {
        wire: r.wire,
        archived: r.archived,
        favorite: r.favorite === true,
        // The owner is always listed; anyone else, any group or everyone makes it shared.
        shared: users.length > 1 || groups.length > 0 || everyone !== "none",
        seq: r.seq,
      };
    });
    return structuredClone(runSearch(items, params));
  }

  searchTargets(kind: TargetKind, params: TargetSearchParams): SearchPage<WireTarget> {
    const attached = new Map<string, Set<string>>();
    for (const a of this.attachmentsByKey.values()) {
      if (a.targetKind !== kind) continue;
      const ids = attached.get(a.targetId) ?? new Set<string>();
      ids.add(a.assetId.toLowerCase());
      attached.set(a.targetId, ids);
    }
    const items = [...this.targets[kind].values()].map((wire, seq) => ({
      wire,
      attached: attached.get(wire.id) ?? new Set<string>(),
      seq,
    }));
    return structuredClone(runTargetSearch(items, params));
  }

  // ---- capsules, pipelines, attachments -------------------------------------------------

  getTarget(kind: TargetKind, id: string): WireTarget {
    const t = this.targets[kind].get(id);
    if (!t) throw notFound(`${kind} ${id} not found`);
    return { ...t };
  }

  private attachKey(kind: TargetKind, targetId: string, assetId: string): string {
    return `${kind}/${targetId}/${assetId}`;
  }

  private attachResult(a: AttachmentRecord): AttachResult {
    const ready = this.now() >= a.readyAt;
    const asset = this.assets.get(a.assetId);
    return {
      id: a.assetId,
      mount: a.mount,
      ready,
      external: asset?.wire.source_bucket.external ?? false,
      job_id: a.jobId,
      mount_state: ready ? "mounted" : "mounting",
    };
  }

  /**
   * The running Cloud Workstation session of a capsule, if any. While one runs, Code Ocean's
   * MCP server tells clients to attach and detach through the session instead; what the
   * capsule's own route does meanwhile is undocumented, and the emulator refuses it so that a
   * client finds out.
   */
  private runningWorkstation(kind: TargetKind, targetId: string): SeedComputation | undefined {
    if (kind !== "capsule") return undefined;
    return [...this.computations.values()].find(
      (c) => c.capsuleId === targetId && c.cloudWorkstation && c.running !== false,
    );
  }

  private refuseWhileWorkstationRuns(kind: TargetKind, targetId: string): void {
    const ws = this.runningWorkstation(kind, targetId);
    if (!ws) return;
    throw new ApiError(
      400,
      `capsule ${targetId} has a running Cloud Workstation session (computation ${ws.id}): ` +
        `attach and detach its data assets through the session, /computations/${ws.id}/data_assets, while it runs`,
      { computation: ws.id },
    );
  }

  /** The capsule of a running session, for its attach routes; 404/400 otherwise. */
  private sessionCapsule(computationId: string): string {
    const c = this.computations.get(computationId);
    if (!c) throw notFound(`computation ${computationId} not found`);
    const capsuleRoute = `/capsules/${c.capsuleId}/data_assets`;
    if (!c.cloudWorkstation) {
      throw new ApiError(
        400,
        `computation ${computationId} is not a Cloud Workstation session; attach to its capsule instead: ${capsuleRoute}`,
        { capsule: c.capsuleId },
      );
    }
    if (c.running === false) {
      throw new ApiError(
        400,
        `Cloud Workstation session ${computationId} is not running; attach to its capsule instead: ${capsuleRoute}`,
        { capsule: c.capsuleId },
      );
    }
    this.getTarget("capsule", c.capsuleId);
    return c.capsuleId;
  }

  attach(kind: TargetKind, targetId: string, entries: AttachInput[]): AttachResult[] {
    this.getTarget(kind, targetId);
    this.refuseWhileWorkstationRuns(kind, targetId);
    return this.attachTo(kind, targetId, entries);
  }

  /** `POST /computations/{id}/data_assets`: recorded against the session's capsule. */
  attachThroughSession(computationId: string, entries: AttachInput[]): AttachResult[] {
    return this.attachTo("capsule", this.sessionCapsule(computationId), entries);
  }

  detach(kind: TargetKind, targetId: string, assetIds: string[]): void {
    this.getTarget(kind, targetId);
    this.refuseWhileWorkstationRuns(kind, targetId);
    this.detachFrom(kind, targetId, assetIds);
  }

  detachThroughSession(computationId: string, assetIds: string[]): void {
    this.detachFrom("capsule", this.sessionCapsule(computationId), assetIds);
  }

  /** Checks the session exists before the body, as the capsule routes do. */
  checkSession(computationId: string): void {
    this.sessionCapsule(computationId);
  }

  private attachTo(kind: TargetKind, targetId: string, entries: AttachInput[]): AttachResult[] {
    const unknown = [...new Set(entries.filter((e) => !this.apiRecord(e.id)).map((e) => e.id))];
    if (unknown.length > 0) {
      throw notFound(`data asset(s) not found: ${unknown.join(", ")}`, { data_assets: unknown });
    }
    // Validate the whole request before changing anything, so a 400 attaches nothing.
    const planned = new Map<string, string>();
    const mountOwner = new Map<string, string>();
    for (const a of this.attachmentsByKey.values()) {
      if (a.targetKind === kind && a.targetId === targetId) mountOwner.set(a.mount, a.assetId);
    }
    for (const [i, e] of entries.entries()) {
      const rec = this.mustRecord(e.id);
      if (rec.wire.state !== "ready") {
        throw badRequest(
          `[${i}].id`,
          `data asset ${e.id} is not ready (${notReadyDetail(rec.wire)}) and cannot be attached`,
        );
      }
      const mount = e.mount ?? rec.wire.mount;
      const existing = this.attachmentsByKey.get(this.attachKey(kind, targetId, e.id));
      const current = existing?.mount ?? planned.get(e.id);
      if (current !== undefined && current !== mount) {
        throw badRequest(
          `[${i}].mount`,
          `data asset ${e.id} is already attached to ${kind} ${targetId} with mount "${current}"`,
        );
      }
      const other = mountOwner.get(mount);
      if (other !== undefined && other !== e.id) {
        throw new ApiError(
          400,
          `[${i}].mount conflict: mount "${mount}" on ${kind} ${targetId} is already used by data asset ${other}`,
          { field: `[${i}].mount`, mount, data_asset: other },
        );
      }
      planned.set(e.id, mount);
      mountOwner.set(mount, e.id);
    }
    let mutated = false;
    for (const [assetId, mount] of planned) {
      const key = this.attachKey(kind, targetId, assetId);
      if (this.attachmentsByKey.has(key)) continue;
      this.attachmentsByKey.set(key, {
        targetKind: kind,
        targetId,
        assetId,
        mount,
        readyAt: this.now() + this.opts.attachReadyAfterMs,
        jobId: randomUUID(),
      });
      mutated = true;
    }
    if (mutated) this.changed();
    return entries.map((e) =>
      this.attachResult(this.attachmentsByKey.get(this.attachKey(kind, targetId, e.id))!),
    );
  }

  private detachFrom(kind: TargetKind, targetId: string, assetIds: string[]): void {
    let mutated = false;
    for (const id of assetIds) {
      mutated = this.attachmentsByKey.delete(this.attachKey(kind, targetId, id)) || mutated;
    }
    if (mutated) this.changed();
  }

  // ---- admin ----------------------------------------------------------------------------

  private adminView(rec: AssetRecord): EmulatorAsset {
    return {
      ...structuredClone(this.settle(rec).wire),
      archived: rec.archived,
      favorite: rec.favorite === true,
    };
  }

  listAssets(): EmulatorAsset[] {
    return [...this.assets.values()].map((r) => this.adminView(r));
  }

  findAsset(id: string): EmulatorAsset | undefined {
    const rec = this.assets.get(id);
    return rec && this.adminView(rec);
  }

  adminUpdate(id: string, patch: AssetPatch): void {
    const rec = this.record(id);
    if (!rec) throw new Error(`unknown data asset ${id}`);
    const w = rec.wire;
    if (patch.name !== undefined) w.name = patch.name;
    if (patch.description !== undefined) w.description = patch.description;
    if (patch.tags !== undefined) w.tags = [...patch.tags];
    if (patch.mount !== undefined) w.mount = patch.mount;
    if (patch.custom_metadata !== undefined) w.custom_metadata = { ...patch.custom_metadata };
    if (patch.archived !== undefined) rec.archived = patch.archived;
    if (patch.favorite !== undefined) rec.favorite = patch.favorite;
    if (patch.owner !== undefined) w.owner = patch.owner;
    if (patch.owner_email !== undefined) w.owner_email = patch.owner_email;
    if (patch.transfer_error === null || patch.transfer_error === "") delete w.transfer_error;
    else if (patch.transfer_error !== undefined) w.transfer_error = patch.transfer_error;
    if (patch.state !== undefined) {
      // An explicit state wins over whatever transition was scheduled at creation.
      rec.pending = undefined;
      this.setState(rec, patch.state, patch.failure_reason ?? w.failure_reason);
    } else if (patch.failure_reason !== undefined) {
      w.failure_reason = patch.failure_reason;
    }
    this.changed();
  }

  adminPermissions(id: string): EmulatorPermissions | undefined {
    const rec = this.record(id);
    return rec && this.permissionsView(rec);
  }

  adminSetPermissions(id: string, patch: PermissionsPatch): void {
    const rec = this.record(id);
    if (!rec) throw new Error(`unknown data asset ${id}`);
    const current = rec.permissions;
    const ownerEmail = rec.wire.owner_email.toLowerCase();
    rec.permissions = {
      users: (patch.users ?? current?.users ?? [])
        .filter((u) => u.email.toLowerCase() !== ownerEmail)
        .map((u) => ({ email: u.email, role: u.role })),
      groups: (patch.groups ?? current?.groups ?? []).map((g) => ({
        group: g.group,
        role: g.role,
      })),
      everyone: patch.everyone ?? current?.everyone ?? DEFAULT_EVERYONE,
      ...(current?.shareAssets !== undefined ? { shareAssets: current.shareAssets } : {}),
    };
    this.changed();
  }

  removeAsset(id: string): void {
    if (!this.assets.delete(id)) return;
    for (const [key, a] of this.attachmentsByKey) {
      if (a.assetId === id) this.attachmentsByKey.delete(key);
    }
    this.changed();
  }

  removeTarget(kind: TargetKind, id: string): void {
    if (!this.targets[kind].delete(id)) return;
    for (const [key, a] of this.attachmentsByKey) {
      if (a.targetKind === kind && a.targetId === id) this.attachmentsByKey.delete(key);
    }
    this.changed();
  }

  listTargets(kind: TargetKind): WireTarget[] {
    return [...this.targets[kind].values()].map((t) => ({ ...t }));
  }

  setWorkstationRunning(id: string, running: boolean): void {
    const c = this.computations.get(id);
    if (!c) throw new Error(`unknown computation ${id}`);
    if (!c.cloudWorkstation)
      throw new Error(`computation ${id} is not a Cloud Workstation session`);
    c.running = running;
    this.changed();
  }

  listComputations(): SeedComputation[] {
    return structuredClone([...this.computations.values()]);
  }

  listAttachments(): AttachmentInfo[] {
    return [...this.attachmentsByKey.values()].map((a) => {
      const r = this.attachResult(a);
      return {
        targetKind: a.targetKind,
        targetId: a.targetId,
        assetId: a.assetId,
        mount: a.mount,
        ready: r.ready,
        external: r.external,
      };
    });
  }

  // ---- persistence ----------------------------------------------------------------------

  snapshot(): Snapshot {
    return {
      version: 1,
      seq: this.seq,
      assets: [...this.assets.values()],
      attachments: [...this.attachmentsByKey.values()],
      capsules: this.listTargets("capsule"),
      pipelines: this.listTargets("pipeline"),
      computations: [...this.computations.values()],
      customMetadata: this.customMetadata,
    };
  }

  restore(raw: unknown): void {
    const s = raw as Snapshot;
    if (!s || s.version !== 1 || !Array.isArray(s.assets)) {
      throw new Error("data file is not an emulator snapshot (version 1)");
    }
    this.seq = s.seq;
    this.assets = new Map(s.assets.map((a) => [a.wire.id, a]));
    this.attachmentsByKey = new Map(
      s.attachments.map((a) => [this.attachKey(a.targetKind, a.targetId, a.assetId), a]),
    );
    this.targets.capsule = new Map(s.capsules.map((t) => [t.id, t]));
    this.targets.pipeline = new Map(s.pipelines.map((t) => [t.id, t]));
    this.computations = new Map(s.computations.map((c) => [c.id, c]));
    this.customMetadata = s.customMetadata;
  }
}

/**
 * Writes the state to `file` atomically (temp file + rename) shortly after each change;
 * the debounce coalesces bursts of mutations, and flush() makes stop() lose nothing.
 */
export class Persistence {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => unknown,
    private readonly debounceMs = 20,
  ) {}

  load(): unknown | undefined {
    if (!fs.existsSync(this.file)) return undefined;
    const text = fs.readFileSync(this.file, "utf8");
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`cannot parse emulator data file ${this.file}: ${(e as Error).message}`);
    }
  }

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
    // A pending write must not keep a test process alive; stop() flushes explicitly.
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.snapshot()));
    fs.renameSync(tmp, this.file);
  }
}
