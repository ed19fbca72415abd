import {
  AdminInputError,
  body,
  boolean,
  nullable,
  number,
  object,
  oneOf,
  optional,
  string,
} from "./shapes";
import {
  FAULT_KINDS,
  PAGE_FAULT_KINDS,
  PAGED_ROUTES,
  type FaultRule,
  type RateLimit,
} from "./types";

/** mulberry32: tiny, fast and good enough to make probabilistic faults reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FAULT_RULE = body<FaultRule>(
  "fault rule",
  object({
    route: optional(string),
    kind: oneOf(FAULT_KINDS),
    status: optional(number({ min: 100, max: 599, int: true })),
    retryAfterSeconds: optional(nullable(number({ min: 0, max: 86_400 }))),
    latencyMs: optional(number({ min: 0, max: 3_600_000 })),
    message: optional(string),
    probability: optional(number({ min: 0, max: 1 })),
    times: optional(number({ min: 0, int: true })),
  }),
);

/** Rejects malformed rules early so a typo in a test does not silently disable a fault. */
export function validateFaultRule(raw: unknown): FaultRule {
  const rule = FAULT_RULE.parse(raw);
  const route = rule.route ?? "*";
  if (PAGE_FAULT_KINDS.includes(rule.kind) && route !== "*" && !PAGED_ROUTES.includes(route)) {
    throw new AdminInputError(
      `fault rule: a ${rule.kind} fault rewrites search pages, so its route must be "*" or one of ${PAGED_ROUTES.join(", ")} (got ${JSON.stringify(route)})`,
      "route",
    );
  }
  return { ...rule };
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private rand: () => number;

  constructor(private seed: number) {
    this.rand = mulberry32(seed);
  }

  /** Restarts the PRNG so a reset emulator replays the same fault sequence. */
  reseed(seed = this.seed): void {
    this.seed = seed;
    this.rand = mulberry32(seed);
  }

  set(rules: FaultRule[]): void {
    const validated = rules.map(validateFaultRule);
    this.rules = validated.map((rule) => ({ rule, remaining: rule.times ?? Infinity }));
  }

  add(rule: FaultRule): void {
    const r = validateFaultRule(rule);
    this.rules.push({ rule: r, remaining: r.times ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  /** The first rule for `route` that fires, consuming one of its `times`. */
  pick(route: string): FaultRule | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      const ruleRoute = rule.route ?? "*";
      if (ruleRoute !== "*" && ruleRoute !== route) continue;
      if (PAGE_FAULT_KINDS.includes(rule.kind) && !PAGED_ROUTES.includes(route)) continue;
      if (active.remaining <= 0) continue;
      const p = rule.probability ?? 1;
      // Draw only for genuinely random rules, so adding a certain rule does not shift the
      // sequence that the random ones see.
      if (p < 1 && !(p > 0 && this.rand() < p)) continue;
      active.remaining--;
      return rule;
    }
    return undefined;
  }
}

export const RATE_LIMIT = body<RateLimit | null>(
  "rate limit",
  nullable(
    object({
      requestsPerSecond: number({ positive: true }),
      burst: optional(number({ min: 1 })),
      retryAfter: optional(boolean),
    }),
  ),
);

export function validateRateLimit(raw: unknown): RateLimit | null {
  const limit = RATE_LIMIT.parse(raw ?? null);
  return limit && { ...limit };
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number | null };

/** Token bucket: `burst` requests at once, refilled at `requestsPerSecond`. */
export class RateLimiter {
  private limit: RateLimit | null = null;
  private tokens = 0;
  private last = 0;

  constructor(
    limit: RateLimit | null,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.set(limit);
  }

  set(limit: RateLimit | null): void {
    this.limit = validateRateLimit(limit);
    this.tokens = this.capacity();
    this.last = this.now();
  }

  private capacity(): number {
    return this.limit ? (this.limit.burst ?? this.limit.requestsPerSecond) : 0;
  }

  take(): RateDecision {
    const limit = this.limit;
    if (!limit) return { ok: true };
    const t = this.now();
    const rate = limit.requestsPerSecond;
    this.tokens = Math.min(this.capacity(), this.tokens + ((t - this.last) / 1000) * rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    if (limit.retryAfter === false) return { ok: false, retryAfterSeconds: null };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / rate)) };
  }
}
