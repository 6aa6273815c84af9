import { UNKNOWN_SENDER_HOLD } from './rules.js';

/**
 * Messages from participants we do not know yet, held until they are introduced (the protocol's
 * ordering rule): across server instances a description can overtake the `participant-joined` that
 * introduces its sender. Bounded per sender, in senders and in time (`UNKNOWN_SENDER_HOLD`); the rest
 * is dropped. Every client keeps one: the web app and the reference bot use this one.
 */
export class HeldMessages<M> {
  private readonly bySender = new Map<string, { since: number; messages: M[] }>();

  constructor(
    private readonly limits: { messages: number; ms: number; senders: number } = UNKNOWN_SENDER_HOLD,
    // Wall-clock time: a 10 s hold does not need a monotonic clock, and this package runs in browsers and Node alike.
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps `message` from `from` for later; false when it had to be dropped. */
  hold(from: string, message: M): boolean {
    this.forgetExpired();
    let held = this.bySender.get(from);
    if (!held) {
      if (this.bySender.size >= this.limits.senders) return false;
      held = { since: this.now(), messages: [] };
      this.bySender.set(from, held);
    }
    if (held.messages.length >= this.limits.messages) return false;
    held.messages.push(message);
    return true;
  }

  /** The messages held for `from`, in arrival order (and forgets them). */
  release(from: string): M[] {
    this.forgetExpired();
    const held = this.bySender.get(from);
    this.bySender.delete(from);
    return held?.messages ?? [];
  }

  clear(): void {
    this.bySender.clear();
  }

  get size(): number {
    let count = 0;
    for (const held of this.bySender.values()) count += held.messages.length;
    return count;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [from, held] of this.bySender) if (now - held.since > this.limits.ms) this.bySender.delete(from);
  }
}
