import { NotFoundError, ResponseValidationError } from "./errors";
import { apiBaseUrl } from "./endpoint";
import { MAX_PAGES, Page, pages, pagesFor } from "./pager";
import { registerSecret } from "./redact";
import { DEFAULT_RETRY_POLICY, RetryPolicy } from "./retry";
import {
  CreateDataAssetParams,
  PermissionsParams,
  SearchParams,
  UpdateDataAssetParams,
  createDataAssetToWire,
  permissionsToWire,
  searchToWire,
  updateDataAssetToWire,
} from "./requests";
import {
  AttachResult,
  AttachResultsWire,
  ComputeTargetWire,
  CustomMetadataField,
  CustomMetadataSchemaWire,
  DataAsset,
  DataAssetWire,
  Permissions,
  PermissionsWire,
  SearchPageWire,
  attachResultFromWire,
  describeAsset,
  customMetadataSchemaFromWire,
  dataAssetFromWire,
  permissionsFromWire,
} from "./schemas";
import { describeSearch, SearchOptions } from "./search";
import { Throttle, ThrottleOptions } from "./throttle";
import { Transport, TransportStats, describeZodError } from "./transport";

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface ClientSettings {
  /** `acme.codeocean.com`, `https://acme.codeocean.com/` or a full API URL. */
  domain: string;
  token: string;
  /** Default DEFAULT_REQUEST_TIMEOUT_MS (30 s). */
  requestTimeoutMs?: number;
  allowInsecureHttp?: boolean;
  throttle?: Partial<ThrottleOptions>;
  retry?: Partial<RetryPolicy>;
  /** Stops backoff waits and reads in flight (the engine's Cancel: see TransportOptions). */
  cancelled?: AbortSignal;
}

/** Where an attachment goes: capsules and pipelines share one API shape. */
export type TargetKind = "capsule" | "pipeline";
const targetPath = (kind: TargetKind, id: string) =>
  `/${kind === "capsule" ? "capsules" : "pipelines"}/${encodeURIComponent(id)}`;

const assetPath = (id: string) => `/data_assets/${encodeURIComponent(id)}`;

export interface ComputeTarget {
  id: string;
  name: string;
  slug: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Typed calls to the Code Ocean REST API v1. */
export class CodeOceanClient {
  readonly baseUrl: string;
  /** The request budget this client spends (shared with other clients only when passed in). */
  readonly throttle: Throttle;
  private readonly transport: Transport;

  private readonly retry: RetryPolicy;

  constructor(settings: ClientSettings, throttle?: Throttle) {
    registerSecret(settings.token);
    this.baseUrl = apiBaseUrl(settings.domain, settings.allowInsecureHttp);
    this.throttle = throttle ?? new Throttle(settings.throttle);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...settings.retry };
    this.transport = new Transport({
      baseUrl: this.baseUrl,
      token: settings.token,
      timeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      retry: this.retry,
      throttle: this.throttle,
      cancelled: settings.cancelled,
    });
  }

  async createDataAsset(params: CreateDataAssetParams): Promise<DataAsset> {
    const wire = await this.transport.request({
      method: "POST",
      path: "/data_assets",
      body: createDataAssetToWire(params),
      kind: "create",
      schema: DataAssetWire,
    });
    return dataAssetFromWire(wire);
  }

  async getDataAsset(id: string): Promise<DataAsset> {
    const wire = await this.transport.request({
      method: "GET",
      path: assetPath(id),
      kind: "idempotent",
      schema: DataAssetWire,
    });
    return dataAssetFromWire(wire);
  }

  /**
   * `getDataAsset`, with a 404 as `undefined` only once confirmed: Code Ocean has been seen
   * to answer 404 for a while right after a create (shared/codeocean-api.md, Readiness), so
   * one 404 is no proof that an asset is gone. `confirm: false` takes the first answer (a
   * lookup that merely fails, nothing concluded from it).
   */
  async findDataAsset(
    id: string,
    opts: { confirm?: boolean } = {},
  ): Promise<DataAsset | undefined> {
    return this.confirmedAbsent(() => this.getDataAsset(id), opts.confirm ?? true);
  }

  /** The value, or undefined when every look (the first, then one after each of the policy's waits) answers 404. */
  private async confirmedAbsent<T>(
    get: () => Promise<T>,
    confirm: boolean,
  ): Promise<T | undefined> {
    const waits = confirm ? this.retry.notFoundConfirmDelaysMs : [];
    for (let look = 0; ; look++) {
      try {
        return await get();
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        if (look >= waits.length) return undefined;
      }
      await sleep(waits[look] * this.retry.delayScale);
    }
  }

  /** Metadata update: name, description, tags and mount always; custom metadata when given. */
  async updateDataAsset(id: string, params: Partial<UpdateDataAssetParams>): Promise<DataAsset> {
    const wire = await this.transport.request({
      method: "PUT",
      path: assetPath(id),
      body: updateDataAssetToWire(params),
      kind: "idempotent",
      schema: DataAssetWire,
    });
    return dataAssetFromWire(wire);
  }

  /** Who may see and change the asset (the owner is listed too). */
  async getPermissions(id: string): Promise<Permissions> {
    const wire = await this.transport.request({
      method: "GET",
      path: `${assetPath(id)}/permissions`,
      kind: "idempotent",
      schema: PermissionsWire,
    });
    return permissionsFromWire(wire);
  }

  /** Replaces the asset's whole sharing (it sets values: idempotent). */
  async setPermissions(id: string, params: PermissionsParams): Promise<void> {
    await this.transport.request({
      method: "POST",
      path: `${assetPath(id)}/permissions`,
      body: permissionsToWire(params),
      kind: "idempotent",
    });
  }

  async archiveDataAsset(id: string): Promise<void> {
    await this.setArchived(id, true);
  }

  async unarchiveDataAsset(id: string): Promise<void> {
    await this.setArchived(id, false);
  }

  private async setArchived(id: string, archive: boolean): Promise<void> {
    await this.transport.request({
      method: "PATCH",
      path: `${assetPath(id)}/archive`,
      query: { archive: String(archive) },
      kind: "idempotent",
    });
  }

  /** Permanent deletion; Code Ocean requires the asset to be archived first. */
  async deleteDataAsset(id: string): Promise<void> {
    await this.transport.request({ method: "DELETE", path: assetPath(id), kind: "idempotent" });
  }

  /** Every matching asset, page by page (see pager.ts for how a search is made to end). */
  async *searchDataAssets(
    params: SearchParams = {},
    opts: SearchOptions = {},
  ): AsyncGenerator<DataAsset> {
    const pageSize = params.limit ?? 100;
    const what = `search for data assets (${describeSearch(params)})`;
    const path = "/data_assets/search";
    for await (const item of pages(
      (token) => this.searchPage(path, searchToWire(params, token)),
      what,
      pagesFor(opts.wanted, pageSize),
    )) {
      const parsed = DataAssetWire.safeParse(item);
      if (parsed.success) {
        yield dataAssetFromWire(parsed.data);
        continue;
      }
      const unreadable = { id: describeAsset(item), detail: describeZodError(parsed.error) };
      if (!opts.onUnreadable) {
        throw new ResponseValidationError(
          { method: "POST", path },
          `result ${unreadable.id ?? "(without an id)"} of the ${what}: ${unreadable.detail}`,
        );
      }
      opts.onUnreadable(unreadable);
    }
  }

  /**
   * The capsules (or pipelines) a search finds, page by page. With a data asset's id as the
   * query, Code Ocean lists those that have the asset attached — the only way to read
   * attachments back (shared/codeocean-api.md, Reading attachments back): it sees only what
   * the token may see, gives no mount, and is a search, not a relationship API.
   */
  async *searchComputeTargets(
    kind: TargetKind,
    query: string,
    opts: { archived?: boolean } = {},
  ): AsyncGenerator<ComputeTarget> {
    const path = `/${kind === "capsule" ? "capsules" : "pipelines"}/search`;
    const what = `search for ${kind}s (query ${JSON.stringify(query)})`;
    for await (const item of pages(
      (token) =>
        this.searchPage(path, {
          query,
          limit: 1000,
          ...(opts.archived !== undefined && { archived: opts.archived }),
          ...(token && { next_token: token }),
        }),
      what,
      MAX_PAGES,
    )) {
      const parsed = ComputeTargetWire.safeParse(item);
      // A result that is not a capsule this provider can read cannot be one it attached to.
      if (parsed.success)
        yield { id: parsed.data.id, name: parsed.data.name ?? "", slug: parsed.data.slug ?? "" };
    }
  }

  private searchPage(path: string, body: Record<string, unknown>): Promise<Page> {
    return this.transport.request({
      method: "POST",
      path,
      body,
      kind: "idempotent",
      schema: SearchPageWire,
    });
  }

  async getCustomMetadataSchema(): Promise<CustomMetadataField[]> {
    const wire = await this.transport.request({
      method: "GET",
      path: "/custom_metadata",
      kind: "idempotent",
      schema: CustomMetadataSchemaWire,
    });
    return customMetadataSchemaFromWire(wire);
  }

  /** GET /capsules/{id} or /pipelines/{id}; `undefined` when a 404 is confirmed (as for assets). */
  async findComputeTarget(kind: TargetKind, id: string): Promise<ComputeTarget | undefined> {
    return this.confirmedAbsent(async () => {
      const w = await this.transport.request({
        method: "GET",
        path: targetPath(kind, id),
        kind: "idempotent",
        schema: ComputeTargetWire,
      });
      return { id: w.id, name: w.name ?? "", slug: w.slug ?? "" };
    }, true);
  }

  /**
   * Attaches assets to a capsule or pipeline. Re-posting an asset already attached at the
   * same mount returns its current entry, which is how callers learn that `ready` turned
   * true — so this call is idempotent and retried like a read.
   */
  async attachDataAssets(
    kind: TargetKind,
    targetId: string,
    assets: { id: string; mount?: string }[],
  ): Promise<AttachResult[]> {
    const wire = await this.transport.request({
      method: "POST",
      path: `${targetPath(kind, targetId)}/data_assets`,
      body: assets.map((a) => (a.mount ? { id: a.id, mount: a.mount } : { id: a.id })),
      kind: "idempotent",
      schema: AttachResultsWire,
    });
    return wire.map(attachResultFromWire);
  }

  async detachDataAssets(kind: TargetKind, targetId: string, assetIds: string[]): Promise<void> {
    await this.transport.request({
      method: "DELETE",
      path: `${targetPath(kind, targetId)}/data_assets`,
      body: assetIds,
      kind: "idempotent",
    });
  }

  /** Requests, retries and 429s so far (benchmarks, the soak run). */
  get stats(): Readonly<TransportStats> {
    return this.transport.stats;
  }

  close(): void {
    this.transport.close();
  }
}
