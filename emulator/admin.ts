import { FAULT_RULE, RATE_LIMIT, type FaultInjector, type RateLimiter } from "./faults";
import type { Journal } from "./journal";
import { ApiError, json, NO_CONTENT, type Reply } from "./reply";
import {
  AdminInputError,
  anyValue,
  arrayOf,
  body,
  boolean,
  nullable,
  number,
  object,
  oneOf,
  optional,
  recordOf,
  string,
  stringOrNumber,
  tagged,
  type Body,
} from "./shapes";
import type { EmulatorState } from "./state";
import type {
  AssetPatch,
  ImportedAsset,
  EmulatorAdmin,
  FaultRule,
  OutcomeRule,
  PermissionsPatch,
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
  /** The Code Ocean release the emulator claims to be; Min-Server-Version is checked against it. */
  serverVersion: string;
}

// ---- the bodies the admin accepts ---------------------------------------------------------

const afterMs = optional(number({ min: 0 }));

export const OUTCOME_RULE = body<OutcomeRule>(
  "outcome rule",
  object({
    match: object({ name: optional(string), namePrefix: optional(string) }),
    outcome: tagged("kind", {
      ready: { afterMs },
      fail: { reason: string, afterMs },
      draft: {},
      state: { state: string, afterMs },
    }),
    times: optional(number({ min: 1, int: true })),
  }),
);

const seedTarget = object({
  id: string,
  name: string,
  slug: optional(string),
  status: optional(oneOf(["release", "non_release"])),
});

export const SEED = body<Partial<SeedData>>(
  "seed",
  object({
    capsules: optional(arrayOf(seedTarget)),
    pipelines: optional(arrayOf(seedTarget)),
    computations: optional(
      arrayOf(
        object({
          id: string,
          capsuleId: string,
          name: optional(string),
          files: number({ min: 0, int: true }),
          size: number({ min: 0, int: true }),
          paths: optional(arrayOf(string)),
          cloudWorkstation: optional(boolean),
          running: optional(boolean),
        }),
      ),
    ),
    customMetadata: optional(
      object({
        fields: arrayOf(
          object({
            name: string,
            type: oneOf(["string", "number", "date"]),
            range: optional(nullable(object({ min: optional(number()), max: optional(number()) }))),
            allowed_values: optional(nullable(arrayOf(stringOrNumber))),
            multiple: optional(boolean),
            units: optional(string),
            category: optional(string),
            required: optional(boolean),
          }),
        ),
        categories: arrayOf(object({ id: string, name: string })),
      }),
    ),
  }),
);

export const ASSET_PATCH = body<AssetPatch>(
  "data asset patch",
  object({
    name: optional(string),
    description: optional(string),
    tags: optional(arrayOf(string)),
    mount: optional(string),
    // Out of band on purpose: values are not checked against the custom metadata schema.
    custom_metadata: optional(recordOf(anyValue)),
    state: optional(string),
    failure_reason: optional(string),
    archived: optional(boolean),
    favorite: optional(boolean),
    owner: optional(string),
    owner_email: optional(string),
    transfer_error: optional(nullable(string)),
  }),
);

const IMPORTED_ASSETS = body<ImportedAsset[]>(
  "imported assets",
  arrayOf(
    object({
      name: string,
      mount: optional(string),
      tags: optional(arrayOf(string)),
      custom_metadata: optional(recordOf(anyValue)),
      archived: optional(boolean),
      owner: optional(string),
      owner_email: optional(string),
    }),
  ),
);

export const PERMISSIONS_PATCH = body<PermissionsPatch>(
  "permissions patch",
  object({
    users: optional(arrayOf(object({ email: string, role: string }))),
    groups: optional(arrayOf(object({ group: string, role: string }))),
    everyone: optional(string),
  }),
);

const FAULT_RULES = body<FaultRule[]>("fault rules", arrayOf(FAULT_RULE.shape));

const WORKSTATION = body<{ running: boolean }>("workstation", object({ running: boolean }));

const NOT_FOUND_MS = body<number>("notFoundAfterCreateMs", number({ min: 0 }));
const NOT_FOUND_WINDOW = body<{ ms: number }>(
  "not-found-after-create",
  object({ ms: NOT_FOUND_MS.shape }),
);

export function createAdmin(d: AdminDeps): EmulatorAdmin {
  return {
    reset() {
      d.state.reset(d.baseSeed());
      d.journal.clear(true);
      d.faults.clear();
      d.faults.reseed();
      d.rateLimiter.set(null);
    },
    seed: (data) => d.state.applySeed(SEED.parse(data)),
    addOutcome: (rule) => d.state.addOutcome(OUTCOME_RULE.parse(rule)),
    clearOutcomes: () => d.state.clearOutcomes(),
    setFaults: (rules) => d.faults.set(FAULT_RULES.parse(rules)),
    addFault: (rule) => d.faults.add(rule),
    clearFaults: () => d.faults.clear(),
    setRateLimit: (limit) => d.rateLimiter.set(limit),
    journal: () => d.journal.list(),
    counts: () => d.journal.counts(),
    clearJournal: () => d.journal.clear(),
    assets: () => d.state.listAssets(),
    asset: (id) => d.state.findAsset(id),
    updateAsset: (id, patch) => d.state.adminUpdate(id, ASSET_PATCH.parse(patch)),
    importAssets: (assets) =>
      IMPORTED_ASSETS.parse(assets).map((a) => {
        const { id } = d.state.create({
          name: a.name,
          mount: a.mount ?? a.name.replace(/[^A-Za-z0-9._-]/g, "_"),
          description: "",
          tags: a.tags ?? [],
          customMetadata: {},
          source: { kind: "aws", bucket: "emulator-imported", prefix: "", external: false },
        });
        d.state.adminUpdate(id, {
          state: "ready",
          archived: a.archived,
          owner: a.owner,
          owner_email: a.owner_email,
          custom_metadata: a.custom_metadata,
        });
        return id;
      }),
    removeAsset: (id) => d.state.removeAsset(id),
    permissions: (id) => d.state.adminPermissions(id),
    setPermissions: (id, patch) => d.state.adminSetPermissions(id, PERMISSIONS_PATCH.parse(patch)),
    removeCapsule: (id) => d.state.removeTarget("capsule", id),
    removePipeline: (id) => d.state.removeTarget("pipeline", id),
    attachments: () => d.state.listAttachments(),
    setNotFoundAfterCreateMs: (ms) => d.state.setNotFoundAfterCreateMs(NOT_FOUND_MS.parse(ms)),
    setWorkstationRunning: (id, running) =>
      d.state.setWorkstationRunning(id, WORKSTATION.parse({ running }).running),
  };
}

// ---- the HTTP face under /__emulator/ -------------------------------------------------------

export const ADMIN_PREFIX = "/__emulator";

interface AdminContext {
  admin: EmulatorAdmin;
  deps: AdminDeps;
  /** The `:id` path segment, decoded; "" on routes without one. */
  id: string;
  body: unknown;
}

interface AdminRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Below /__emulator; `:id` stands for one path segment. */
  path: string;
  /** What the request body must be; routes without one take no body. */
  body?: Body<unknown>;
  description: string;
  run(ctx: AdminContext): Reply;
}

function existingAsset(ctx: AdminContext): void {
  if (!ctx.admin.asset(ctx.id)) throw new ApiError(404, `data asset ${ctx.id} not found`);
}

/** The admin routes, in the order the index and the README list them. */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  {
    method: "GET",
    path: "/",
    description: "This index: every admin route with its body shape.",
    run: ({ deps }) => json({ serverVersion: deps.serverVersion, ...adminIndex() }),
  },
  {
    method: "GET",
    path: "/health",
    description: "Liveness probe; answers {ok: true}.",
    run: () => json({ ok: true }),
  },
  {
    method: "POST",
    path: "/reset",
    description:
      "Clears assets, attachments, journal, faults, outcomes and rate limit; restores the seed.",
    run: ({ admin }) => {
      admin.reset();
      return NO_CONTENT;
    },
  },
  {
    method: "POST",
    path: "/seed",
    body: SEED,
    description:
      "Adds or replaces capsules, pipelines and computations by id; replaces customMetadata when given.",
    run: ({ admin, body }) => {
      admin.seed(body as Partial<SeedData>);
      return NO_CONTENT;
    },
  },
  {
    method: "POST",
    path: "/outcomes",
    body: OUTCOME_RULE,
    description: "Adds a rule deciding how matching new data assets end (first match wins).",
    run: ({ admin, body }) => {
      admin.addOutcome(body as OutcomeRule);
      return NO_CONTENT;
    },
  },
  {
    method: "DELETE",
    path: "/outcomes",
    description: "Removes every outcome rule.",
    run: ({ admin }) => {
      admin.clearOutcomes();
      return NO_CONTENT;
    },
  },
  {
    method: "GET",
    path: "/faults",
    description: "The fault rules in force.",
    run: ({ deps }) => json(deps.faults.list()),
  },
  {
    method: "PUT",
    path: "/faults",
    body: FAULT_RULES,
    description: "Replaces every fault rule.",
    run: ({ admin, body }) => {
      admin.setFaults(body as FaultRule[]);
      return NO_CONTENT;
    },
  },
  {
    method: "POST",
    path: "/faults",
    body: FAULT_RULE,
    description: "Adds one fault rule after the others.",
    run: ({ admin, body }) => {
      admin.addFault(body as FaultRule);
      return NO_CONTENT;
    },
  },
  {
    method: "DELETE",
    path: "/faults",
    description: "Removes every fault rule.",
    run: ({ admin }) => {
      admin.clearFaults();
      return NO_CONTENT;
    },
  },
  {
    method: "PUT",
    path: "/rate-limit",
    body: RATE_LIMIT,
    description: "Sets the token-bucket rate limit of the API; null (or no body) removes it.",
    run: ({ admin, body }) => {
      admin.setRateLimit(body as Parameters<EmulatorAdmin["setRateLimit"]>[0]);
      return NO_CONTENT;
    },
  },
  {
    method: "PUT",
    path: "/not-found-after-create",
    body: NOT_FOUND_WINDOW,
    description:
      "For ms after each later create, the API answers 404 for the new id as for an unknown one (0 = off); reset restores the option.",
    run: ({ admin, body }) => {
      admin.setNotFoundAfterCreateMs((body as { ms: number }).ms);
      return NO_CONTENT;
    },
  },
  {
    method: "GET",
    path: "/journal",
    description:
      "Every API request so far ({entries, counts}); admin requests are never journaled.",
    run: ({ admin }) => json({ entries: admin.journal(), counts: admin.counts() }),
  },
  {
    method: "DELETE",
    path: "/journal",
    description: "Clears the journal and the counts.",
    run: ({ admin }) => {
      admin.clearJournal();
      return NO_CONTENT;
    },
  },
  {
    method: "GET",
    path: "/state",
    description: "Assets (with archived), attachments, capsules, pipelines and computations.",
    run: ({ admin, deps }) =>
      json({
        assets: admin.assets(),
        attachments: admin.attachments(),
        capsules: deps.state.listTargets("capsule"),
        pipelines: deps.state.listTargets("pipeline"),
        computations: deps.state.listComputations(),
      }),
  },
  {
    method: "POST",
    path: "/data_assets",
    body: IMPORTED_ASSETS,
    description:
      "Makes many ready datasets at once, out of band (another team's estate for a benchmark); answers their ids.",
    run: ({ admin, body }) => json({ ids: admin.importAssets(body as ImportedAsset[]) }),
  },
  {
    method: "GET",
    path: "/data_assets/:id",
    description:
      "One data asset as the API shows it, plus archived and favorite, even while the API still answers 404 for it.",
    run: (ctx) => {
      existingAsset(ctx);
      return json(ctx.admin.asset(ctx.id));
    },
  },
  {
    method: "PATCH",
    path: "/data_assets/:id",
    body: ASSET_PATCH,
    description: "Changes a data asset out of band (no journal, no API rules); answers the asset.",
    run: (ctx) => {
      existingAsset(ctx);
      ctx.admin.updateAsset(ctx.id, ctx.body as AssetPatch);
      return json(ctx.admin.asset(ctx.id));
    },
  },
  {
    method: "DELETE",
    path: "/data_assets/:id",
    description: "Deletes a data asset out of band, archived or not, with its attachments.",
    run: ({ admin, id }) => {
      admin.removeAsset(id);
      return NO_CONTENT;
    },
  },
  {
    method: "GET",
    path: "/data_assets/:id/permissions",
    description: "A data asset's sharing as GET shows it, plus the last share_assets sent.",
    run: (ctx) => {
      existingAsset(ctx);
      return json(ctx.admin.permissions(ctx.id));
    },
  },
  {
    method: "PATCH",
    path: "/data_assets/:id/permissions",
    body: PERMISSIONS_PATCH,
    description:
      "Changes a data asset's sharing out of band; each given key replaces that part. Roles are not checked.",
    run: (ctx) => {
      existingAsset(ctx);
      ctx.admin.setPermissions(ctx.id, ctx.body as PermissionsPatch);
      return json(ctx.admin.permissions(ctx.id));
    },
  },
  {
    method: "PUT",
    path: "/computations/:id/running",
    body: WORKSTATION,
    description:
      "Starts or stops a Cloud Workstation session; while it runs, its capsule's attach routes send clients to the session's.",
    run: ({ admin, deps, id, body }) => {
      if (!deps.state.listComputations().some((c) => c.id === id)) {
        throw new ApiError(404, `computation ${id} not found`);
      }
      admin.setWorkstationRunning(id, (body as { running: boolean }).running);
      return NO_CONTENT;
    },
  },
  {
    method: "DELETE",
    path: "/capsules/:id",
    description: "Deletes a capsule out of band, with its attachments.",
    run: ({ admin, id }) => {
      admin.removeCapsule(id);
      return NO_CONTENT;
    },
  },
  {
    method: "DELETE",
    path: "/pipelines/:id",
    description: "Deletes a pipeline out of band, with its attachments.",
    run: ({ admin, id }) => {
      admin.removePipeline(id);
      return NO_CONTENT;
    },
  },
];

/** What GET /__emulator/ answers: every route with its method, full path and body shape. */
export function adminIndex() {
  return {
    routes: ADMIN_ROUTES.map((r) => ({
      method: r.method,
      path: `${ADMIN_PREFIX}${r.path}`,
      body: r.body?.shape.type ?? null,
      description: r.description,
    })),
  };
}

/** The admin routes as the README's Markdown table (a test keeps the README equal to it). */
export function adminRoutesMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = adminIndex().routes.map(
    (r) =>
      `| \`${r.method} ${r.path}\` | ${r.body === null ? "—" : `\`${cell(r.body)}\``} | ${cell(r.description)} |`,
  );
  return ["| Route | Body | What it does |", "|---|---|---|", ...rows].join("\n");
}

const COMPILED = ADMIN_ROUTES.map((r) => ({
  route: r,
  pattern: new RegExp(`^${r.path.replace(/:id/g, "([^/]+)")}$`),
}));

function takesNoBody(value: unknown): boolean {
  return value === undefined || (isObject(value) && Object.keys(value).length === 0);
}

/**
 * The HTTP face of EmulatorAdmin under /__emulator/, for tests and tools that run the
 * emulator out of process. `rel` is the path below /__emulator without trailing slashes.
 */
export function handleAdminRequest(
  admin: EmulatorAdmin,
  deps: AdminDeps,
  method: string,
  rel: string,
  raw: unknown,
): Reply {
  const path = rel === "" ? "/" : rel;
  const found = COMPILED.map(({ route, pattern }) => ({ route, m: pattern.exec(path) })).filter(
    (x) => x.m !== null,
  );
  const hit = found.find((x) => x.route.method === method);
  if (!hit) {
    const allowed = found.map((x) => x.route.method);
    const here = allowed.length > 0 ? ` (this path takes ${allowed.join(", ")})` : "";
    throw new ApiError(
      404,
      `no emulator admin route ${method} ${ADMIN_PREFIX}${rel}${here}; GET ${ADMIN_PREFIX}/ lists every admin route`,
      { index: `${ADMIN_PREFIX}/` },
    );
  }
  const { route, m } = hit;
  try {
    let id = "";
    try {
      id = m![1] === undefined ? "" : decodeURIComponent(m![1]);
    } catch {
      throw new AdminInputError(`the id in ${ADMIN_PREFIX}${rel} is not validly percent-encoded`);
    }
    // A rate limit of "no body" means none, as null does.
    const value = route.body === RATE_LIMIT && raw === undefined ? null : raw;
    if (route.body) route.body.parse(value);
    else if (!takesNoBody(value)) {
      throw new AdminInputError(`${method} ${ADMIN_PREFIX}${route.path} takes no body`);
    }
    return route.run({ admin, deps, id, body: value });
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (e instanceof AdminInputError) {
      throw new ApiError(400, e.message, e.field === undefined ? {} : { field: e.field });
    }
    throw new ApiError(400, (e as Error).message);
  }
}
