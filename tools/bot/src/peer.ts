import {
  DATA_CHANNEL,
  encodePeerMessage,
  FIRST_OFFER_WAIT_MS,
  parsePeerMessage,
  SOURCE_KIND,
  SOURCES,
  type IceCandidate,
  type PeerMessage,
  type SessionDescription,
  type Source,
} from '@meshmeet/protocol';
import { RTCPeerConnection, RTCRtpCodecParameters, type MediaStreamTrack, type RTCDataChannel, type RTCRtpTransceiver, type RtpPacket } from 'werift';

export interface PeerOptions {
  remoteId: string;
  /** The participant whose id sorts first is polite (the protocol's perfect-negotiation rule). */
  polite: boolean;
  /** The newcomer makes the first offer; the other side waits (and offers after FIRST_OFFER_WAIT_MS). */
  initiator: boolean;
  iceServers: { urls: string | string[]; username?: string | undefined; credential?: string | undefined }[];
  iceTransportPolicy: 'all' | 'relay';
  /** Extra host addresses to gather (werift needs 127.0.0.1 where only loopback exists). */
  hostAddresses: string[];
  sendDescription: (description: SessionDescription) => void;
  sendCandidate: (candidate: IceCandidate) => void;
  /** A packet of the remote participant's `source` arrived. */
  onRtp: (source: Source, packet: RtpPacket) => void;
  onMessage: (message: PeerMessage) => void;
  log: (message: string) => void;
}

/** VP8 and Opus only: every meshmeet peer supports both (the protocol's codec rule), and the bot sends nothing else. */
const CODECS = {
  audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
  video: [
    new RTCRtpCodecParameters({
      mimeType: 'video/VP8',
      clockRate: 90_000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }],
    }),
  ],
};

/**
 * The bot's side of one link: a werift RTCPeerConnection negotiated as the protocol says (one
 * transceiver per source in the fixed order, the negotiated data channel, perfect negotiation).
 */
export class Peer {
  readonly pc: RTCPeerConnection;
  private readonly bySource = new Map<Source, RTCRtpTransceiver>();
  private channel: RTCDataChannel | undefined;
  private channelOpen = false;
  private makingOffer = false;
  private closed = false;
  private readonly pendingCandidates: IceCandidate[] = [];
  private inbound: Promise<void> = Promise.resolve();
  private readonly firstOfferTimer: ReturnType<typeof setTimeout> | undefined;
  /** RTP packets received per source (what the bot "receives from everyone"). */
  readonly received: Record<Source, { packets: number; frames: number }> = { mic: { packets: 0, frames: 0 }, camera: { packets: 0, frames: 0 }, screen: { packets: 0, frames: 0 } };

  constructor(private readonly options: PeerOptions) {
    this.pc = new RTCPeerConnection({
      iceServers: options.iceServers.map(({ urls, username, credential }) => ({
        urls: Array.isArray(urls) ? urls[0]! : urls,
        ...(username !== undefined ? { username } : {}),
        ...(credential !== undefined ? { credential } : {}),
      })),
      iceTransportPolicy: options.iceTransportPolicy,
      bundlePolicy: 'max-bundle',
      codecs: CODECS,
      iceAdditionalHostAddresses: options.hostAddresses,
    });
    this.pc.onIceCandidate.subscribe((candidate) => {
      if (!candidate || this.closed) return;
      const json = candidate.toJSON();
      this.options.sendCandidate({ candidate: json.candidate ?? '', sdpMid: json.sdpMid ?? null, sdpMLineIndex: json.sdpMLineIndex ?? null });
    });
    this.pc.connectionStateChange.subscribe((state) => this.options.log(`link to ${options.remoteId}: ${state}`));
    if (options.initiator) {
      void this.offerFirst();
    } else {
      this.firstOfferTimer = setTimeout(() => {
        if (this.closed || this.pc.remoteDescription || this.pc.signalingState !== 'stable') return;
        this.options.log(`no offer from ${options.remoteId} after ${FIRST_OFFER_WAIT_MS} ms: offering instead`);
        void this.offerFirst();
      }, FIRST_OFFER_WAIT_MS);
    }
  }

  get connected(): boolean {
    return this.pc.connectionState === 'connected';
  }

  get dataChannelOpen(): boolean {
    return this.channelOpen;
  }

  /** Sends RTP on our sender of `source` (werift stamps its own SSRC, payload type and sequence). */
  sendRtp(source: Source, packet: RtpPacket): void {
    const transceiver = this.bySource.get(source);
    if (!transceiver || this.closed || !this.connected) return;
    void transceiver.sender.sendRtp(packet).catch(() => undefined);
  }

  /** Asks the remote sender of `source` for a key frame (echo mode forwards its pictures). */
  requestKeyFrame(source: Source): void {
    const transceiver = this.bySource.get(source);
    const ssrc = transceiver?.receiver.tracks[0]?.ssrc;
    if (transceiver && ssrc !== undefined) void transceiver.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
  }

  send(message: PeerMessage): boolean {
    const text = encodePeerMessage(message);
    if (!text || !this.channel || !this.channelOpen) return false;
    this.channel.send(text);
    return true;
  }

  handleDescription(description: SessionDescription): Promise<void> {
    return this.enqueue(() => this.applyDescription(description));
  }

  handleCandidate(candidate: IceCandidate): Promise<void> {
    return this.enqueue(async () => {
      if (candidate.candidate === '') return; // end of candidates: nothing to do
      if (!this.pc.remoteDescription) {
        if (this.pendingCandidates.length < 200) this.pendingCandidates.push(candidate);
        return;
      }
      await this.addCandidate(candidate);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.firstOfferTimer);
    await this.pc.close().catch(() => undefined);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.inbound.then(step).catch((error: unknown) => {
      if (!this.closed) this.options.log(`negotiation with ${this.options.remoteId} failed: ${String(error)}`);
    });
    this.inbound = run;
    return run;
  }

  /** One transceiver per source in the protocol's order, the data channel, then the offer. */
  private async offerFirst(): Promise<void> {
    for (const source of SOURCES) this.bySource.set(source, this.pc.addTransceiver(SOURCE_KIND[source], { direction: 'sendrecv' }));
    this.watchTransceivers();
    this.openChannel();
    this.makingOffer = true;
    try {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      if (!this.closed) this.options.sendDescription({ type: 'offer', sdp: this.pc.localDescription!.sdp });
    } finally {
      this.makingOffer = false;
    }
  }

  private async applyDescription(description: SessionDescription): Promise<void> {
    if (this.closed) return;
    const collision = description.type === 'offer' && (this.makingOffer || this.pc.signalingState !== 'stable');
    if (collision && !this.options.polite) return; // the impolite side ignores a colliding offer
    if (description.type === 'answer' && this.pc.signalingState !== 'have-local-offer') return; // stale
    if (collision) await this.pc.setLocalDescription({ type: 'rollback' });
    await this.pc.setRemoteDescription(description);
    if (description.type === 'offer') {
      this.mapTransceivers();
      this.openChannel();
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      if (!this.closed) this.options.sendDescription({ type: 'answer', sdp: this.pc.localDescription!.sdp });
    }
    for (const candidate of this.pendingCandidates.splice(0)) await this.addCandidate(candidate);
  }

  private async addCandidate(candidate: IceCandidate): Promise<void> {
    try {
      await this.pc.addIceCandidate({ candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? undefined, sdpMLineIndex: candidate.sdpMLineIndex ?? undefined });
    } catch {
      // A candidate of an ICE generation that no longer applies: harmless.
    }
  }

  /** The n-th media section is the n-th source, whoever offered (the protocol's media-section rule). */
  private mapTransceivers(): void {
    const media = this.pc.getTransceivers().filter((transceiver) => transceiver.mid !== null);
    SOURCES.forEach((source, index) => {
      const transceiver = media[index];
      if (!transceiver) return;
      transceiver.setDirection('sendrecv');
      this.bySource.set(source, transceiver);
    });
    this.watchTransceivers();
  }

  private readonly watched = new Set<RTCRtpTransceiver>();
  private readonly seen = new Set<MediaStreamTrack>();

  private watchTransceivers(): void {
    for (const [source, transceiver] of this.bySource) {
      if (this.watched.has(transceiver)) continue;
      this.watched.add(transceiver);
      const receive = (track: MediaStreamTrack) =>
        track.onReceiveRtp.subscribe((packet) => {
          const counts = this.received[source];
          counts.packets += 1;
          // The marker bit ends a video frame; every audio packet is a frame.
          if (packet.header.marker || SOURCE_KIND[source] === 'audio') counts.frames += 1;
          this.options.onRtp(source, packet);
        });
      const receiveOnce = (track: MediaStreamTrack) => {
        if (this.seen.has(track)) return;
        this.seen.add(track);
        receive(track);
      };
      // A transceiver made from a remote offer may have its track already (werift adds it while applying the offer).
      for (const track of transceiver.receiver.tracks) receiveOnce(track);
      transceiver.onTrack.subscribe(receiveOnce);
    }
  }

  private openChannel(): void {
    if (this.channel) return;
    const channel = this.pc.createDataChannel(DATA_CHANNEL.label, { negotiated: true, id: DATA_CHANNEL.id, ordered: true });
    this.channel = channel;
    channel.stateChanged.subscribe((state) => {
      this.channelOpen = state === 'open';
    });
    channel.onMessage.subscribe((data) => {
      // Peers trust each other no more than the server: validated, bounded, dropped when wrong.
      const parsed = parsePeerMessage(typeof data === 'string' ? data : undefined);
      if (!parsed.ok) return;
      if (parsed.message.type === 'ping') this.send({ v: 1, type: 'pong', nonce: parsed.message.nonce });
      this.options.onMessage(parsed.message);
    });
  }
}
