import type { ErrorPayload, JoinResult, MediaState, Participant } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import { markOnce } from '../marks.js';
import type { SignalingClient } from '../signaling/signaling-client.js';
import { isPolite } from '../webrtc/negotiation.js';
import { PeerLink, type LinkHealth } from '../webrtc/peer-link.js';
import { videoEncodingFor } from '../webrtc/video-encoding.js';
import type { LocalMedia } from './local-media.js';

export interface RemoteParticipant {
  id: string;
  name: string;
  media: MediaState;
  link: PeerLink;
  connectionState: RTCPeerConnectionState;
  health: LinkHealth;
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
  private iceTransportPolicy: RTCIceTransportPolicy = 'all';
  private lastSentMedia: MediaState | undefined;
  private resumeToken: string | undefined;
  /** Counts rejoins as a new participant (the server had forgotten us), for diagnostics. */
  rejoins = 0;
  resumes = 0;
  /** Remote participants removed from the mesh so far (left, timed out, or gone after a rejoin). */
  removals = 0;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly signaling: SignalingClient,
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
      signaling.on('participant-resumed', ({ participant }) => this.onPeerResumed(participant)),
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

  /** What a join and a resume reply both carry for this session. */
  private applySession(result: JoinResult): void {
    this.iceServers = result.iceServers as RTCIceServer[];
    this.iceTransportPolicy = result.iceTransportPolicy;
    this.resumeToken = result.resumeToken;
    this.lastSentMedia = result.self.media;
  }

  private applyJoin(result: JoinResult): void {
    this.selfId = result.self.id;
    this.selfName = result.self.name;
    this.applySession(result);
    // We are the newcomer: we make the first offer to everyone already here.
    for (const participant of result.participants) this.addParticipant(participant, true);
    this.setStatus('joined');
    this.publishMediaState();
  }

  /**
   * Back as the same participant after an outage: peer connections were kept and media kept flowing.
   * Bring the mesh in line with the roster and redo any negotiation the outage interrupted.
   */
  private applyResume(result: JoinResult): void {
    this.resumes += 1;
    this.applySession(result);
    const present = new Set(result.participants.map((p) => p.id));
    for (const id of [...this.participants.keys()]) if (!present.has(id)) this.removeParticipant(id);
    for (const participant of result.participants) {
      const known = this.participants.get(participant.id);
      if (known) {
        known.media = participant.media;
        void known.link.resync();
      } else {
        // Joined while we were away: their offer to us was lost, so we make one.
        this.addParticipant(participant, true);
      }
    }
    this.setStatus('joined');
    this.publishMediaState();
  }

  private onPeerResumed(participant: Participant): void {
    const known = this.participants.get(participant.id);
    if (!known) {
      this.addParticipant(participant, true);
      return;
    }
    known.media = participant.media;
    void known.link.resync();
    this.emit('change', undefined);
  }

  private addParticipant(participant: Participant, initiator: boolean): void {
    const selfId = this.selfId;
    if (!selfId || participant.id === selfId || this.participants.has(participant.id)) return;
    const link = new PeerLink({
      remoteId: participant.id,
      polite: isPolite(selfId, participant.id),
      iceServers: this.iceServers,
      iceTransportPolicy: this.iceTransportPolicy,
      initiator,
      localTracks: () => ({ audio: this.media.audioTrack, video: this.media.videoTrack, stream: this.media.stream }),
      sendDescription: (description) => this.signaling.sendDescription(participant.id, description),
      sendCandidate: (candidate) => this.signaling.sendCandidate(participant.id, candidate),
    });
    const remote: RemoteParticipant = { ...participant, link, connectionState: link.connectionState, health: link.health };
    link.on('health', (health) => {
      remote.health = health;
      this.emit('change', undefined);
    });
    link.on('track', () => this.emit('change', undefined));
    link.on('connectionState', (state) => {
      remote.connectionState = state;
      if (state === 'connected') markOnce('meshmeet:first-peer-connected');
      this.emit('change', undefined);
    });
    link.on('negotiation', ({ direction, type }) => {
      const key = `${type}s${direction === 'sent' ? 'Sent' : 'Received'}` as keyof NegotiationCounts;
      this.negotiations[key] += 1;
    });
    this.participants.set(participant.id, remote);
    this.adaptVideoToRoomSize();
    this.emit('change', undefined);
  }

  /** Every link sends less as the mesh grows (see videoEncodingFor). */
  private adaptVideoToRoomSize(): void {
    const encoding = videoEncodingFor(this.participants.size);
    for (const participant of this.participants.values()) void participant.link.setVideoEncoding(encoding);
  }

  private removeParticipant(id: string): void {
    const participant = this.participants.get(id);
    if (!participant) return;
    this.removals += 1;
    participant.link.close();
    this.participants.delete(id);
    this.adaptVideoToRoomSize();
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
      if (this.signaling.sendMediaState(state)) this.lastSentMedia = state;
    }
    this.emit('change', undefined);
  }

  /**
   * Signaling dropped: peer connections stay up (media does not use the server). Once the socket is
   * back, resume as the same participant; if the server no longer knows us, join again as a new one.
   */
  private async onSignalingStatus(status: 'connecting' | 'connected' | 'disconnected'): Promise<void> {
    if (status === 'disconnected' && this.status === 'joined') this.setStatus('reconnecting');
    if (status === 'connected' && this.status === 'reconnecting') await this.resumeOrRejoin();
  }

  private async resumeOrRejoin(): Promise<void> {
    if (this.resumeToken) {
      let response;
      try {
        response = await this.signaling.resume(this.resumeToken);
      } catch {
        // No answer in time. If the socket dropped again the next reconnect retries; if not, retry now.
        setTimeout(() => {
          if (this.status === 'reconnecting' && this.signaling.connected) void this.resumeOrRejoin();
        }, 1_000);
        return;
      }
      if (response.ok) {
        this.applyResume(response);
        return;
      }
      if (response.error.code !== 'session_unknown') {
        console.warn(`meshmeet: resume refused (${response.error.code}); joining again`);
      }
    }
    // A new identity: the old peer connections belong to the old one.
    this.rejoins += 1;
    this.closeAllLinks();
    this.emit('change', undefined);
    this.selfId = undefined;
    this.resumeToken = undefined;
    await this.join();
  }

  private closeAllLinks(): void {
    this.removals += this.participants.size;
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
