import type { ErrorPayload } from '@meshmeet/protocol';
import { Call, type CallOptions, type CallStatus } from '../call/call.js';
import { Chat } from '../call/chat.js';
import { Reactions } from '../call/reactions.js';
import type { LocalMedia } from '../call/local-media.js';
import type { RemoteParticipant } from '../call/participant.js';
import type { SignalingClient } from '../signaling/signaling-client.js';
import { ChatState } from './chat.svelte.js';
import { ParticipantState } from './participant.svelte.js';
import { ReactionsState } from './reactions.svelte.js';

/**
 * Reactive view of a Call for components: its status, and one ParticipantState per person. The list
 * changes only when someone joins or leaves; everything else updates inside each ParticipantState.
 */
export class CallState {
  readonly call: Call;
  readonly local: ParticipantState;
  readonly chat: ChatState;
  readonly reactions: ReactionsState;
  status = $state<CallStatus>('idle');
  error = $state.raw<ErrorPayload | undefined>(undefined);
  remotes = $state.raw<ParticipantState[]>([]);
  /** The latest event worth telling a screen-reader user (a polite live region reads it). */
  announcement = $state('');
  /** You are speaking while muted: nobody hears you, and the call says so. */
  speakingWhileMuted = $state(false);
  /** Whether the list of people is open (the chat's own state says whether the chat is). */
  peopleOpen = $state(false);
  /** What holds your own video back: your uplink or your computer (shown as a notice). */
  videoLimit = $state<'none' | 'bandwidth' | 'cpu'>('none');
  /** The tile you pinned (a local choice): it gets the large area. */
  pinned = $state.raw<{ id: string; source: 'camera' | 'screen' } | null>(null);
  /** Unsubscribers per remote participant: bookkeeping, never rendered, so not reactive. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly watching = new Map<RemoteParticipant, () => void>();

  constructor(signaling: SignalingClient, media: LocalMedia, roomId: string, name: string, passcode?: string, options: CallOptions = {}) {
    this.call = new Call(signaling, media, roomId, name, passcode, options);
    this.local = new ParticipantState(this.call.local);
    this.chat = new ChatState(new Chat(this.call));
    this.reactions = new ReactionsState(new Reactions(this.call));
    this.call.on('status', (status) => {
      this.status = status;
      this.error = this.call.error;
    });
    this.call.on('participant-joined', (remote) => {
      this.remotes = [...this.remotes, new ParticipantState(remote)];
      this.watch(remote);
      if (this.status === 'joined') this.announce(`${remote.name} joined`);
    });
    this.call.on('participant-left', (remote) => {
      this.remotes.find((state) => state.participant === remote)?.dispose();
      this.remotes = this.remotes.filter((state) => state.participant !== remote);
      this.watching.get(remote)?.();
      this.watching.delete(remote);
      if (this.status === 'joined') this.announce(`${remote.name} left`);
      if (this.pinned?.id === remote.id) this.pinned = null;
    });
    this.call.on('video-limit', (limit) => (this.videoLimit = limit));
    this.call.local.on('speaking-while-muted', (speaking) => (this.speakingWhileMuted = speaking));
    this.chat.chat.on('message', (message) => {
      if (!message.own && !this.chat.open) this.announce(`New message from ${message.name}: ${message.text}`);
    });
  }

  join(): Promise<void> {
    return this.call.join();
  }

  /** Chat and the list of people share the side of the call: opening one closes the other. */
  togglePanel(panel: 'chat' | 'people'): void {
    if (panel === 'chat') {
      this.chat.toggle();
      if (this.chat.open) this.peopleOpen = false;
    } else {
      this.peopleOpen = !this.peopleOpen;
      if (this.peopleOpen) this.chat.close();
    }
  }

  togglePin(id: string, source: 'camera' | 'screen'): void {
    this.pinned = this.pinned?.id === id && this.pinned.source === source ? null : { id, source };
  }

  toggleHand(): void {
    this.call.setHand(this.call.local.hand === null);
  }

  leave(): void {
    this.call.leave();
    this.chat.dispose();
    this.reactions.dispose();
    for (const off of this.watching.values()) off();
    this.watching.clear();
  }

  private watch(remote: RemoteParticipant): void {
    let presenting = remote.media.screen;
    const offs = [
      remote.on('hand', (hand) => {
        if (hand !== null) this.announce(`${remote.name} raised a hand`);
      }),
      remote.on('media', (media) => {
        if (media.screen && !presenting) this.announce(`${remote.name} is presenting`);
        presenting = media.screen;
      }),
    ];
    this.watching.set(remote, () => offs.forEach((off) => off()));
  }

  /** The same text twice in a row would not be read again: alternate an invisible difference. */
  private announce(text: string): void {
    this.announcement = this.announcement === text ? `${text}\u00a0` : text;
  }
}
