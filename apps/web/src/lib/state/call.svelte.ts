import type { ErrorPayload } from '@meshmeet/protocol';
import { Call, type CallStatus } from '../call/call.js';
import { Chat } from '../call/chat.js';
import type { LocalMedia } from '../call/local-media.js';
import type { SignalingClient } from '../signaling/signaling-client.js';
import { ChatState } from './chat.svelte.js';
import { ParticipantState } from './participant.svelte.js';

/**
 * Reactive view of a Call for components: its status, and one ParticipantState per person. The list
 * changes only when someone joins or leaves; everything else updates inside each ParticipantState.
 */
export class CallState {
  readonly call: Call;
  readonly local: ParticipantState;
  readonly chat: ChatState;
  status = $state<CallStatus>('idle');
  error = $state.raw<ErrorPayload | undefined>(undefined);
  remotes = $state.raw<ParticipantState[]>([]);

  constructor(signaling: SignalingClient, media: LocalMedia, roomId: string, name: string, passcode?: string) {
    this.call = new Call(signaling, media, roomId, name, passcode);
    this.local = new ParticipantState(this.call.local);
    this.chat = new ChatState(new Chat(this.call));
    this.call.on('status', (status) => {
      this.status = status;
      this.error = this.call.error;
    });
    this.call.on('participant-joined', (remote) => (this.remotes = [...this.remotes, new ParticipantState(remote)]));
    this.call.on('participant-left', (remote) => {
      this.remotes.find((state) => state.participant === remote)?.dispose();
      this.remotes = this.remotes.filter((state) => state.participant !== remote);
    });
  }

  join(): Promise<void> {
    return this.call.join();
  }

  leave(): void {
    this.call.leave();
    this.chat.dispose();
  }
}
