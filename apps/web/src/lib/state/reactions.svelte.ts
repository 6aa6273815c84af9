import type { Reaction } from '@meshmeet/protocol';
import type { Reactions } from '../call/reactions.js';

export interface FloatingReaction {
  key: number;
  from: string;
  emoji: Reaction;
}

/** How long a reaction floats over its sender's tile. */
const SHOWN_MS = 3_000;

/** Reactions currently floating over tiles, each removed after a few seconds. */
export class ReactionsState {
  floating = $state.raw<FloatingReaction[]>([]);
  pickerOpen = $state(false);
  private next = 0;
  /** Pending removals: bookkeeping, never rendered, so not reactive. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly off: () => void;

  constructor(readonly reactions: Reactions) {
    this.off = reactions.on('reaction', ({ from, emoji }) => {
      const key = this.next++;
      this.floating = [...this.floating, { key, from, emoji }];
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.floating = this.floating.filter((reaction) => reaction.key !== key);
      }, SHOWN_MS);
      this.timers.add(timer);
    });
  }

  of(participantId: string): FloatingReaction[] {
    return this.floating.filter((reaction) => reaction.from === participantId);
  }

  send(emoji: Reaction): void {
    this.reactions.send(emoji);
  }

  dispose(): void {
    this.off();
    for (const timer of this.timers) clearTimeout(timer);
    this.reactions.dispose();
  }
}
