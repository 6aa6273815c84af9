import type { ErrorPayload, MediaState } from '@meshmeet/protocol';
import { Call, type CallStatus } from '../call/call.js';
import type { LocalMedia } from '../call/local-media.js';
import type { LinkHealth } from '../webrtc/peer-link.js';
import type { SignalingClient } from '../signaling/signaling-client.js';

export interface ParticipantView {
  id: string;
  name: string;
  media: MediaState;
  stream: MediaStream;
  trackCount: number;
  connectionState: RTCPeerConnectionState;
  health: LinkHealth;
}

declare global {
  interface Window {
    /** Diagnostics handle used by the end-to-end tests and handy in the console. */
    __meshmeet?: { call: Call };
  }
}

/** Reactive view of a Call for components. */
export class CallState {
  readonly call: Call;
  status = $state<CallStatus>('idle');
  error = $state.raw<ErrorPayload | undefined>(undefined);
  participants = $state.raw<ParticipantView[]>([]);
  selfName = $state('');

  constructor(roomId: string, name: string, media: LocalMedia, signaling: SignalingClient, passcode?: string) {
    this.call = new Call(signaling, media, roomId, name, passcode);
    this.call.on('change', () => this.refresh());
    window.__meshmeet = { call: this.call };
    this.refresh();
  }

  join(): Promise<void> {
    return this.call.join();
  }

  leave(): void {
    this.call.leave();
  }

  private refresh(): void {
    this.status = this.call.status;
    this.error = this.call.error;
    this.selfName = this.call.selfName;
    this.participants = [...this.call.participants.values()].map((p) => ({
      id: p.id,
      name: p.name,
      media: p.media,
      stream: p.link.remoteStream,
      trackCount: p.link.remoteStream.getTracks().length,
      connectionState: p.connectionState,
      health: p.health,
    }));
  }
}
