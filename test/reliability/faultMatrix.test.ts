/**
 * Fault matrix: every API call the provider makes × every fault the emulator can inject.
 * Each cell runs the provider operation that makes the call (methods called directly, as
 * the dynamic-provider host would, configured from the environment), with the fault firing
 * a bounded number of times, and asserts:
 * - the documented outcome (provider/api/retry.ts): success after a retry, success through
 *   reconciliation (an ambiguous create), success because the body is ignored, or a failure
 *   whose message quotes the status and the server's message (or the reconciliation verdict);
 * - that the faulted request was retried exactly when it may be, after the backoff or the
 *   server's Retry-After, and that a create POST is never re-sent after it may have been
 *   processed;
 * - the invariant: every asset in the emulator is in the returned outputs, in a partial
 *   failure's properties, already in the state, or archived; no resource has two assets;
 *   every attachment is known;
 * - that what Pulumi does next (the next `up` retrying a failed step) converges.
 */
import type { FaultRule, JournalEntry } from "../../emulator";
import { capsuleAttachmentProvider as ca, dataAssetProvider as da } from "../helpers/runtime";
import { PartialFailure } from "../../provider/resources/partialFailure";
import { SEED_IDS, configureProviderEnv, useEmulator } from "../helpers/emulator";
import {
  PROVIDER,
  Props,
  declaredAsset,
  freshProviderState,
  hasUndefined,
  invariantViolations,
  textTable,
} from "./helpers";

jest.setTimeout(60_000);

const emu = useEmulator({ readyAfterMs: 30, attachReadyAfterMs: 30 });
const admin = () => emu.current.admin;
/** Generous for a loaded machine; timeout cells lower it to TIMEOUT_SECONDS. */
const REQUEST_TIMEOUT_SECONDS = "15";
const TIMEOUT_SECONDS = 0.5;
/**
 * The suite runs on a compressed clock (codeocean:retryDelayScale): every backoff and
 * Retry-After wait is this fraction of the real one, and the gaps asserted below scale with it.
 */
const CLOCK = 0.1;
let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = configureProviderEnv(emu.current, {
    CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.05",
    CODEOCEAN_REQUEST_TIMEOUT_SECONDS: REQUEST_TIMEOUT_SECONDS,
    CODEOCEAN_MAX_CONCURRENT_REQUESTS: "32",
    CODEOCEAN_RETRY_DELAY_SCALE: String(CLOCK),
  });
});
afterAll(() => restoreEnv());
beforeEach(() => {
  admin().reset();
  freshProviderState();
});

// ---------------------------------------------------------------------------------------
// The axes

const CALLS = {
  "create POST": { route: "POST /data_assets", op: "DataAsset.create", schema: true },
  "readiness GET": { route: "GET /data_assets/:id", op: "DataAsset.create (wait)", schema: true },
  PUT: { route: "PUT /data_assets/:id", op: "DataAsset.update", schema: true },
  archive: { route: "PATCH /data_assets/:id/archive", op: "DataAsset.delete", schema: false },
  unarchive: {
    route: "PATCH /data_assets/:id/archive",
    op: "DataAsset.update (archived)",
    schema: false,
  },
  delete: { route: "DELETE /data_assets/:id", op: "DataAsset.delete (delete)", schema: false },
  attach: { route: "POST /capsules/:id/data_assets", op: "CapsuleAttachment.create", schema: true },
  detach: {
    route: "DELETE /capsules/:id/data_assets",
    op: "CapsuleAttachment.delete",
    schema: false,
  },
  "capsule search": {
    route: "POST /capsules/search",
    op: "CapsuleAttachment.read",
    schema: true,
  },
  "share POST": {
    route: "POST /data_assets/:id/permissions",
    op: "DataAsset.create (permissions)",
    schema: false,
  },
  "share GET": {
    route: "GET /data_assets/:id/permissions",
    op: "DataAsset.read (permissions)",
    schema: true,
  },
  "archive after ready": {
    route: "PATCH /data_assets/:id/archive",
    op: "DataAsset.create (archived)",
    schema: false,
  },
} as const;
type CallName = keyof typeof CALLS;

interface FaultSpec {
  rule: Omit<FaultRule, "route" | "times">;
  /** What the error must quote when the call fails. */
  quote: RegExp;
}

/** Status faults carry a distinctive server message, so "quotes the message" is checkable. */
const serverMessage = (status: number) => `injected ${status} from the fault matrix`;
const statusFault = (status: number, retryAfterSeconds?: number): FaultSpec => ({
  rule: {
    kind: "status",
    status,
    message: serverMessage(status),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  },
  quote: new RegExp(`HTTP ${status}: ${serverMessage(status)}`),
});

/** Ordered: these are the matrix's columns. */
const FAULT_LIST = [
  ["429 Retry-After", statusFault(429, 1)],
  ["429 no RA", statusFault(429)],
  ["HTTP 500", statusFault(500)],
  ["HTTP 502", statusFault(502)],
  ["HTTP 503", statusFault(503)],
  ["HTTP 504", statusFault(504)],
  ["reset-before", { rule: { kind: "reset-before" }, quote: /ECONNRESET|socket hang up/ }],
  ["reset-after", { rule: { kind: "reset-after" }, quote: /ECONNRESET|socket hang up/ }],
  [
    "timeout",
    {
      rule: { kind: "hang-after" },
      quote: new RegExp(`no response within ${TIMEOUT_SECONDS * 1000} ms`),
    },
  ],
  ["malformed", { rule: { kind: "malformed" }, quote: /cannot read: the body is not JSON/ }],
  [
    "html",
    {
      rule: { kind: "html", status: 502 },
      quote: /HTTP 502: Bad Gateway \(non-JSON body: 502 Bad Gateway/,
    },
  ],
] as const satisfies readonly (readonly [string, FaultSpec])[];
const FAULTS = Object.fromEntries(FAULT_LIST) as Record<FaultName, FaultSpec>;
type FaultName = (typeof FAULT_LIST)[number][0];

/**
 * The documented outcome (provider/api/retry.ts, resources/dataAssetProvider.ts):
 * - retried: the call is sent again after a backoff (or Retry-After) and the operation succeeds;
 * - reconciled: an ambiguous create is not re-sent; a search finds the asset and takes it over;
 * - ignored: the call's body is never read (archive, delete, detach), so a broken body is harmless;
 * - fails: the error reaches Pulumi (for a create: with the reconciliation verdict).
 */
type Outcome = "retried" | "reconciled" | "ignored" | "fails";

function documentedOutcome(call: CallName, fault: FaultName): Outcome {
  if (call === "create POST") {
    if (fault === "429 Retry-After" || fault === "429 no RA" || fault === "HTTP 503")
      return "retried";
    if (fault === "reset-after" || fault === "timeout" || fault === "malformed")
      return "reconciled";
    return "fails";
  }
  if (fault === "HTTP 500") return "fails";
  if (fault === "malformed") return CALLS[call].schema ? "fails" : "ignored";
  return "retried";
}

// ---------------------------------------------------------------------------------------
// Scenarios: the operation that makes each call, what success means, what the next `up` does

interface Known {
  assets: Set<string>;
  attachments: Set<string>;
}

interface Scenario {
  run(): Promise<unknown>;
  /** Extra checks on a successful result. */
  succeeded(result: unknown): void;
  /** What Pulumi does after the failure: retry the step on the next `up`. */
  nextUp(error: unknown): Promise<void>;
  /** The converged state, after success or after the next `up`. */
  converged(): void;
}

async function checkedAsset(name: string, overrides: Props = {}, olds: Props = {}) {
  const r = await da.check(olds, declaredAsset(name, overrides));
  expect(r.failures).toEqual([]);
  return r.inputs;
}

async function liveAsset(name: string, known: Known, overrides: Props = {}) {
  const inputs = await checkedAsset(name, overrides);
  const { id, outs } = await da.create(inputs);
  known.assets.add(id);
  return { id, outs: { ...outs, __provider: PROVIDER }, inputs };
}

async function attachment(name: string, known: Known) {
  const asset = await liveAsset(name, known);
  const r = await ca.check(
    {},
    { __provider: PROVIDER, capsuleId: SEED_IDS.capsule, dataAssetId: asset.id, mount: "att" },
  );
  expect(r.failures).toEqual([]);
  return { asset, inputs: r.inputs };
}

/** Declared sharing (as outputs store it, defaults filled). */
const SHARING = {
  users: [{ email: "ada@acme.org", role: "viewer" }],
  groups: [{ group: "neuroscience", role: "editor" }],
  everyone: "discoverable",
  shareAssets: false,
};

/**
 * Calls a create makes after Code Ocean accepted the asset, once it is ready: a failure is a
 * partial failure carrying the id, with outputs in this state (the engine records them).
 */
const AFTER_READY: Partial<Record<CallName, "ready">> = {
  "share POST": "ready",
  "archive after ready": "ready",
};

const onlyAsset = (name: string) => {
  const all = admin()
    .assets()
    .filter((a) => a.name === name);
  expect(all).toHaveLength(1);
  return all[0];
};

const SCENARIOS: Record<CallName, (name: string, known: Known) => Promise<Scenario>> = {
  "create POST": createScenario,
  "readiness GET": createScenario,

  async PUT(name, known) {
    const a = await liveAsset(name, known);
    const news = await checkedAsset(name, { description: "changed by update" }, a.inputs);
    const update = async () => da.update(a.id, a.outs, news);
    return {
      run: update,
      succeeded: (r) => expect((r as { outs: Props }).outs.description).toBe("changed by update"),
      nextUp: async () => void (await update()),
      converged: () => expect(admin().asset(a.id)?.description).toBe("changed by update"),
    };
  },

  async archive(name, known) {
    const a = await liveAsset(name, known);
    const del = () => da.delete(a.id, a.outs);
    return {
      run: del,
      succeeded: () => undefined,
      nextUp: del,
      converged: () => expect(admin().asset(a.id)?.archived).toBe(true),
    };
  },

  async unarchive(name, known) {
    const a = await liveAsset(name, known);
    // Archived behind Pulumi's back; a refresh recorded it, so the next up unarchives.
    admin().updateAsset(a.id, { archived: true });
    const olds = { ...a.outs, archived: true };
    expect((await da.diff(a.id, olds, a.inputs)).changes).toBe(true);
    const update = () => da.update(a.id, olds, a.inputs);
    return {
      run: update,
      succeeded: (r) => expect((r as { outs: Props }).outs.archived).toBe(false),
      nextUp: async () => void (await update()),
      converged: () => expect(admin().asset(a.id)?.archived).toBe(false),
    };
  },

  async delete(name, known) {
    const a = await liveAsset(name, known, { onDelete: "delete" });
    const del = () => da.delete(a.id, a.outs);
    return {
      run: del,
      succeeded: () => undefined,
      nextUp: del,
      converged: () => expect(admin().asset(a.id)).toBeUndefined(),
    };
  },

  async attach(name, known) {
    const { asset, inputs } = await attachment(name, known);
    const create = async () => {
      try {
        const r = await ca.create(inputs);
        known.attachments.add(r.id);
        return r;
      } catch (error) {
        // A partial failure is recorded by Pulumi: the attachment is known.
        if (error instanceof PartialFailure) known.attachments.add(error.id);
        throw error;
      }
    };
    return {
      run: create,
      succeeded: (r) => {
        const { outs } = r as { outs: Props };
        expect(outs).toMatchObject({ ready: true, mount: "att", dataAssetId: asset.id });
        expect(hasUndefined(outs)).toBe(false);
      },
      nextUp: async () => void (await create()),
      converged: () =>
        expect(admin().attachments()).toEqual([
          expect.objectContaining({ assetId: asset.id, mount: "att", ready: true }),
        ]),
    };
  },

  async detach(name, known) {
    const { inputs } = await attachment(name, known);
    const att = await ca.create(inputs);
    known.attachments.add(att.id);
    const del = async () => {
      await ca.delete(att.id);
      known.attachments.delete(att.id);
    };
    return {
      run: del,
      succeeded: () => undefined,
      nextUp: del,
      converged: () => expect(admin().attachments()).toEqual([]),
    };
  },

  async "capsule search"(name, known) {
    const { inputs } = await attachment(name, known);
    const att = await ca.create(inputs);
    known.attachments.add(att.id);
    const read = () => ca.read(att.id, att.outs);
    return {
      run: read,
      succeeded: (r) => expect((r as { id: string }).id).toBe(att.id),
      nextUp: async () => expect((await read()).id).toBe(att.id),
      converged: () => expect(admin().attachments()).toHaveLength(1),
    };
  },

  "share POST": afterReadyScenario({ permissions: SHARING }, (id) =>
    expect(admin().permissions(id)).toMatchObject({
      users: [
        { email: "emulator@codeocean.local", role: "owner" },
        { email: "ada@acme.org", role: "viewer" },
      ],
      groups: SHARING.groups,
      everyone: "discoverable",
    }),
  ),

  async "share GET"(name, known) {
    const a = await liveAsset(name, known, { permissions: SHARING });
    // Shared by hand since: a refresh that succeeds reads it.
    admin().setPermissions(a.id, { everyone: "viewer" });
    const read = () => da.read(a.id, a.outs);
    const readsSharing = (r: { props: Props }) =>
      expect(r.props.permissions).toEqual({ ...SHARING, everyone: "viewer" });
    return {
      run: read,
      succeeded: (r) => readsSharing(r as { props: Props }),
      // A failed refresh changes nothing in the state; the next refresh reads it.
      nextUp: async () => readsSharing(await read()),
      converged: () => expect(admin().permissions(a.id)?.everyone).toBe("viewer"),
    };
  },

  "archive after ready": afterReadyScenario({ archived: true }, (id) =>
    expect(admin().asset(id)?.archived).toBe(true),
  ),
};

/**
 * A create with a step after readiness (sharing, archiving): a failure there leaves a ready
 * asset the engine records from the partial failure; the next up diffs and updates, which
 * retries only that step.
 */
function afterReadyScenario(overrides: Props, converged: (id: string) => void) {
  return async (name: string, known: Known): Promise<Scenario> => {
    const inputs = await checkedAsset(name, overrides);
    const create = async () => {
      const r = await da.create(inputs);
      known.assets.add(r.id);
      return r;
    };
    return {
      run: create,
      succeeded: (r) => {
        const { outs } = r as { outs: Props };
        expect(outs).toMatchObject({ name, state: "ready", ...overrides });
        expect(hasUndefined(outs)).toBe(false);
      },
      async nextUp(error) {
        expect(error).toBeInstanceOf(PartialFailure);
        const pf = error as PartialFailure;
        expect((await da.diff(pf.id, pf.properties, inputs)).changes).toBe(true);
        admin().clearJournal();
        const { outs } = await da.update(pf.id, pf.properties, inputs);
        expect(outs).toMatchObject({ state: "ready", ...overrides });
        // Only the failed step again: no second asset, no metadata PUT.
        expect(admin().counts()["POST /data_assets"] ?? 0).toBe(0);
        expect(admin().counts()["PUT /data_assets/:id"] ?? 0).toBe(0);
      },
      converged: () => {
        const a = onlyAsset(name);
        expect(a.state).toBe("ready");
        expect(known.assets.has(a.id)).toBe(true);
        converged(a.id);
      },
    };
  };
}

async function createScenario(name: string, known: Known): Promise<Scenario> {
  const inputs = await checkedAsset(name);
  const create = async () => {
    const r = await da.create(inputs);
    known.assets.add(r.id);
    return r;
  };
  return {
    run: create,
    succeeded: (r) => {
      const { outs } = r as { outs: Props };
      expect(outs).toMatchObject({ name, state: "ready", archived: false });
      expect(hasUndefined(outs)).toBe(false);
    },
    async nextUp(error) {
      if (error instanceof PartialFailure) {
        // Recorded with init errors: the next up diffs and updates, which resumes waiting.
        expect((await da.diff(error.id, error.properties, inputs)).changes).toBe(true);
        const { outs } = await da.update(error.id, error.properties, inputs);
        expect(outs.state).toBe("ready");
      } else {
        await create();
      }
    },
    converged: () => {
      const a = onlyAsset(name);
      expect(a).toMatchObject({ state: "ready", archived: false });
      expect(known.assets.has(a.id)).toBe(true);
    },
  };
}

// ---------------------------------------------------------------------------------------
// The cell runner

interface Cell {
  call: CallName;
  fault: string;
  rule: Omit<FaultRule, "route" | "times">;
  times: number;
  outcome: Outcome;
  quote: RegExp;
  timeout: boolean;
}

const results = new Map<string, "passed" | "failed">();
const key = (c: { call: string; fault: string }) => `${c.call} × ${c.fault}`;

const settle = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

async function runCell(cell: Cell): Promise<void> {
  results.set(key(cell), "failed");
  const { route } = CALLS[cell.call];
  const known: Known = { assets: new Set(), attachments: new Set() };
  const name = `fm-${cell.call}-${cell.fault}`.replace(/[^A-Za-z0-9-]+/g, "-");
  const scenario = await SCENARIOS[cell.call](name, known);

  admin().setFaults([{ route, ...cell.rule, times: cell.times }]);
  admin().clearJournal();
  // A new request timeout is a new configuration: the provider reads it into a new runtime.
  if (cell.timeout) {
    process.env.CODEOCEAN_REQUEST_TIMEOUT_SECONDS = String(TIMEOUT_SECONDS);
    freshProviderState();
  }
  const result = await settle(scenario.run());
  process.env.CODEOCEAN_REQUEST_TIMEOUT_SECONDS = REQUEST_TIMEOUT_SECONDS;
  admin().clearFaults();
  const journal = admin().journal();

  // The faulted request, and what the client did next on the same route.
  const onRoute = journal.filter((e) => e.route === route);
  const faulted = onRoute.filter((e) => e.fault);
  expect(faulted).toHaveLength(cell.times);
  const lastFault = faulted[faulted.length - 1];
  const after = onRoute.filter((e) => e.seq > lastFault.seq);

  if (cell.outcome === "fails") {
    expect(result.ok).toBe(false);
    const error = (result as { error: unknown }).error;
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(cell.quote);
    if (cell.call === "create POST") {
      if (cell.times === 1) {
        // Never re-sent: the server may have processed it. The search says nothing was made.
        expect(message).toMatch(/No data asset named ".*" was created \(checked by search\)/);
        expect(message).toMatch(/nothing is orphaned/);
      }
      expect(error).not.toBeInstanceOf(PartialFailure);
    } else {
      expect(message).toContain(`${lastFault.method} ${lastFault.path.replace("/api/v1", "")}`);
    }
    if (cell.call === "readiness GET") {
      // The asset exists: the failure must carry its id and a full output set for the state.
      expect(error).toBeInstanceOf(PartialFailure);
      const pf = error as PartialFailure;
      known.assets.add(pf.id);
      expect(pf.id).toBe(onlyAsset(name).id);
      expect(pf.properties).toMatchObject({ __provider: PROVIDER, name, state: "draft" });
      expect(hasUndefined(pf.properties)).toBe(false);
    }
    const afterReady = AFTER_READY[cell.call];
    if (afterReady) {
      // The asset exists and is ready: the failure carries its id and a full output set.
      expect(error).toBeInstanceOf(PartialFailure);
      const pf = error as PartialFailure;
      known.assets.add(pf.id);
      expect(pf.id).toBe(onlyAsset(name).id);
      expect(pf.properties).toMatchObject({ __provider: PROVIDER, name, state: afterReady });
      expect(hasUndefined(pf.properties)).toBe(false);
    }
    // Not retried beyond the faults (a 500 or an unreadable body is final; exhaustion stops).
    expect(after).toEqual([]);
  } else {
    if (!result.ok) throw result.error;
    scenario.succeeded(result.value);
    if (cell.outcome === "retried") {
      expect(after.length).toBeGreaterThanOrEqual(1);
      const gap = after[0].time - lastFault.time;
      // Retry-After is honoured; otherwise the first backoff is at least 250 ms.
      const minGap =
        CLOCK *
        ((cell.rule.retryAfterSeconds ?? 0) > 0
          ? (cell.rule.retryAfterSeconds as number) * 1000 - 10
          : 240);
      expect(gap).toBeGreaterThanOrEqual(minGap);
    } else {
      // Reconciled or ignored: the request is not sent again.
      expect(after).toEqual([]);
      if (cell.outcome === "reconciled") {
        expect(journal.some((e: JournalEntry) => e.route === "POST /data_assets/search")).toBe(
          true,
        );
      }
    }
    if (cell.call === "create POST")
      expect(onRoute).toHaveLength(cell.outcome === "retried" ? cell.times + 1 : 1);
  }

  // The invariant right after the operation, before anything else happens.
  expect(invariantViolations(emu.current, known)).toEqual([]);

  if (!result.ok) await scenario.nextUp(result.error);
  scenario.converged();
  expect(invariantViolations(emu.current, known)).toEqual([]);
  results.set(key(cell), "passed");
}

// ---------------------------------------------------------------------------------------
// The tables

const callNames = Object.keys(CALLS) as CallName[];
const faultNames = FAULT_LIST.map(([name]) => name);

const matrix: Cell[] = callNames.flatMap((call) =>
  faultNames.map((fault) => ({
    call,
    fault,
    rule: FAULTS[fault].rule,
    times: 1,
    outcome: documentedOutcome(call, fault),
    quote: FAULTS[fault].quote,
    timeout: fault === "timeout",
  })),
);

/**
 * Exhaustion: a fault that keeps firing (7 = 1 + maxRetries) ends in a failure that quotes it.
 * Retry-After: 0 keeps these fast; the exponential backoff itself (0.5 s → 8 s, about 12-23 s
 * to exhaust) is covered by the `times: 1` cells' minimum gap and by test/unit.
 */
const EXHAUST_TIMES = 7;
const exhaustion: Cell[] = callNames.flatMap((call) =>
  ([429, 503] as const).map((status) => ({
    call,
    fault: `${status} ×${EXHAUST_TIMES} (RA 0)`,
    rule: statusFault(status, 0).rule,
    times: EXHAUST_TIMES,
    outcome: "fails" as const,
    quote: new RegExp(`${statusFault(status).quote.source}.*retries were exhausted`),
    timeout: false,
  })),
);

const label = (c: Cell) =>
  `${c.call} × ${c.fault}: ${c.outcome} (${CALLS[c.call].op}, fault ×${c.times})`;

describe("fault matrix: one fault, fired once", () => {
  test.each(matrix.map((c) => [label(c), c] as const))("%s", (_l, cell) => runCell(cell));
});

describe("fault matrix: retries exhausted", () => {
  test.each(exhaustion.map((c) => [label(c), c] as const))("%s", (_l, cell) => runCell(cell));
});

// ---------------------------------------------------------------------------------------
// Two faults in one create: the ambiguous POST, then a failure while reconciling it

describe("compound faults while reconciling an ambiguous create", () => {
  const ambiguous: FaultRule = { route: "POST /data_assets", kind: "reset-after", times: 1 };
  // The search before the POST (for an interrupted run's leftover) is a route of its own row
  // below; here the search faults must reach the one that reconciles the POST.
  beforeEach(() => {
    process.env.CODEOCEAN_TAKE_OVER_WINDOW_SECONDS = "0";
    freshProviderState();
  });
  afterEach(() => {
    delete process.env.CODEOCEAN_TAKE_OVER_WINDOW_SECONDS;
    freshProviderState();
  });

  async function create(name: string, second: FaultRule) {
    const known: Known = { assets: new Set(), attachments: new Set() };
    const inputs = await checkedAsset(name);
    admin().setFaults([ambiguous, second]);
    const result = await settle(da.create(inputs));
    admin().clearFaults();
    if (result.ok) known.assets.add((result.value as { id: string }).id);
    else if (result.error instanceof PartialFailure) known.assets.add(result.error.id);
    expect(admin().counts()["POST /data_assets"]).toBe(1);
    return { result, known, inputs };
  }

  it("a retryable failure of the search is retried and the asset taken over", async () => {
    const { result, known } = await create("compound-search-503", {
      route: "POST /data_assets/search",
      kind: "status",
      status: 503,
      times: 1,
    });
    expect(result.ok).toBe(true);
    expect(invariantViolations(emu.current, known)).toEqual([]);
  });

  it("a final failure of the search leaves a named orphan and says how to find it (documented limit)", async () => {
    const { result } = await create("compound-search-500", {
      route: "POST /data_assets/search",
      kind: "status",
      status: 500,
      message: serverMessage(500),
      times: 1,
    });
    expect(result.ok).toBe(false);
    const message = (result as { error: Error }).error.message;
    expect(message).toMatch(/ECONNRESET|socket hang up/);
    expect(message).toMatch(
      /Whether Code Ocean created data asset "compound-search-500" is unknown, and searching for it failed too \(.*HTTP 500: injected 500/,
    );
    expect(message).toMatch(
      /search Code Ocean for assets named "compound-search-500".*adoptExistingId/,
    );
    // The POST was processed: one asset exists that the stack does not know (the limit).
    expect(onlyAsset("compound-search-500").archived).toBe(false);
  });

  /**
   * reconcileCreate finds the asset by search and returns the search result, so a failing
   * GET afterwards happens inside the partial-failure guard and still carries the id.
   */
  it("a failure of the GET after the search found the asset still carries its id", async () => {
    const { result, known, inputs } = await create("compound-get-500", {
      route: "GET /data_assets/:id",
      kind: "status",
      status: 500,
      times: 1,
    });
    expect(result.ok ? undefined : result.error).toBeInstanceOf(PartialFailure);
    expect(invariantViolations(emu.current, known)).toEqual([]);
    // What the next up does when nothing was recorded: create again, making a duplicate.
    if (!(result.ok || result.error instanceof PartialFailure))
      known.assets.add((await da.create(inputs)).id);
    expect(invariantViolations(emu.current, known)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// A 404 that is not the truth, and searches that do not end

describe("fault rows: a transient 404 and hostile pages", () => {
  const once404 = (route: string): FaultRule => ({
    route,
    kind: "status",
    status: 404,
    message: "data asset not found",
    times: 1,
  });
  const statusOf = (id: string) => admin().asset(id);

  it("readiness GET × 404 once (not visible yet): the create keeps waiting and succeeds", async () => {
    const known: Known = { assets: new Set(), attachments: new Set() };
    admin().setFaults([once404("GET /data_assets/:id")]);
    const created = await da.create(await checkedAsset("lagging-404"));
    admin().clearFaults();
    known.assets.add(created.id);
    expect(created.outs.state).toBe("ready");
    expect(admin().counts()["GET /data_assets/:id"]).toBeGreaterThanOrEqual(2);
    expect(invariantViolations(emu.current, known)).toEqual([]);
  });

  it("refresh GET × 404 once: a second look finds the asset, which stays in the stack", async () => {
    const known: Known = { assets: new Set(), attachments: new Set() };
    const a = await liveAsset("refresh-404", known);
    admin().setFaults([once404("GET /data_assets/:id")]);
    const read = await da.read(a.id, a.outs);
    admin().clearFaults();
    expect(read.id).toBe(a.id);
  });

  it("archive × 404 once: confirmed by a GET, sent again, and the asset is archived", async () => {
    const known: Known = { assets: new Set(), attachments: new Set() };
    const a = await liveAsset("archive-404", known);
    admin().setFaults([once404("PATCH /data_assets/:id/archive")]);
    await da.delete(a.id, a.outs);
    admin().clearFaults();
    expect(statusOf(a.id)?.archived).toBe(true);
    expect(admin().counts()["PATCH /data_assets/:id/archive"]).toBe(2);
  });

  it("delete × 404 once: confirmed by a GET, sent again, and the asset is deleted", async () => {
    const known: Known = { assets: new Set(), attachments: new Set() };
    const a = await liveAsset("delete-404", known, { onDelete: "delete" });
    admin().setFaults([once404("DELETE /data_assets/:id")]);
    await da.delete(a.id, { ...a.outs, onDelete: "delete" });
    admin().clearFaults();
    expect(statusOf(a.id)).toBeUndefined();
    expect(admin().counts()["DELETE /data_assets/:id"]).toBe(2);
  });

  it("archive × 404 always while the asset exists: an error, never a success that leaves it live", async () => {
    const known: Known = { assets: new Set(), attachments: new Set() };
    const a = await liveAsset("archive-404-always", known);
    admin().setFaults([{ ...once404("PATCH /data_assets/:id/archive"), times: 10 }]);
    const result = await settle(da.delete(a.id, a.outs));
    admin().clearFaults();
    expect(result.ok).toBe(false);
    expect(String((result as { error: unknown }).error)).toMatch(
      /answered 404 to PATCH .* twice, although GET shows the asset exists\. Nothing was changed/,
    );
    expect(statusOf(a.id)?.archived).toBe(false);
  });

  it.each(["page-repeat-token", "page-empty"] as const)(
    "search × %s: the create's search for a leftover ends with an error naming it; nothing is created",
    async (kind) => {
      admin().setFaults([{ route: "POST /data_assets/search", kind }]);
      const result = await settle(da.create(await checkedAsset(`paged-${kind}`)));
      admin().clearFaults();
      expect(result.ok).toBe(false);
      expect(String((result as { error: unknown }).error)).toMatch(
        /search for data assets \(query "name:\\"paged-.*\\"".*did not end: page 1/s,
      );
      expect(admin().counts()["POST /data_assets/search"]).toBe(1);
      expect(admin().counts()["POST /data_assets"] ?? 0).toBe(0);
    },
  );

  it.each(["page-repeat-token", "page-empty"] as const)(
    "search × %s: a refresh's archived lookup ends with an error naming it",
    async (kind) => {
      const known: Known = { assets: new Set(), attachments: new Set() };
      const a = await liveAsset(`refresh-${kind}`, known);
      admin().clearJournal();
      admin().setFaults([{ route: "POST /data_assets/search", kind }]);
      const result = await settle(da.read(a.id, a.outs));
      admin().clearFaults();
      expect(String((result as { error: unknown }).error)).toMatch(/did not end: page 1/);
      expect(admin().counts()["POST /data_assets/search"]).toBe(1);
    },
  );
});

afterAll(() => {
  const columns = [...faultNames, ...new Set(exhaustion.map((c) => c.fault))];
  const all = [...matrix, ...exhaustion];
  const mark = (c: Cell) => {
    const r = results.get(key(c));
    const tag = { retried: "retry", reconciled: "recon", ignored: "ignore", fails: "fail" }[
      c.outcome
    ];
    return r === "passed" ? `${tag} ok` : r ? `${tag} FAIL` : "-";
  };
  const rows = callNames.map((call) => [
    call,
    ...columns.map((f) => {
      const c = all.find((x) => x.call === call && x.fault === f);
      return c ? mark(c) : "";
    }),
  ]);
  const passed = all.filter((c) => results.get(key(c)) === "passed").length;
  console.log(
    `Fault matrix (outcome, then ok/FAIL)\n` +
      textTable(["call \\ fault", ...columns], rows) +
      `\n\ncells passed: ${passed}/${all.length}\n`,
  );
});
