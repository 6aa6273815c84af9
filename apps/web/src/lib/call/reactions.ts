import { REACTIONS, type Reaction } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import { TokenBucket } from '../rate-limit.js';
import type { Call } from './call.js';

export interface ReactionEvent {
  /** Participant id of the sender (the link it came on; the local id for one's own). */
  from: string;
  emoji: Reaction;
}

export interface ReactionsEvents extends Record<string, unknown> {
  reaction: ReactionEvent;
}

/** A few per second per sender, on both ends: a flood from a peer shows as a few emoji, not hundreds. */
const BURST = 5;
const PER_SECOND = 3;

/** Emoji reactions, sent to everyone over the data channels and shown over the sender's tile. */
export class Reactions extends Emitter<ReactionsEvents> {
  private readonly own = new TokenBucket(BURST, PER_SECOND);
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly call: Call) {
    super();
    this.unsubscribe = [
      call.on('peer-message', ({ from, message }) => {
        if (message.type !== 'reaction') return;
        let bucket = this.buckets.get(from.id);
        if (!bucket) this.buckets.set(from.id, (bucket = new TokenBucket(BURST, PER_SECOND)));
        if (bucket.take()) this.emit('reaction', { from: from.id, emoji: message.emoji });
      }),
      call.on('participant-left', (remote) => this.buckets.delete(remote.id)),
    ];
  }

  /** Sends a reaction to everyone; false when it is not one of the offered emoji or too many were sent just now. */
  send(emoji: Reaction): boolean {
    if (!REACTIONS.includes(emoji) || !this.own.take()) return false;
    for (const remote of this.call.remotes.values()) remote.send({ v: 1, type: 'reaction', emoji });
    this.emit('reaction', { from: this.call.local.id, emoji });
    return true;
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.clear();
  }
}
