import { describe, expect, it } from 'vitest';
import { HeldMessages } from './held-messages.js';

describe('HeldMessages', () => {
  const limits = { messages: 3, ms: 1_000, senders: 2 };

  it('gives back what a sender sent before it was introduced, in order, once', () => {
    const held = new HeldMessages<string>(limits, () => 0);
    expect(held.hold('p1', 'offer')).toBe(true);
    expect(held.hold('p2', 'candidate x')).toBe(true);
    expect(held.hold('p1', 'candidate a')).toBe(true);
    expect(held.release('p1')).toEqual(['offer', 'candidate a']);
    expect(held.release('p1')).toEqual([]);
    expect(held.size).toBe(1);
  });

  it('is bounded per sender and in senders', () => {
    const held = new HeldMessages<number>(limits, () => 0);
    expect([1, 2, 3, 4].map((n) => held.hold('p1', n))).toEqual([true, true, true, false]);
    expect(held.hold('p2', 1)).toBe(true);
    expect(held.hold('p3', 1)).toBe(false);
    expect(held.release('p1')).toEqual([1, 2, 3]);
    expect(held.hold('p3', 1)).toBe(true);
  });

  it('forgets senders that were never introduced within the hold time', () => {
    let now = 0;
    const held = new HeldMessages<string>(limits, () => now);
    held.hold('ghost', 'offer');
    now = 1_001;
    expect(held.release('ghost')).toEqual([]);
    expect(held.size).toBe(0);
  });
});
