import { describe, expect, it } from 'vitest';
import { CandidateQueue, decideOnDescription, isPolite } from './negotiation.js';

describe('isPolite', () => {
  it('makes exactly one side of a pair polite', () => {
    const ids = ['a', 'B', 'zz', 'Qm9v', 'p_1', 'p_10'];
    for (const a of ids) for (const b of ids) if (a !== b) expect(isPolite(a, b)).not.toBe(isPolite(b, a));
  });

  it('refuses to pair a participant with itself', () => {
    expect(() => isPolite('a', 'a')).toThrow();
  });
});

describe('decideOnDescription', () => {
  const base = { makingOffer: false, signalingState: 'stable' as RTCSignalingState, isSettingRemoteAnswerPending: false };

  it('accepts an offer when stable and not making one', () => {
    expect(decideOnDescription({ ...base, type: 'offer', polite: false })).toEqual({ offerCollision: false, ignoreOffer: false });
  });

  it('detects glare while making an offer: impolite ignores, polite accepts', () => {
    const glare = { ...base, type: 'offer' as const, makingOffer: true };
    expect(decideOnDescription({ ...glare, polite: false })).toEqual({ offerCollision: true, ignoreOffer: true });
    expect(decideOnDescription({ ...glare, polite: true })).toEqual({ offerCollision: true, ignoreOffer: false });
  });

  it('detects glare when a local offer is already applied (have-local-offer)', () => {
    const context = { ...base, type: 'offer' as const, signalingState: 'have-local-offer' as RTCSignalingState };
    expect(decideOnDescription({ ...context, polite: false }).ignoreOffer).toBe(true);
    expect(decideOnDescription({ ...context, polite: true }).ignoreOffer).toBe(false);
  });

  it('treats an offer arriving while our answer is being applied as no collision', () => {
    const context = {
      ...base,
      type: 'offer' as const,
      signalingState: 'have-local-offer' as RTCSignalingState,
      isSettingRemoteAnswerPending: true,
    };
    expect(decideOnDescription({ ...context, polite: false })).toEqual({ offerCollision: false, ignoreOffer: false });
  });

  it('never ignores an answer', () => {
    const context = { ...base, type: 'answer' as const, makingOffer: true, signalingState: 'have-local-offer' as RTCSignalingState };
    expect(decideOnDescription({ ...context, polite: false }).ignoreOffer).toBe(false);
  });
});

describe('CandidateQueue', () => {
  it('returns candidates in arrival order and empties on drain', () => {
    const queue = new CandidateQueue<number>();
    queue.push(1);
    queue.push(2);
    expect(queue.drain()).toEqual([1, 2]);
    expect(queue.size).toBe(0);
  });

  it('refuses candidates beyond its capacity', () => {
    const queue = new CandidateQueue<number>(2);
    expect([queue.push(1), queue.push(2), queue.push(3)]).toEqual([true, true, false]);
    expect(queue.drain()).toEqual([1, 2]);
  });
});
