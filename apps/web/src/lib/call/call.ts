import type { ErrorPayload, JoinResult, MediaState, Participant } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import type { SignalingClient } from '../signaling/signaling-client.js';
import { isPolite } from '../webrtc/negotiation.js';
import { PeerLink } from '../webrtc/peer-link.js';
import type { LocalMedia } from './local-media.js';

export interface RemoteParticipant {
  id: string;
  name: string;
  media: MediaState;
  link: PeerLink;
  connectionState: RTCPeerConnectionState;
}

export type CallStatus = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';

export interface CallEvents extends Record<string, unknown> {
  change: void;
}

export interface NegotiationCounts {
  offersSent: number;
  answersSent: number;
  offersReceived: number;
  answersReceived: number;
}

/**
 * The mesh: one PeerLink per remote participant, kept in step with the room roster, plus the
 * local media shared by all links. Knows nothing about the UI.
 */
export class Call extends Emitter<CallEvents> {
  status: CallStatus = 'idle';
  selfId: string | undefined;
  selfName: string;
  error: ErrorPayload | undefined;
  readonly participants = new Map<string, RemoteParticipant>();
  readonly negotiations: NegotiationCounts = { offersSent: 0, answersSent: 0, offersReceived: 0, answersReceived: 0 };
  private iceServers: RTCIceServer[] = [];
  private lastSentMedia: MediaState | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly signaling: SignalingClient,
    readonly media: LocalMedia,
    readonly roomId: string,
    name: string,
    /** Kept for rejoining after a reconnect; never shown or logged. */
    private readonly passcode?: string,
  ) {
    super();
    this.selfName = name;
    this.unsubscribe.push(
      signaling.on('participant-joined', ({ participant }) => this.addParticipant(participant, false)),
      signaling.on('participant-left', ({ id }) => this.removeParticipant(id)),
      signaling.on('description', ({ from, description }) => void this.linkFor(from)?.handleDescription(description)),
      signaling.on('candidate', ({ from, candidate }) => void this.linkFor(from)?.handleCandidate(candidate)),
      signaling.on('media-state', ({ from, media }) => this.updateMedia(from, media)),
      signaling.on('signal-error', ({ event, code }) => console.warn(`meshmeet: server refused "${event}": ${code}`)),
      signaling.onStatus((status) => void this.onSignalingStatus(status)),
      media.on('track', ({ kind, track, pending }) => {
        for (const participant of this.participants.values()) pending.push(participant.link.replaceTrack(kind, track));
      }),
      media.on('change', () => this.publishMediaState()),
    );
  }

  async join(): Promise<void> {
    this.setStatus('joining');
    this.error = undefined;
    try {
      await this.signaling.connect();
      const response = await this.signaling.join(this.roomId, this.selfName, this.media.state, this.passcode);
      if (!response.ok) {
        this.fail(response.error);
        return;
      }
      performance.mark('meshmeet:joined');
      this.applyJoin(response);
    } catch {
      this.fail({ code: 'internal_error', message: 'Could not reach the meshmeet server. Check your connection.' });
    }
  }

  /** Leaves the room and closes every link. Local media stays with its owner (the lobby may reuse it). */
  leave(): void {
    if (this.status === 'left') return;
    if (this.status === 'joined') this.signaling.leave();
    this.closeAllLinks();
    for (const off of this.unsubscribe) off();
    this.signaling.disconnect();
    this.setStatus('left');
  }

  private applyJoin(result: JoinResult): void {
    this.selfId = result.self.id;
    this.selfName = result.self.name;
    this.iceServers = result.iceServers as RTCIceServer[];
    this.lastSentMedia = result.self.media;
    // We are the newcomer: we make the first offer to everyone already here.
    for (const participant of result.participants) this.addParticipant(participant, true);
    this.setStatus('joined');
    this.publishMediaState();
  }

  private addParticipant(participant: Participant, initiator: boolean): void {
    const selfId = this.selfId;
    if (!selfId || participant.id === selfId || this.participants.has(participant.id)) return;
    const link = new PeerLink({
      remoteId: participant.id,
      polite: isPolite(selfId, participant.id),
      iceServers: this.iceServers,
      initiator,
      localTracks: () => ({ audio: this.media.audioTrack, video: this.media.videoTrack, stream: this.media.stream }),
      sendDescription: (description) => this.signaling.sendDescription(participant.id, description),
      sendCandidate: (candidate) => this.signaling.sendCandidate(participant.id, candidate),
    });
    const remote: RemoteParticipant = { ...participant, link, connectionState: link.connectionState };
    link.on('track', () => this.emit('change', undefined));
    link.on('connectionState', (state) => {
      remote.connectionState = state;
      if (state === 'connected' && performance.getEntriesByName('meshmeet:first-peer-connected').length === 0) {
        performance.mark('meshmeet:first-peer-connected');
      }
      this.emit('change', undefined);
    });
    link.on('negotiation', ({ direction, type }) => {
      const key = `${type}s${direction === 'sent' ? 'Sent' : 'Received'}` as keyof NegotiationCounts;
      this.negotiations[key] += 1;
    });
    this.participants.set(participant.id, remote);
    this.emit('change', undefined);
  }

  private removeParticipant(id: string): void {
    const participant = this.participants.get(id);
    if (!participant) return;
    participant.link.close();
    this.participants.delete(id);
    this.emit('change', undefined);
  }

  private linkFor(id: string): PeerLink | undefined {
    return this.participants.get(id)?.link;
  }

  private updateMedia(id: string, media: MediaState): void {
    const participant = this.participants.get(id);
    if (!participant) return;
    participant.media = media;
    this.emit('change', undefined);
  }

  private publishMediaState(): void {
    const state = this.media.state;
    if (this.status === 'joined' && (state.audio !== this.lastSentMedia?.audio || state.video !== this.lastSentMedia?.video)) {
      this.lastSentMedia = state;
      this.signaling.sendMediaState(state);
    }
    this.emit('change', undefined);
  }

  /**
   * A new socket is a new participant to the server: rebuild the mesh under a fresh identity.
   * (Resuming the same identity without touching media is the next step.)
   */
  private async onSignalingStatus(status: 'connecting' | 'connected' | 'disconnected'): Promise<void> {
    if (status === 'disconnected' && this.status === 'joined') this.setStatus('reconnecting');
    if (status === 'connected' && this.status === 'reconnecting') {
      this.closeAllLinks();
      this.selfId = undefined;
      await this.join();
    }
  }

  private closeAllLinks(): void {
    for (const participant of this.participants.values()) participant.link.close();
    this.participants.clear();
  }

  private fail(error: ErrorPayload): void {
    this.error = error;
    this.setStatus('failed');
  }

  private setStatus(status: CallStatus): void {
    this.status = status;
    this.emit('change', undefined);
  }
}
