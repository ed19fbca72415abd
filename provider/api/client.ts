import { NotFoundError } from "./errors";
import { apiBaseUrl } from "./endpoint";
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
  customMetadataSchemaFromWire,
  dataAssetFromWire,
  permissionsFromWire,
} from "./schemas";
import { Throttle, ThrottleOptions } from "./throttle";
import { Transport, TransportStats } from "./transport";

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
}

/** Where an attachment goes: capsules and pipelines share one API shape. */
export type TargetKind = "capsule" | "pipeline";
const targetPath = (kind: TargetKind, id: string) =>
  `/${kind === "capsule" ? "capsules" : "pipelines"}/${encodeURIComponent(id)}`;

const assetPath = (id: string) => `/data_assets/${encodeURIComponent(id)}`;

/**
 * The search query that finds assets named `name`. Quotes make it an exact phrase; a name
 * that itself holds a quote cannot be quoted, so its part before the first quote is searched
 * and callers compare the full name on the results.
 */
export function nameQuery(name: string): string {
  return name.includes('"') ? `name:${name.split('"')[0]}` : `name:"${name}"`;
}

export interface ComputeTarget {
  id: string;
  name: string;
  slug: string;
}

/** Typed calls to the Code Ocean REST API v1. */
export class CodeOceanClient {
  readonly baseUrl: string;
  /** The request budget this client spends (shared with other clients only when passed in). */
  readonly throttle: Throttle;
  private readonly transport: Transport;

  constructor(settings: ClientSettings, throttle?: Throttle) {
    registerSecret(settings.token);
    this.baseUrl = apiBaseUrl(settings.domain, settings.allowInsecureHttp);
    this.throttle = throttle ?? new Throttle(settings.throttle);
    this.transport = new Transport({
      baseUrl: this.baseUrl,
      token: settings.token,
      timeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      retry: { ...DEFAULT_RETRY_POLICY, ...settings.retry },
      throttle: this.throttle,
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

  /** `getDataAsset`, with 404 as `undefined`. */
  async findDataAsset(id: string): Promise<DataAsset | undefined> {
    try {
      return await this.getDataAsset(id);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
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

  /** Every matching asset, following `next_token` page by page. */
  async *searchDataAssets(params: SearchParams = {}): AsyncGenerator<DataAsset> {
    let nextToken: string | undefined;
    for (;;) {
      const page = await this.transport.request({
        method: "POST",
        path: "/data_assets/search",
        body: searchToWire(params, nextToken),
        kind: "idempotent",
        schema: SearchPageWire,
      });
      for (const w of page.results ?? []) yield dataAssetFromWire(w);
      if (!page.has_more || !page.next_token) return;
      nextToken = page.next_token;
    }
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

  /** GET /capsules/{id} or /pipelines/{id}; `undefined` when it does not exist. */
  async findComputeTarget(kind: TargetKind, id: string): Promise<ComputeTarget | undefined> {
    try {
      const w = await this.transport.request({
        method: "GET",
        path: targetPath(kind, id),
        kind: "idempotent",
        schema: ComputeTargetWire,
      });
      return { id: w.id, name: w.name ?? "", slug: w.slug ?? "" };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
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
