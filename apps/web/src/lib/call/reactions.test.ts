import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PeerMessage } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import type { Call } from './call.js';
import { Reactions, type ReactionEvent } from './reactions.js';

/** Just enough of a Call and a remote participant for the reactions to listen to. */
function fakeCall() {
  const remote = { id: 'flooder', send: vi.fn(() => true) };
  const call = Object.assign(new Emitter<Record<string, unknown>>(), {
    remotes: new Map([[remote.id, remote]]),
    local: { id: 'me' },
  });
  /** A message from the remote participant, as the Call reports it. */
  const receive = (message: PeerMessage) => call.emit('peer-message', { from: remote, message });
  return { call: call as unknown as Call, remote, receive };
}

describe('Reactions', () => {
  afterEach(() => vi.useRealTimers());

  it('shows at most a burst of a flooding peer’s reactions, then a few per second', () => {
    vi.useFakeTimers();
    const { call, receive } = fakeCall();
    const reactions = new Reactions(call);
    const shown: ReactionEvent[] = [];
    reactions.on('reaction', (reaction) => shown.push(reaction));
    for (let i = 0; i < 100; i++) receive({ v: 1, type: 'reaction', emoji: '🎉' });
    expect(shown).toHaveLength(5);
    expect(shown[0]).toEqual({ from: 'flooder', emoji: '🎉' });
    vi.advanceTimersByTime(1_000);
    for (let i = 0; i < 100; i++) receive({ v: 1, type: 'reaction', emoji: '🎉' });
    expect(shown).toHaveLength(8);
  });

  it('sends to everyone and shows one’s own, within the same limit', () => {
    const { call, remote } = fakeCall();
    const reactions = new Reactions(call);
    const shown: ReactionEvent[] = [];
    reactions.on('reaction', (reaction) => shown.push(reaction));
    const sent = Array.from({ length: 10 }, () => reactions.send('👍')).filter(Boolean);
    expect(sent).toHaveLength(5);
    expect(remote.send).toHaveBeenCalledTimes(5);
    expect(shown.every((r) => r.from === 'me')).toBe(true);
  });
});
