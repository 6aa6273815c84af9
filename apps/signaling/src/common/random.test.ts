import { describe, expect, it } from 'vitest';
import { randomBase64Url } from './random.js';

describe('randomBase64Url', () => {
  it('hands out URL-safe strings of the asked length, never the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    // 2,000 x 32 bytes is more than 15 refills of the 4 KiB pool.
    for (let i = 0; i < 2_000; i++) {
      const token = randomBase64Url(32);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(2_000);
    expect(randomBase64Url(12)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(() => randomBase64Url(5_000)).toThrow(RangeError);
  });
});
