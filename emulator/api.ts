import { ApiError, json, NO_CONTENT, type Reply } from "./reply";
import { parseSearch } from "./search";
import type { EmulatorState, TargetKind } from "./state";
import { parseTargetSearch } from "./targetSearch";
import {
  validateAttach,
  validateCreate,
  validateDetach,
  validatePermissions,
  validateTransfer,
  validateUpdate,
} from "./validate";

export interface ApiContext {
  state: EmulatorState;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON with null-valued keys already removed; undefined when there was no body. */
  body: unknown;
}

type Handler = (ctx: ApiContext) => Reply;

interface Route {
  method: string;
  pattern: RegExp;
  /** The route key used by fault rules and journal counts. */
  key: string;
  handler: Handler;
}

export interface RouteMatch {
  key: string;
  params: Record<string, string>;
  handler: Handler;
}

function parseBool(value: string | null, name: string): boolean {
  // The Python SDK sends "True"/"False".
  const v = value?.toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new ApiError(400, `${name} query parameter must be true or false`, { field: name });
}

function targetRoutes(kind: TargetKind): Route[] {
  const plural = `${kind}s`;
  return [
    {
      method: "POST",
      pattern: new RegExp(`^/${plural}/search$`),
      key: `POST /${plural}/search`,
      handler: ({ state, body }) => json(state.searchTargets(kind, parseTargetSearch(body))),
    },
    {
      method: "GET",
      pattern: new RegExp(`^/${plural}/([^/]+)$`),
      key: `GET /${plural}/:id`,
      handler: ({ state, params }) => json(state.getTarget(kind, params.id)),
    },
    {
      method: "POST",
      pattern: new RegExp(`^/${plural}/([^/]+)/data_assets$`),
      key: `POST /${plural}/:id/data_assets`,
      handler: ({ state, params, body }) => {
        // Existence of the target is checked first so a bad body on a gone capsule is a 404.
        state.getTarget(kind, params.id);
        return json(state.attach(kind, params.id, validateAttach(body)));
      },
    },
    {
      method: "DELETE",
      pattern: new RegExp(`^/${plural}/([^/]+)/data_assets$`),
      key: `DELETE /${plural}/:id/data_assets`,
      handler: ({ state, params, body }) => {
        state.getTarget(kind, params.id);
        state.detach(kind, params.id, validateDetach(body));
        return NO_CONTENT;
      },
    },
  ];
}

const ROUTES: Route[] = [
  {
    method: "POST",
    pattern: /^\/data_assets$/,
    key: "POST /data_assets",
    handler: ({ state, body }) =>
      json(state.create(validateCreate(body, state.validationContext()))),
  },
  {
    method: "POST",
    pattern: /^\/data_assets\/search$/,
    key: "POST /data_assets/search",
    handler: ({ state, body }) => json(state.search(parseSearch(body))),
  },
  {
    method: "GET",
    pattern: /^\/data_assets\/([^/]+)$/,
    key: "GET /data_assets/:id",
    handler: ({ state, params }) => json(state.get(params.id)),
  },
  {
    method: "PUT",
    pattern: /^\/data_assets\/([^/]+)$/,
    key: "PUT /data_assets/:id",
    handler: ({ state, params, body }) => {
      // 404 before 400: an update of a vanished asset should say it is gone.
      state.get(params.id);
      return json(state.update(params.id, validateUpdate(body, state.validationContext())));
    },
  },
  {
    method: "PATCH",
    pattern: /^\/data_assets\/([^/]+)\/archive$/,
    key: "PATCH /data_assets/:id/archive",
    handler: ({ state, params, query }) => {
      state.get(params.id);
      state.setArchived(params.id, parseBool(query.get("archive"), "archive"));
      return NO_CONTENT;
    },
  },
  {
    method: "DELETE",
    pattern: /^\/data_assets\/([^/]+)$/,
    key: "DELETE /data_assets/:id",
    handler: ({ state, params }) => {
      state.delete(params.id);
      return NO_CONTENT;
    },
  },
  {
    method: "POST",
    pattern: /^\/data_assets\/([^/]+)\/transfer$/,
    key: "POST /data_assets/:id/transfer",
    handler: ({ state, params, body }) => {
      state.get(params.id);
      state.transfer(params.id, validateTransfer(body));
      // The SDK ignores the answer; nothing in the docs says there is one.
      return NO_CONTENT;
    },
  },
  {
    method: "GET",
    pattern: /^\/data_assets\/([^/]+)\/permissions$/,
    key: "GET /data_assets/:id/permissions",
    handler: ({ state, params }) => json(state.getPermissions(params.id)),
  },
  {
    method: "POST",
    pattern: /^\/data_assets\/([^/]+)\/permissions$/,
    key: "POST /data_assets/:id/permissions",
    handler: ({ state, params, body }) => {
      state.get(params.id);
      state.setPermissions(params.id, validatePermissions(body));
      // The SDK ignores the response; an empty success like archive's is the least to promise.
      return NO_CONTENT;
    },
  },
  {
    method: "GET",
    pattern: /^\/custom_metadata$/,
    key: "GET /custom_metadata",
    handler: ({ state }) => json(state.getCustomMetadata()),
  },
  ...targetRoutes("capsule"),
  ...targetRoutes("pipeline"),
  {
    method: "POST",
    pattern: /^\/computations\/([^/]+)\/data_assets$/,
    key: "POST /computations/:id/data_assets",
    handler: ({ state, params, body }) => {
      state.checkSession(params.id);
      return json(state.attachThroughSession(params.id, validateAttach(body)));
    },
  },
  {
    method: "DELETE",
    pattern: /^\/computations\/([^/]+)\/data_assets$/,
    key: "DELETE /computations/:id/data_assets",
    handler: ({ state, params, body }) => {
      state.checkSession(params.id);
      state.detachThroughSession(params.id, validateDetach(body));
      return NO_CONTENT;
    },
  },
];

/** Every API route key, as fault rules, the journal and counts() name routes. */
export const API_ROUTE_KEYS: readonly string[] = ROUTES.map((r) => r.key);

/** `rel` is the path below /api/v1, e.g. "/data_assets/abc"; trailing slashes are ignored. */
export function matchApiRoute(method: string, rel: string): RouteMatch | undefined {
  const path = rel.replace(/\/+$/, "") || "/";
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    let id: string | undefined;
    try {
      id = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    } catch {
      return undefined;
    }
    return { key: r.key, params: id === undefined ? {} : { id }, handler: r.handler };
  }
  return undefined;
}
