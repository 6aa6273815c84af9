import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket(5, 3, () => now);
    expect(Array.from({ length: 8 }, () => bucket.take()).filter(Boolean)).toHaveLength(5);
    now = 1_000;
    expect(Array.from({ length: 8 }, () => bucket.take()).filter(Boolean)).toHaveLength(3);
  });
});
