import {
  DATA_CHANNEL,
  FIRST_OFFER_WAIT_MS,
  encodePeerMessage,
  midsInOrder,
  parsePeerMessage,
  SOURCE_KIND,
  SOURCES,
  sourceAtMediaSection,
  type IceCandidate,
  type PeerMessage,
  type PeerMessageResult,
  type SessionDescription,
  type Source,
} from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import type { Logger } from '../log.js';
import { IceRestartPolicy, type LinkHealth } from './ice-restart-policy.js';
import { CandidateQueue, decideOnDescription } from './negotiation.js';
import { preferredVideoCodecs } from './codecs.js';
import { withOpusParameters } from './sdp.js';
import { readLinkStats, type LinkStats, type StatsMemory } from './link-stats.js';
import { safetyCode } from './safety-code.js';
import { SCREEN_ENCODING, type VideoEncoding } from './video-encoding.js';
import type { SourceEncoding } from './video-allocator.js';

export interface PeerLinkOptions {
  remoteId: string;
  polite: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The side that learned of the other from the join roster makes the first offer; the other waits for it. */
  initiator: boolean;
  /** How long the waiting side waits for that offer before offering itself (the protocol's FIRST_OFFER_WAIT_MS). */
  firstOfferWaitMs?: number;
  /** The local track each source sends right now (null: nothing). */
  localTrack: (source: Source) => MediaStreamTrack | null;
  sendDescription: (description: SessionDescription) => void;
  sendCandidate: (candidate: IceCandidate) => void;
  log: Logger;
}

export type { LinkHealth } from './ice-restart-policy.js';

export interface PeerLinkEvents extends Record<string, unknown> {
  /** The remote side's track for a source (it may be muted while that source is off). */
  track: { source: Source; track: MediaStreamTrack };
  connectionState: RTCPeerConnectionState;
  health: LinkHealth;
  /** Every description this link produced or applied. */
  negotiation: { direction: 'sent' | 'received'; type: 'offer' | 'answer' };
  /** A valid peer message from the remote participant. */
  message: PeerMessage;
  /** The data channel opened or closed. */
  channel: 'open' | 'closed';
  /** The pair's safety code, from both certificate fingerprints in effect (see safety-code.ts). */
  safetyCode: string;
}

/** Bytes queued on the data channel beyond which messages are dropped rather than buffered. */
const MAX_CHANNEL_BUFFER = 1024 * 1024;
/** Messages held while the data channel is still opening (a new link), then sent in order. */
const MAX_WAITING_MESSAGES = 64;

/**
 * One RTCPeerConnection to one remote participant, negotiated with the perfect negotiation pattern.
 * Every link carries one transceiver per source (mic, camera, screen) in the fixed order the protocol
 * states, plus one negotiated data channel, all in the first offer. Turning a source on or off, or
 * switching its device, is a `replaceTrack` on that source's sender: never a renegotiation.
 */
export class PeerLink extends Emitter<PeerLinkEvents> {
  readonly pc: RTCPeerConnection;
  readonly remoteId: string;
  /** Peer messages dropped because they were invalid or too large, by reason. */
  readonly droppedMessages: Record<Exclude<PeerMessageResult, { ok: true }>['reason'], number> = {
    not_text: 0,
    too_large: 0,
    not_json: 0,
    invalid: 0,
  };
  private readonly options: PeerLinkOptions;
  private readonly log: Logger;
  private readonly bySource = new Map<Source, RTCRtpTransceiver>();
  private channel: RTCDataChannel | undefined;
  private readonly waiting: string[] = [];
  private makingOffer = false;
  private ignoreOffer = false;
  private isSettingRemoteAnswerPending = false;
  private readonly pendingCandidates = new CandidateQueue<RTCIceCandidateInit>();
  /** Inbound signaling is applied strictly in order, one message at a time. */
  private inbound: Promise<void> = Promise.resolve();
  private closed = false;
  private firstOfferTimer: ReturnType<typeof setTimeout> | undefined;
  /** Per-source limits: from the room size, or (adaptive) from the receiver's hints and our budgets. */
  private readonly encodings: Partial<Record<'camera' | 'screen', VideoEncoding & { active?: boolean }>> = {};
  private statsMemory: StatsMemory | undefined;
  private encodingChain: Promise<void> = Promise.resolve();
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
    this.log = options.log;
    this.pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
    });
    this.pc.addEventListener('track', (event) => this.onTrack(event));
    this.pc.addEventListener('icecandidate', ({ candidate }) => {
      // A null candidate means gathering finished; the remote side needs nothing for it.
      if (candidate && !this.closed) this.options.sendCandidate(candidate.toJSON() as IceCandidate);
    });
    this.pc.addEventListener('negotiationneeded', () => void this.makeOffer());
    this.pc.addEventListener('iceconnectionstatechange', () => this.iceRestarts.onIceState(this.pc.iceConnectionState));
    this.pc.addEventListener('connectionstatechange', () => {
      this.emit('connectionState', this.pc.connectionState);
      if (this.pc.connectionState === 'connected') void this.updateSafetyCode();
    });
    // A renegotiation may bring new certificates (a peer that restarted its connection): read again.
    this.pc.addEventListener('signalingstatechange', () => {
      if (this.pc.signalingState === 'stable' && this.pc.connectionState === 'connected') void this.updateSafetyCode();
    });
    if (options.initiator) {
      this.prepareFirstOffer();
    } else {
      // The newcomer's offer may never come (lost, or a client that does not offer): offer ourselves
      // then. If both offers cross, perfect negotiation keeps one and mapTransceivers drops the other's.
      this.firstOfferTimer = setTimeout(() => {
        this.firstOfferTimer = undefined;
        if (this.closed || this.pc.remoteDescription || this.pc.signalingState !== 'stable') return;
        this.log.warn(`no offer from ${this.remoteId} after ${options.firstOfferWaitMs ?? FIRST_OFFER_WAIT_MS} ms: offering instead`);
        this.prepareFirstOffer();
      }, options.firstOfferWaitMs ?? FIRST_OFFER_WAIT_MS);
    }
  }

  /**
   * One transceiver per source, in the protocol's order, then the data channel: all in the first offer
   * (made by the negotiationneeded that adding them fires).
   */
  private prepareFirstOffer(): void {
    for (const source of SOURCES) {
      const track = this.options.localTrack(source);
      const transceiver = this.pc.addTransceiver(track ?? SOURCE_KIND[source], { direction: 'sendrecv' });
      this.preferCodecs(transceiver);
      this.bySource.set(source, transceiver);
    }
    this.openChannel();
  }

  /** The last safety code emitted, if any. */
  safetyCode: string | undefined;

  /** Derives the pair's code from the descriptions in effect on this side; emits it when it changes. */
  private async updateSafetyCode(): Promise<void> {
    const local = this.pc.currentLocalDescription?.sdp;
    const remote = this.pc.currentRemoteDescription?.sdp;
    if (this.closed || !local || !remote) return;
    const code = await safetyCode(local, remote);
    if (code === undefined || code === this.safetyCode || this.closed) return;
    this.safetyCode = code;
    this.emit('safetyCode', code);
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  get health(): LinkHealth {
    return this.iceRestarts.health;
  }

  /**
   * The level of the remote microphone as last received (0 to 1), from the RTP header extension the
   * sender adds to every audio packet (RFC 6464). 0 when nothing arrived in the last second.
   */
  remoteAudioLevel(now = performance.now()): number {
    const receiver = this.bySource.get('mic')?.receiver;
    if (!receiver || this.closed) return 0;
    const [latest] = receiver.getSynchronizationSources();
    if (!latest || latest.audioLevel === undefined || now - latest.timestamp > 1_000) return 0;
    return latest.audioLevel;
  }

  get channelOpen(): boolean {
    return this.channel?.readyState === 'open';
  }

  handleDescription(description: SessionDescription): Promise<void> {
    return this.enqueue(() => this.applyDescription(description));
  }

  handleCandidate(candidate: IceCandidate): Promise<void> {
    return this.enqueue(() => this.applyCandidate(candidate));
  }

  /** Puts a new local track (or none) on this link's sender for `source`, without renegotiating. */
  async replaceTrack(source: Source, track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.bySource.get(source);
    // Not negotiated yet on the answering side: the track is attached when the offer arrives.
    if (!transceiver || this.closed || transceiver.sender.track === track) return;
    await transceiver.sender.replaceTrack(track);
  }

  /**
   * Limits the camera video this link sends (resolution, frame rate, bitrate) with setParameters: no
   * renegotiation. Applied again after each negotiation, when the sender's encodings exist.
   */
  async setCameraEncoding(encoding: VideoEncoding): Promise<void> {
    this.encodings.camera = encoding;
    await this.applyEncodings();
  }

  /**
   * Sets how one source is sent on this link (adaptive mode): size, frame rate, bitrate, and whether
   * it is encoded at all (`active: false` when this receiver shows none of it).
   */
  async setVideoEncoding(source: 'camera' | 'screen', wanted: SourceEncoding): Promise<void> {
    const { active, scaleResolutionDownBy, maxFramerate, maxBitrate } = wanted;
    const encoding = { active, scaleResolutionDownBy, maxFramerate, maxBitrate };
    this.encodings[source] = encoding;
    await this.setEncoding(source, source === 'screen' ? { ...encoding, degradationPreference: SCREEN_ENCODING.degradationPreference } : encoding);
  }

  /** One read of this link's statistics (per-interval figures against the previous read). */
  async readStats(): Promise<LinkStats | undefined> {
    if (this.closed) return undefined;
    const midToSource = new Map<string, Source>();
    for (const [source, transceiver] of this.bySource) if (transceiver.mid !== null) midToSource.set(transceiver.mid, source);
    const report = await this.pc.getStats();
    const { stats, memory } = readLinkStats(
      report.values() as Iterable<Record<string, unknown> & { type: string; id: string }>,
      (mid) => midToSource.get(mid),
      performance.now(),
      this.statsMemory,
    );
    this.statsMemory = memory;
    return stats;
  }

  /**
   * Sends a peer message on the data channel. Until the channel opens (a link just made) a few
   * messages wait and go out in order once it does. False (nothing sent) if the message is invalid or
   * too large, the channel is closed, or too much is already waiting.
   */
  send(message: PeerMessage): boolean {
    const text = encodePeerMessage(message);
    if (text === undefined) {
      this.log.warn(`not sending an invalid or oversized "${message.type}" message`);
      return false;
    }
    if (this.closed) return false;
    const channel = this.channel;
    if (!channel || channel.readyState === 'connecting') {
      if (this.waiting.length >= MAX_WAITING_MESSAGES) return false;
      this.waiting.push(text);
      return true;
    }
    if (channel.readyState !== 'open' || channel.bufferedAmount > MAX_CHANNEL_BUFFER) return false;
    channel.send(text);
    return true;
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
    clearTimeout(this.firstOfferTimer);
    this.iceRestarts.dispose();
    this.channel?.close();
    this.pc.close();
    for (const transceiver of this.bySource.values()) transceiver.receiver.track.stop();
    this.clear();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.inbound.then(step).catch((error: unknown) => {
      if (!this.closed) this.log.error('negotiation step failed', error);
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
      if (!this.closed) this.log.error('could not create an offer', error);
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
      this.log.warn('ignored a stale answer');
      return;
    }
    this.isSettingRemoteAnswerPending = description.type === 'answer';
    try {
      // For the polite peer in a collision this performs an implicit rollback of its own offer. The
      // Opus preferences set our encoder for this link (see withOpusParameters).
      await this.pc.setRemoteDescription({ type: description.type, sdp: withOpusParameters(description.sdp) });
    } finally {
      this.isSettingRemoteAnswerPending = false;
    }
    this.emit('negotiation', { direction: 'received', type: description.type });
    this.mapTransceivers();
    if (description.type === 'offer') {
      // The answering side's data channel: created now (not earlier, which would make it offer too).
      this.openChannel();
      this.attachLocalTracks();
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (local && local.type === 'answer' && !this.closed) {
        this.options.sendDescription({ type: 'answer', sdp: local.sdp });
        this.emit('negotiation', { direction: 'sent', type: 'answer' });
      }
    }
    for (const candidate of this.pendingCandidates.drain()) await this.addCandidate(candidate);
    if (this.pc.signalingState === 'stable') await this.applyEncodings();
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
      if (!this.pendingCandidates.push(init)) this.log.warn('dropped an ICE candidate (queue full)');
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
      if (!this.ignoreOffer) this.log.warn('ignored an ICE candidate that no longer applies', error);
    }
  }

  /** The source of a transceiver: the position of its media section in the offer (see the protocol). */
  private sourceOf(transceiver: RTCRtpTransceiver): Source | undefined {
    if (transceiver.mid !== null) {
      const sdp = (this.pc.remoteDescription ?? this.pc.localDescription)?.sdp;
      if (sdp) return sourceAtMediaSection(midsInOrder(sdp).indexOf(transceiver.mid));
    }
    for (const [source, known] of this.bySource) if (known === transceiver) return source;
    return undefined;
  }

  /**
   * Maps transceivers to sources by media section. After an offer collision the polite side keeps
   * the transceivers of its rolled-back offer, never associated with a section: they are stopped so
   * they cannot ask for another negotiation.
   */
  private mapTransceivers(): void {
    const mapped = new Set<RTCRtpTransceiver>();
    for (const transceiver of this.pc.getTransceivers()) {
      if (transceiver.mid === null) continue;
      const source = this.sourceOf(transceiver);
      if (source) {
        this.bySource.set(source, transceiver);
        mapped.add(transceiver);
      }
    }
    if (mapped.size < SOURCES.length) return;
    for (const transceiver of this.pc.getTransceivers()) {
      if (transceiver.mid === null && !mapped.has(transceiver) && transceiver.currentDirection !== 'stopped') transceiver.stop();
    }
  }

  /**
   * The answering side gets its transceivers from the remote offer; give them our tracks and make
   * them send, before the answer is created, so no second negotiation is needed.
   */
  private attachLocalTracks(): void {
    for (const source of SOURCES) {
      const transceiver = this.bySource.get(source);
      if (!transceiver || transceiver.currentDirection === 'stopped') continue;
      if (transceiver.direction !== 'sendrecv') transceiver.direction = 'sendrecv';
      this.preferCodecs(transceiver);
      const track = this.options.localTrack(source);
      if (transceiver.sender.track !== track) void transceiver.sender.replaceTrack(track);
    }
  }

  /** Orders a video transceiver's codecs by cost here (see codecs.ts); the browser's default if it cannot. */
  private preferCodecs(transceiver: RTCRtpTransceiver): void {
    if (transceiver.receiver.track.kind !== 'video' || typeof transceiver.setCodecPreferences !== 'function') return;
    const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs;
    if (!codecs) return;
    try {
      transceiver.setCodecPreferences(preferredVideoCodecs(codecs));
    } catch (error) {
      this.log.warn('kept the browser\'s codec order', error);
    }
  }

  /** The limits set so far; the screen is sent for legibility (see SCREEN_ENCODING) until told otherwise. */
  private async applyEncodings(): Promise<void> {
    if (this.closed) return;
    await this.setEncoding('camera', this.encodings.camera);
    await this.setEncoding('screen', { ...SCREEN_ENCODING, ...this.encodings.screen });
  }

  /**
   * One `setParameters` at a time: a second `getParameters` while the first change is in flight
   * invalidates it (InvalidStateError "getParameters() needs to be called before setParameters").
   */
  private setEncoding(source: Source, wanted: (VideoEncoding & { active?: boolean; degradationPreference?: RTCDegradationPreference }) | undefined): Promise<void> {
    const next = this.encodingChain.then(() => this.applyEncoding(source, wanted));
    this.encodingChain = next.catch(() => {});
    return next;
  }

  private async applyEncoding(
    source: Source,
    wanted: (VideoEncoding & { active?: boolean; degradationPreference?: RTCDegradationPreference }) | undefined,
  ): Promise<void> {
    const sender = this.bySource.get(source)?.sender;
    if (!sender || !wanted) return;
    const parameters = sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: RTCDegradationPreference };
    const [encoding] = parameters.encodings ?? [];
    if (!encoding) return; // not negotiated yet
    const { degradationPreference, ...limits } = wanted;
    const same = (Object.keys(limits) as (keyof typeof limits)[]).every((key) => encoding[key] === limits[key]);
    if (same && (degradationPreference === undefined || parameters.degradationPreference === degradationPreference)) return;
    Object.assign(encoding, limits);
    if (degradationPreference) parameters.degradationPreference = degradationPreference;
    try {
      await sender.setParameters(parameters);
    } catch (error) {
      // Browsers that do not take a degradation preference here still take the limits.
      if (degradationPreference === undefined) {
        this.log.with({ source }).warn('could not limit the video sent on this link', error);
        return;
      }
      delete parameters.degradationPreference;
      await sender.setParameters(parameters).catch((retryError: unknown) => this.log.with({ source }).warn('could not limit the video sent on this link', retryError));
    }
  }

  private openChannel(): void {
    if (this.channel || this.closed) return;
    const channel = this.pc.createDataChannel(DATA_CHANNEL.label, { negotiated: true, id: DATA_CHANNEL.id, ordered: true });
    this.channel = channel;
    channel.addEventListener('open', () => {
      for (const text of this.waiting.splice(0)) channel.send(text);
      this.emit('channel', 'open');
    });
    channel.addEventListener('close', () => this.emit('channel', 'closed'));
    channel.addEventListener('message', ({ data }) => {
      const result = parsePeerMessage(data);
      if (result.ok) {
        this.emit('message', result.message);
        return;
      }
      // Counted, never thrown: a peer cannot break this link by sending garbage.
      if (this.droppedMessages[result.reason]++ === 0) this.log.warn(`dropped a peer message (${result.reason})`);
    });
  }

  private onTrack({ track, transceiver }: RTCTrackEvent): void {
    const source = this.sourceOf(transceiver);
    if (!source) {
      this.log.warn(`ignored a remote ${track.kind} track outside the protocol's sources`);
      return;
    }
    this.bySource.set(source, transceiver);
    this.emit('track', { source, track });
  }
}
