import { randomUUID } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { ADMIN_PREFIX, createAdmin, handleAdminRequest, SEED, type AdminDeps } from "./admin";
import { matchApiRoute } from "./api";
import { FaultInjector, RateLimiter } from "./faults";
import { Journal } from "./journal";
import { ApiError, errorReply, type Reply } from "./reply";
import { DEFAULT_EMULATOR_TOKEN, defaultSeed, mergeSeed } from "./seed";
import { hostilePage, type SearchPage } from "./search";
import { checkMinServerVersion, DEFAULT_SERVER_VERSION, parseVersion } from "./serverVersion";
import { EmulatorState, Persistence } from "./state";
import type { EmulatorOptions, FaultRule, JournalEntry, RunningEmulator } from "./types";
import { stripNulls } from "./validate";

const API_PREFIX = "/api/v1";
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const STATUS_MESSAGES: Record<number, string> = {
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

function htmlPage(status: number): string {
  const title = `${status} ${http.STATUS_CODES[status] ?? "Error"}`;
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  );
}

async function readRaw(req: http.IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    // Keep draining an oversized body so the connection stays usable for the 413.
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(buf);
  }
  return { text: Buffer.concat(chunks).toString("utf8"), tooLarge };
}

function parseJson(raw: { text: string; tooLarge: boolean }): unknown {
  if (raw.tooLarge) throw new ApiError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
  if (raw.text.trim() === "") return undefined;
  try {
    return JSON.parse(raw.text);
  } catch (e) {
    throw new ApiError(400, `request body is not valid JSON: ${(e as Error).message}`);
  }
}

function send(res: http.ServerResponse, reply: Reply, requestId?: string): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (requestId) headers["X-Request-Id"] = requestId;
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  headers["Content-Type"] ??= "application/json; charset=utf-8";
  headers["Content-Length"] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h.join(", ") : h;
}

function retryAfterHeader(seconds: number | null | undefined): Record<string, string> {
  return seconds === null || seconds === undefined ? {} : { "Retry-After": String(seconds) };
}

function beforeFaultReply(rule: FaultRule): Reply {
  if (rule.kind === "html") {
    const status = rule.status ?? 502;
    return {
      status,
      body: htmlPage(status),
      headers: { "Content-Type": "text/html", ...retryAfterHeader(rule.retryAfterSeconds) },
    };
  }
  const status = rule.status ?? 500;
  return {
    status,
    body: { message: rule.message ?? STATUS_MESSAGES[status] ?? http.STATUS_CODES[status] ?? "" },
    headers: retryAfterHeader(rule.retryAfterSeconds),
  };
}

function malformedBody(reply: Reply): string {
  // Cut a real response in half so the client sees plausible but unparseable JSON.
  const full = reply.body === undefined ? '{"message": "' : JSON.stringify(reply.body);
  return full.slice(0, Math.max(1, Math.floor(full.length / 2)));
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const tokens = new Set(opts.tokens ?? [DEFAULT_EMULATOR_TOKEN]);
  const serverVersion = opts.serverVersion ?? DEFAULT_SERVER_VERSION;
  if (!parseVersion(serverVersion)) {
    throw new Error(
      `serverVersion must be MAJOR.MINOR.PATCH, got ${JSON.stringify(serverVersion)}`,
    );
  }
  // Checked as strictly as admin.seed(), so a misspelt key fails at start, not in a test.
  if (opts.seed !== undefined) SEED.parse(opts.seed);
  const baseSeed = () => mergeSeed(defaultSeed(), opts.seed);
  let persistence: Persistence | undefined;
  const state = new EmulatorState(
    {
      readyAfterMs: opts.readyAfterMs ?? 300,
      attachReadyAfterMs: opts.attachReadyAfterMs ?? 200,
      notFoundAfterCreateMs: opts.notFoundAfterCreateMs ?? 0,
      onChange: () => persistence?.schedule(),
    },
    baseSeed(),
  );
  if (opts.dataFile) {
    persistence = new Persistence(opts.dataFile, () => state.snapshot());
    const loaded = persistence.load();
    if (loaded !== undefined) state.restore(loaded);
    else persistence.schedule();
  }
  const faults = new FaultInjector(opts.faultSeed ?? 1);
  faults.set(opts.faults ?? []);
  const rateLimiter = new RateLimiter(opts.rateLimit ?? null);
  const journal = new Journal();
  const deps: AdminDeps = { state, faults, rateLimiter, journal, baseSeed, serverVersion };
  const admin = createAdmin(deps);

  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function authenticate(header: string | undefined): Reply | undefined {
    const deny = (message: string): Reply => ({
      status: 401,
      body: { message },
      headers: { "WWW-Authenticate": 'Basic realm="Code Ocean"' },
    });
    const hint = "use HTTP Basic auth with the API token as the username and an empty password";
    if (!header) return deny(`missing credentials: ${hint}`);
    const m = /^Basic\s+(\S+)\s*$/i.exec(header);
    if (!m) return deny(`unsupported authorization scheme: ${hint}`);
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    if (!tokens.has(user)) return deny("invalid API token");
    return undefined;
  }

  async function handleAdmin(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    rel: string,
  ): Promise<void> {
    let reply: Reply;
    try {
      reply = handleAdminRequest(admin, deps, method, rel, parseJson(await readRaw(req)));
    } catch (e) {
      reply = errorReply(e);
    }
    send(res, reply);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const pathname = url.pathname;
    if (pathname === ADMIN_PREFIX || pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      const rel = pathname.slice(ADMIN_PREFIX.length).replace(/\/+$/, "");
      return handleAdmin(req, res, method, rel);
    }

    const apiRel =
      pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)
        ? pathname.slice(API_PREFIX.length) || "/"
        : undefined;
    const match = apiRel === undefined ? undefined : matchApiRoute(method, apiRel);
    const route = match?.key ?? `${method} ${apiRel ?? pathname}`;
    const requestId = randomUUID();
    const entry: JournalEntry = journal.start({
      time: Date.now(),
      method,
      path: pathname,
      route,
      requestId,
      ...(match?.params.id && route.includes("/data_assets/:id")
        ? { assetId: match.params.id }
        : {}),
    });
    const started = performance.now();
    const log = (status: number) => {
      entry.status = status;
      if (!opts.log) return;
      const ms = Math.round(performance.now() - started);
      const tags = [entry.fault, entry.rateLimited ? "rate-limited" : undefined].filter(Boolean);
      const suffix = tags.length ? ` [${tags.join(", ")}]` : "";
      opts.log(`${method} ${pathname}${url.search} -> ${status || "no response"} ${ms}ms${suffix}`);
    };
    const respond = (reply: Reply) => {
      log(reply.status);
      send(res, reply, requestId);
    };

    if (apiRel === undefined) {
      // Drain so the connection can be reused for the next request.
      await readRaw(req);
      return respond({ status: 404, body: { message: `not found: ${method} ${pathname}` } });
    }

    const limit = rateLimiter.take();
    if (!limit.ok) {
      entry.rateLimited = true;
      await readRaw(req);
      return respond({
        status: 429,
        body: { message: "Too many requests" },
        headers: retryAfterHeader(limit.retryAfterSeconds),
      });
    }

    const fault = faults.pick(route);
    if (fault) entry.fault = fault.kind;
    switch (fault?.kind) {
      case "status":
      case "html":
        await readRaw(req);
        return respond(beforeFaultReply(fault));
      case "reset-before":
        log(0);
        req.socket.destroy();
        return;
      case "hang-before":
        // Left open on purpose: only the client giving up or stop() ends it.
        log(0);
        return;
      case "latency":
        await delay(fault.latencyMs ?? 1000);
        if (stopped) return;
        break;
    }

    let reply: Reply;
    let body: unknown;
    try {
      const raw = await readRaw(req);
      reply = authenticate(req.headers.authorization) ?? {
        status: 404,
        body: { message: `not found: ${method} ${pathname}` },
      };
      if (reply.status !== 401) {
        // Any route, known or not: an old server cannot tell which routes it lacks.
        checkMinServerVersion(headerValue(req.headers["min-server-version"]), serverVersion);
      }
      if (reply.status !== 401 && match) {
        body = stripNulls(parseJson(raw));
        reply = match.handler({ state, params: match.params, query: url.searchParams, body });
      }
    } catch (e) {
      reply = errorReply(e);
    }
    if (route === "POST /data_assets" && reply.status === 200) {
      entry.assetId = (reply.body as { id: string }).id;
    }

    switch (fault?.kind) {
      case "reset-after":
        log(0);
        req.socket.destroy();
        return;
      case "hang-after":
        log(0);
        return;
      case "malformed":
        return respond({
          status: 200,
          body: malformedBody(reply),
          headers: { "Content-Type": "application/json; charset=utf-8" },
        });
      case "page-repeat-token":
      case "page-empty":
        if (reply.status === 200) {
          const page = reply.body as SearchPage<unknown>;
          return respond({ ...reply, body: hostilePage(fault.kind, page, body, randomUUID()) });
        }
        break;
    }
    respond(reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, errorReply(e));
    });
  });

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const url = `http://${urlHost.includes(":") ? `[${urlHost}]` : urlHost}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung requests (hang-before/after) and idle keep-alive sockets would otherwise
        // hold close() open forever.
        server.closeAllConnections();
      });
      persistence?.flush();
    })();
    return stopping;
  };

  return { url, port, stop, admin };
}
