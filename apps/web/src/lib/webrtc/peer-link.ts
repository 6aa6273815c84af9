import type { IceCandidate, SessionDescription } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import { IceRestartPolicy, type LinkHealth } from './ice-restart-policy.js';
import { CandidateQueue, decideOnDescription } from './negotiation.js';
import type { VideoEncoding } from './video-encoding.js';

export type MediaKind = 'audio' | 'video';

export interface LocalTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  stream: MediaStream;
}

export interface PeerLinkOptions {
  remoteId: string;
  polite: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The side that learned of the other from the join roster makes the first offer; the other waits for it. */
  initiator: boolean;
  localTracks: () => LocalTracks;
  sendDescription: (description: SessionDescription) => void;
  sendCandidate: (candidate: IceCandidate) => void;
}

export type { LinkHealth } from './ice-restart-policy.js';

export interface PeerLinkEvents extends Record<string, unknown> {
  /** The remote stream gained a track. */
  track: MediaStream;
  connectionState: RTCPeerConnectionState;
  health: LinkHealth;
  /** Counts every description this link produced or applied, for diagnostics and tests. */
  negotiation: { direction: 'sent' | 'received'; type: 'offer' | 'answer' };
}

const KINDS: readonly MediaKind[] = ['audio', 'video'];

/**
 * One RTCPeerConnection to one remote participant, negotiated with the perfect negotiation pattern.
 * Media always travels on exactly one audio and one video transceiver per link, so turning a camera
 * off and on, or switching devices, is a `replaceTrack` and never a renegotiation.
 */
export class PeerLink extends Emitter<PeerLinkEvents> {
  readonly pc: RTCPeerConnection;
  readonly remoteStream = new MediaStream();
  readonly remoteId: string;
  private readonly options: PeerLinkOptions;
  private makingOffer = false;
  private ignoreOffer = false;
  private isSettingRemoteAnswerPending = false;
  private readonly pendingCandidates = new CandidateQueue<RTCIceCandidateInit>();
  /** Inbound signaling is applied strictly in order, one message at a time. */
  private inbound: Promise<void> = Promise.resolve();
  private closed = false;
  private videoEncoding: VideoEncoding | undefined;
  private readonly iceRestarts = new IceRestartPolicy({
    restartIce: () => {
      if (!this.closed) this.pc.restartIce();
    },
    healthChanged: (health) => this.emit('health', health),
  });

  constructor(options: PeerLinkOptions) {
    super();
    this.options = options;
    this.remoteId = options.remoteId;
    this.pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
    });
    this.pc.addEventListener('track', ({ track }) => this.onTrack(track));
    this.pc.addEventListener('icecandidate', ({ candidate }) => {
      // A null candidate means gathering finished; the remote side needs nothing for it.
      if (candidate && !this.closed) this.options.sendCandidate(candidate.toJSON() as IceCandidate);
    });
    this.pc.addEventListener('negotiationneeded', () => void this.makeOffer());
    this.pc.addEventListener('iceconnectionstatechange', () => this.iceRestarts.onIceState(this.pc.iceConnectionState));
    this.pc.addEventListener('connectionstatechange', () => this.emit('connectionState', this.pc.connectionState));
    if (options.initiator) {
      const local = options.localTracks();
      for (const kind of KINDS) {
        this.pc.addTransceiver(local[kind] ?? kind, { direction: 'sendrecv', streams: [local.stream] });
      }
    }
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  get health(): LinkHealth {
    return this.iceRestarts.health;
  }

  handleDescription(description: SessionDescription): Promise<void> {
    return this.enqueue(() => this.applyDescription(description));
  }

  handleCandidate(candidate: IceCandidate): Promise<void> {
    return this.enqueue(() => this.applyCandidate(candidate));
  }

  /**
   * Limits the video this link sends (resolution, frame rate, bitrate) with setParameters: no
   * renegotiation. Applied again after each negotiation, when the sender's encodings exist.
   */
  async setVideoEncoding(encoding: VideoEncoding): Promise<void> {
    this.videoEncoding = encoding;
    await this.applyVideoEncoding();
  }

  private async applyVideoEncoding(): Promise<void> {
    const sender = this.transceiverFor('video')?.sender;
    const wanted = this.videoEncoding;
    if (!sender || !wanted || this.closed) return;
    const parameters = sender.getParameters();
    const [encoding] = parameters.encodings ?? [];
    if (!encoding) return; // not negotiated yet
    if (
      encoding.maxBitrate === wanted.maxBitrate &&
      encoding.scaleResolutionDownBy === wanted.scaleResolutionDownBy &&
      encoding.maxFramerate === wanted.maxFramerate
    ) {
      return;
    }
    Object.assign(encoding, wanted);
    try {
      await sender.setParameters(parameters);
    } catch (error) {
      console.warn('meshmeet: could not limit the video sent on a link', error);
    }
  }

  /** Puts a new local track (or none) on this link's sender of that kind, without renegotiating. */
  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.transceiverFor(kind);
    if (!transceiver || this.closed) return;
    if (transceiver.sender.track === track) return;
    await transceiver.sender.replaceTrack(track);
  }

  /**
   * After a signaling outage (ours or the peer's), messages of this pair may have been lost. Redo
   * whatever negotiation was pending: a dangling local offer is rolled back and made again (with an
   * ICE restart), and a connection that is not up restarts ICE. A healthy, settled pair is left alone.
   */
  resync(): Promise<void> {
    return this.enqueue(async () => {
      if (this.closed) return;
      // restartIce() also triggers negotiationneeded, i.e. a fresh offer through perfect negotiation.
      if (this.pc.signalingState === 'have-local-offer') {
        await this.pc.setLocalDescription({ type: 'rollback' });
        this.pc.restartIce();
        return;
      }
      const ice = this.pc.iceConnectionState;
      if (this.pc.signalingState === 'stable' && ice !== 'connected' && ice !== 'completed') this.pc.restartIce();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.iceRestarts.dispose();
    this.pc.close();
    for (const track of this.remoteStream.getTracks()) track.stop();
    this.clear();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.inbound.then(step).catch((error: unknown) => {
      if (!this.closed) console.error('meshmeet: negotiation step failed', error);
    });
    this.inbound = run;
    return run;
  }

  private async makeOffer(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (local && (local.type === 'offer' || local.type === 'answer') && !this.closed) {
        this.options.sendDescription({ type: local.type, sdp: local.sdp });
        this.emit('negotiation', { direction: 'sent', type: local.type });
      }
    } catch (error) {
      if (!this.closed) console.error('meshmeet: could not create an offer', error);
    } finally {
      this.makingOffer = false;
    }
  }

  private async applyDescription(description: SessionDescription): Promise<void> {
    if (this.closed) return;
    const decision = decideOnDescription({
      type: description.type,
      makingOffer: this.makingOffer,
      signalingState: this.pc.signalingState,
      isSettingRemoteAnswerPending: this.isSettingRemoteAnswerPending,
      polite: this.options.polite,
    });
    this.ignoreOffer = decision.ignoreOffer;
    if (this.ignoreOffer) return;
    if (description.type === 'answer' && this.pc.signalingState !== 'have-local-offer') {
      // An answer to an offer we no longer have (rolled back after an outage): stale, ignore it.
      console.warn('meshmeet: ignored a stale answer');
      return;
    }
    this.isSettingRemoteAnswerPending = description.type === 'answer';
    try {
      // For the polite peer in a collision this performs an implicit rollback of its own offer.
      await this.pc.setRemoteDescription(description);
    } finally {
      this.isSettingRemoteAnswerPending = false;
    }
    this.emit('negotiation', { direction: 'received', type: description.type });
    if (description.type === 'offer') {
      this.attachLocalTracks();
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (local && local.type === 'answer' && !this.closed) {
        this.options.sendDescription({ type: 'answer', sdp: local.sdp });
        this.emit('negotiation', { direction: 'sent', type: 'answer' });
      }
    }
    for (const candidate of this.pendingCandidates.drain()) await this.addCandidate(candidate);
    if (this.pc.signalingState === 'stable') await this.applyVideoEncoding();
  }

  private async applyCandidate(candidate: IceCandidate): Promise<void> {
    if (this.closed) return;
    const init: RTCIceCandidateInit = {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? null,
      sdpMLineIndex: candidate.sdpMLineIndex ?? null,
      usernameFragment: candidate.usernameFragment ?? null,
    };
    if (!this.pc.remoteDescription) {
      if (!this.pendingCandidates.push(init)) console.warn('meshmeet: dropped an ICE candidate (queue full)');
      return;
    }
    await this.addCandidate(init);
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we ignored in a collision, or of an ICE generation replaced by a
      // restart, are expected to fail; neither affects the connection.
      if (!this.ignoreOffer) console.warn('meshmeet: ignored an ICE candidate that no longer applies', error);
    }
  }

  /**
   * The answering side gets its transceivers from the remote offer; give them our tracks and make
   * them send, before the answer is created, so no second negotiation is needed.
   */
  private attachLocalTracks(): void {
    const local = this.options.localTracks();
    for (const kind of KINDS) {
      const transceiver = this.transceiverFor(kind);
      if (!transceiver || transceiver.currentDirection === 'stopped') continue;
      if (transceiver.direction !== 'sendrecv') transceiver.direction = 'sendrecv';
      if (transceiver.sender.track === null && local[kind]) {
        void transceiver.sender.replaceTrack(local[kind]);
        transceiver.sender.setStreams?.(local.stream);
      }
    }
  }

  private transceiverFor(kind: MediaKind): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.receiver.track.kind === kind && t.currentDirection !== 'stopped');
  }

  private onTrack(track: MediaStreamTrack): void {
    if (!this.remoteStream.getTracks().includes(track)) {
      // One remote track per kind: a replaced transceiver's old track must not linger.
      for (const old of this.remoteStream.getTracks()) if (old.kind === track.kind) this.remoteStream.removeTrack(old);
      this.remoteStream.addTrack(track);
    }
    this.emit('track', this.remoteStream);
  }
}
