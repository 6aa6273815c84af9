import { CLIENT_EVENTS, type ClientEventName } from '@meshmeet/protocol';

export interface BucketSpec {
  /** Largest burst. */
  capacity: number;
  /** Sustained rate. */
  refillPerSecond: number;
}

export type RateLimitedKind = ClientEventName | 'other';

export interface RateLimits {
  perKind: Record<RateLimitedKind, BucketSpec>;
  /**
   * Every refused message costs one strike from this bucket; a client that empties it is
   * disconnected. A client that backs off after `rate_limited` keeps its connection.
   */
  strikes: BucketSpec;
}

/**
 * Candidates arrive in bursts (a dozen per peer within milliseconds, more on ICE restart); joins never
 * need to: one, plus one quick retry after a refusal.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  perKind: {
    join: { capacity: 2, refillPerSecond: 0.5 },
    resume: { capacity: 2, refillPerSecond: 0.5 },
    leave: { capacity: 2, refillPerSecond: 0.5 },
    // A self-test asks once per run; TURN credentials are also bounded per address (AddressBudgets).
    'ice-servers': { capacity: 3, refillPerSecond: 0.2 },
    description: { capacity: 40, refillPerSecond: 5 },
    candidate: { capacity: 400, refillPerSecond: 50 },
    'media-state': { capacity: 20, refillPerSecond: 4 },
    hand: { capacity: 4, refillPerSecond: 1 },
    other: { capacity: 10, refillPerSecond: 1 },
  },
  strikes: { capacity: 100, refillPerSecond: 5 },
};

/** Every bucket's capacity and rate times `scale` (1 returns the limits unchanged). */
export function scaleRateLimits(limits: RateLimits, scale: number): RateLimits {
  if (scale === 1) return limits;
  const scaled = (spec: BucketSpec): BucketSpec => ({ capacity: spec.capacity * scale, refillPerSecond: spec.refillPerSecond * scale });
  const perKind = Object.fromEntries(Object.entries(limits.perKind).map(([kind, spec]) => [kind, scaled(spec)])) as RateLimits['perKind'];
  return { perKind, strikes: scaled(limits.strikes) };
}

/** Classic token bucket, refilled lazily from a clock so it needs no timer. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.capacity;
    this.updatedAt = now;
  }

  take(now: number): boolean {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.spec.capacity, this.tokens + elapsedSeconds * this.spec.refillPerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export type RateDecision = 'allow' | 'limit' | 'disconnect';

/** Each kind's slot in a connection's buckets. */
const KIND_SLOT = new Map<RateLimitedKind, number>([...(Object.keys(CLIENT_EVENTS) as ClientEventName[]), 'other' as const].map((kind, slot) => [kind, slot]));

/** The buckets of one connection. Lives exactly as long as the socket. */
export class ConnectionRateLimiter {
  /**
   * A bucket per kind, made on first use, in a fixed array of one slot per kind: a Map per connection
   * cost about 250 B more (its hash table), with thousands of connections held.
   */
  private readonly buckets: (TokenBucket | undefined)[] = new Array<TokenBucket | undefined>(KIND_SLOT.size);
  /** Made full on the first refusal (until then it would have stayed full): most connections never get one. */
  private strikes?: TokenBucket;

  constructor(
    private readonly limits: RateLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  check(kind: RateLimitedKind): RateDecision {
    const now = this.clock();
    const slot = KIND_SLOT.get(kind)!;
    const bucket = (this.buckets[slot] ??= new TokenBucket(this.limits.perKind[kind], now));
    if (bucket.take(now)) return 'allow';
    this.strikes ??= new TokenBucket(this.limits.strikes, now);
    return this.strikes.take(now) ? 'limit' : 'disconnect';
  }
}
