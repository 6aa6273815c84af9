import { describe, expect, it } from 'vitest';
import { ConnectionRateLimiter, DEFAULT_RATE_LIMITS, TokenBucket, type RateLimits } from './rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst up to capacity, then refills at the configured rate', () => {
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(10_000)).toBe(true); // refill is capped at capacity...
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([true, true, false]);
  });
});

describe('ConnectionRateLimiter', () => {
  const limits: RateLimits = {
    perKind: { ...DEFAULT_RATE_LIMITS.perKind, join: { capacity: 1, refillPerSecond: 1 }, candidate: { capacity: 5, refillPerSecond: 10 } },
    strikes: { capacity: 3, refillPerSecond: 1 },
  };

  it('lets candidates burst while joins may not', () => {
    let now = 0;
    const limiter = new ConnectionRateLimiter(limits, () => now);
    expect(Array.from({ length: 5 }, () => limiter.check('candidate'))).toEqual(Array(5).fill('allow'));
    expect(limiter.check('join')).toBe('allow');
    expect(limiter.check('join')).toBe('limit');
    now = 1_000;
    expect(limiter.check('join')).toBe('allow');
  });

  it('keeps kinds independent', () => {
    const limiter = new ConnectionRateLimiter(limits, () => 0);
    for (let i = 0; i < 5; i++) limiter.check('candidate');
    expect(limiter.check('candidate')).toBe('limit');
    expect(limiter.check('description')).toBe('allow');
  });

  it('gives every kind a bucket of its own', () => {
    const one = { capacity: 1, refillPerSecond: 1 };
    const kinds = Object.keys(DEFAULT_RATE_LIMITS.perKind) as (keyof RateLimits['perKind'])[];
    const tight: RateLimits = { perKind: Object.fromEntries(kinds.map((kind) => [kind, one])) as RateLimits['perKind'], strikes: { capacity: 100, refillPerSecond: 1 } };
    const limiter = new ConnectionRateLimiter(tight, () => 0);
    // Each kind's single token is still there after every kind before it spent its own.
    expect(kinds.map((kind) => limiter.check(kind))).toEqual(kinds.map(() => 'allow'));
    expect(kinds.map((kind) => limiter.check(kind))).toEqual(kinds.map(() => 'limit'));
  });

  it('disconnects a client that keeps going after being limited', () => {
    const limiter = new ConnectionRateLimiter(limits, () => 0);
    limiter.check('join');
    expect([limiter.check('join'), limiter.check('join'), limiter.check('join')]).toEqual(['limit', 'limit', 'limit']);
    expect(limiter.check('join')).toBe('disconnect');
  });

  it('forgives a client that backs off', () => {
    let now = 0;
    const limiter = new ConnectionRateLimiter(limits, () => now);
    limiter.check('join');
    for (let i = 0; i < 3; i++) limiter.check('join');
    now = 5_000;
    expect(limiter.check('join')).toBe('allow');
    expect(limiter.check('join')).toBe('limit');
  });
});
