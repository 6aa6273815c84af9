import type { ErrorPayload, JoinResult, LinkReport, MediaState, Participant as ParticipantInfo, PeerMessage, Source } from '@meshmeet/protocol';
import { HeldMessages, LINK_REPORT_MAX_LINKS, SOURCES } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import { createLogger } from '../log.js';
import { markOnce } from '../marks.js';
import { SignalingError, type SignalingClient } from '../signaling/signaling-client.js';
import { isPolite } from '../webrtc/negotiation.js';
import { PeerLink } from '../webrtc/peer-link.js';
import { videoEncodingFor } from '../webrtc/video-encoding.js';
import type { LocalMedia } from './local-media.js';
import { connectivityMatrix, reportChanged, type Matrix } from './connectivity.js';
import { LocalParticipant, NOTHING_ON, RemoteParticipant } from './participant.js';
import { SpeakingMonitor } from './speaking-monitor.js';
import { VideoAdaptation, type VideoLimit } from './video-adaptation.js';
import { ViewReporter } from './view-hints.js';

export type CallStatus = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';

export interface CallEvents extends Record<string, unknown> {
  status: CallStatus;
  'participant-joined': RemoteParticipant;
  'participant-left': RemoteParticipant;
  /** A valid data-channel message from a remote participant (chat, reactions, …). */
  'peer-message': { from: RemoteParticipant; message: PeerMessage };
  /** What holds our own video back changed (shown as "your video is reduced"). */
  'video-limit': VideoLimit;
  /** Someone's link report (or our own) changed: the connectivity matrix may look different. */
  links: undefined;
}

export interface CallOptions {
  /**
   * Size every link's video to what its receiver shows and what our uplink and CPU carry (default).
   * Off: fixed steps by room size, for comparison in the capacity benchmark.
   */
  adaptive?: boolean;
  /** Join to listen only: nothing is captured or sent, and the others show us as listening. */
  receiveOnly?: boolean;
}

/** How often each link's statistics are read (and the adaptation revisited). */
const STATS_EVERY_MS = 1_000;

const log = createLogger('call');

const UNREACHABLE: ErrorPayload = { code: 'internal_error', message: 'Could not reach the meshmeet server. Check your connection.' };
const NO_ANSWER: ErrorPayload = { code: 'internal_error', message: 'The meshmeet server did not answer in time. Try again.' };
const BROKEN: ErrorPayload = { code: 'internal_error', message: 'Something went wrong in meshmeet. Reload the page and try again.' };

/**
 * The mesh: the local participant and one RemoteParticipant (one PeerLink) per other person, kept
 * in step with the room roster. Knows nothing about the UI.
 */
export class Call extends Emitter<CallEvents> {
  status: CallStatus = 'idle';
  error: ErrorPayload | undefined;
  readonly local: LocalParticipant;
  readonly remotes = new Map<string, RemoteParticipant>();
  private iceServers: RTCIceServer[] = [];
  private iceTransportPolicy: RTCIceTransportPolicy = 'all';
  private lastSentMedia: MediaState | undefined;
  private resumeToken: string | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  readonly receiveOnly: boolean;
  /** Signals from participants not introduced yet (see HeldMessages), applied when they are. */
  private readonly held = new HeldMessages<(remote: RemoteParticipant) => void>();
  /**
   * Room events that arrive while our join is in flight: someone joining at the same moment can be
   * announced to us before our own answer (the server puts us in the room first). Applied after it.
   */
  private earlyRoomEvents: (() => void)[] | undefined;
  /** Each participant's own view of its links (ours included), for the connectivity matrix. */
  private readonly linkReports = new Map<string, { links: LinkReport[]; at: number }>();
  private lastReport: { links: LinkReport[]; at: number } | undefined;
  private readonly speaking: SpeakingMonitor;
  /** Tells each remote how large we show their videos (their sender sizes its encoding to it). */
  readonly views: ViewReporter;
  private readonly adaptation: VideoAdaptation | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly signaling: SignalingClient,
    readonly media: LocalMedia,
    readonly roomId: string,
    name: string,
    /** Kept for rejoining after a reconnect; never shown or logged. */
    private readonly passcode?: string,
    options: CallOptions = {},
  ) {
    super();
    this.receiveOnly = options.receiveOnly === true;
    this.local = new LocalParticipant(name, media, this.receiveOnly);
    this.speaking = new SpeakingMonitor(media, this.local, () => this.remotes.values());
    this.views = new ViewReporter((id, view) => this.remotes.get(id)?.send({ v: 1, type: 'view', ...view }));
    if (options.adaptive !== false) {
      this.adaptation = new VideoAdaptation(media, () => this.remotes.values(), (limit) => this.emit('video-limit', limit));
      this.unsubscribe.push(media.on('track', () => void this.adaptation?.update()));
    }
    this.unsubscribe.push(
      signaling.on('participant-joined', ({ participant }) => this.whenJoined(() => this.addRemote(participant, false))),
      signaling.on('participant-left', ({ id }) => this.whenJoined(() => this.removeRemote(id))),
      signaling.on('participant-resumed', ({ participant }) => this.whenJoined(() => this.onRemoteResumed(participant))),
      signaling.on('description', ({ from, description }) => this.toRemote(from, (remote) => void remote.link.handleDescription(description))),
      signaling.on('candidate', ({ from, candidate }) => this.toRemote(from, (remote) => void remote.link.handleCandidate(candidate))),
      signaling.on('media-state', ({ from, media }) => this.toRemote(from, (remote) => remote.setMedia(media))),
      signaling.on('hand', ({ from, hand }) => this.toRemote(from, (remote) => remote.setHand(hand))),
      signaling.on('signal-error', ({ event, code }) => log.warn(`server refused "${event}": ${code}`)),
      signaling.onStatus((status) => void this.onSignalingStatus(status)),
      media.on('track', ({ source, track, pending }) => {
        if (this.receiveOnly) return;
        for (const remote of this.remotes.values()) pending.push(remote.link.replaceTrack(source, track));
      }),
      media.on('change', () => this.publishMediaState()),
    );
  }

  async join(): Promise<void> {
    this.setStatus('joining');
    this.error = undefined;
    try {
      await this.signaling.connect();
      this.earlyRoomEvents = [];
      const media = this.receiveOnly ? NOTHING_ON : this.media.state;
      const response = await this.signaling.join(this.roomId, this.local.name, media, this.passcode, this.receiveOnly);
      if (!response.ok) {
        this.fail(response.error);
        return;
      }
      performance.mark('meshmeet:joined');
      this.applyJoin(response);
    } catch (error) {
      if (error instanceof SignalingError) {
        this.fail(error.reason === 'unreachable' ? UNREACHABLE : error.reason === 'timeout' ? NO_ANSWER : BROKEN);
        return;
      }
      // A bug, not the network: say so, and keep the stack for whoever debugs it.
      log.error('joining failed', error);
      this.fail(BROKEN);
    }
  }

  /** Raises or lowers this person's hand; the server keeps it (late joiners see it) and orders hands. */
  setHand(raised: boolean): void {
    // Shown at once; the others order it by the server's time.
    this.local.setHand(raised ? (this.local.hand ?? Date.now()) : null);
    if (this.status === 'joined') this.signaling.sendHand(raised);
  }

  /** Leaves the room and closes every link. Local media stays with its owner (the lobby may reuse it). */
  leave(): void {
    if (this.status === 'left') return;
    if (this.status === 'joined') this.signaling.leave();
    this.removeAllRemotes();
    this.speaking.stop();
    clearInterval(this.statsTimer);
    this.views.close();
    for (const off of this.unsubscribe) off();
    this.signaling.disconnect();
    this.local.dispose();
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
    this.local.id = result.self.id;
    this.local.setName(result.self.name);
    this.applySession(result);
    // We are the newcomer: we make the first offer to everyone already here.
    for (const participant of result.participants) this.addRemote(participant, true);
    // Then whoever came, left or came back while we were joining.
    const early = this.earlyRoomEvents ?? [];
    this.earlyRoomEvents = undefined;
    for (const apply of early) apply();
    this.setStatus('joined');
    this.publishMediaState();
    // A new identity after the server forgot us: a raised hand stays raised.
    if (this.local.hand !== null) this.signaling.sendHand(true);
  }

  /**
   * Back as the same participant after an outage: peer connections were kept and media kept flowing.
   * Bring the mesh in line with the roster and redo any negotiation the outage interrupted.
   */
  private applyResume(result: JoinResult): void {
    this.applySession(result);
    const present = new Set(result.participants.map((p) => p.id));
    for (const id of [...this.remotes.keys()]) if (!present.has(id)) this.removeRemote(id);
    for (const participant of result.participants) {
      const known = this.remotes.get(participant.id);
      if (known) {
        known.setMedia(participant.media);
        known.setName(participant.name);
        known.setHand(participant.hand);
        void known.link.resync();
      } else {
        // Joined while we were away: their offer to us was lost, so we make one.
        this.addRemote(participant, true);
      }
    }
    this.setStatus('joined');
    this.publishMediaState();
  }

  private onRemoteResumed(participant: ParticipantInfo): void {
    const known = this.remotes.get(participant.id);
    if (!known) {
      this.addRemote(participant, true);
      return;
    }
    known.setMedia(participant.media);
    known.setHand(participant.hand);
    void known.link.resync();
  }

  private addRemote(participant: ParticipantInfo, initiator: boolean): void {
    const selfId = this.local.id;
    if (!selfId || participant.id === selfId || this.remotes.has(participant.id)) return;
    const link = new PeerLink({
      remoteId: participant.id,
      polite: isPolite(selfId, participant.id),
      iceServers: this.iceServers,
      iceTransportPolicy: this.iceTransportPolicy,
      initiator,
      localTrack: (source: Source) => (this.receiveOnly ? null : this.media.tracks[source]),
      sendDescription: (description) => this.signaling.sendDescription(participant.id, description),
      sendCandidate: (candidate) => this.signaling.sendCandidate(participant.id, candidate),
      log: createLogger('peer-link', { participant: participant.id }),
    });
    link.on('connectionState', (state) => {
      if (state === 'connected') markOnce('meshmeet:first-peer-connected');
    });
    const remote = new RemoteParticipant(participant.id, participant.name, participant.media, participant.hand, link, participant.receiveOnly);
    remote.on('message', (message) => {
      if (message.type === 'view') {
        remote.setView({ camera: message.camera, screen: message.screen });
        void this.adaptation?.update();
      }
      if (message.type === 'links') {
        this.linkReports.set(remote.id, { links: message.links, at: performance.now() });
        this.emit('links', undefined);
      }
      this.emit('peer-message', { from: remote, message });
    });
    remote.on('channel', (state) => {
      if (state !== 'open') return;
      this.views.resend(remote.id);
      if (this.lastReport) remote.send({ v: 1, type: 'links', links: this.lastReport.links });
    });
    this.remotes.set(participant.id, remote);
    this.adaptVideoToRoomSize();
    this.emit('participant-joined', remote);
    for (const apply of this.held.release(participant.id)) apply(remote);
  }

  /** Adaptive: the allocator revisits every link. Otherwise less camera video as the mesh grows (videoEncodingFor). */
  private adaptVideoToRoomSize(): void {
    if (this.adaptation) {
      void this.adaptation.update();
      return;
    }
    const encoding = videoEncodingFor(this.remotes.size);
    for (const remote of this.remotes.values()) void remote.link.setCameraEncoding(encoding);
  }

  private removeRemote(id: string): void {
    const remote = this.remotes.get(id);
    if (!remote) return;
    this.remotes.delete(id);
    this.views.forget(id);
    this.linkReports.delete(id);
    remote.dispose();
    this.adaptVideoToRoomSize();
    this.emit('participant-left', remote);
  }

  private removeAllRemotes(): void {
    for (const id of [...this.remotes.keys()]) this.removeRemote(id);
    this.held.clear();
  }

  /** Applies a signal to its sender's participant, or holds it until the sender is introduced. */
  private toRemote(from: string, apply: (remote: RemoteParticipant) => void): void {
    const remote = this.remotes.get(from);
    if (remote) apply(remote);
    else if (from !== this.local.id && !this.held.hold(from, apply)) log.warn('dropped a signal from an unknown participant');
  }

  private publishMediaState(): void {
    if (this.receiveOnly) return;
    const state = this.media.state;
    const changed = !this.lastSentMedia || SOURCES.some((source) => state[source] !== this.lastSentMedia?.[source]);
    if (this.status === 'joined' && changed && this.signaling.sendMediaState(state)) this.lastSentMedia = state;
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
      } catch (error) {
        if (!(error instanceof SignalingError)) log.error('resuming failed', error);
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
      if (response.error.code !== 'session_unknown') log.warn(`resume refused (${response.error.code}); joining again`);
    }
    // A new identity: the old peer connections belong to the old one.
    this.removeAllRemotes();
    this.local.id = '';
    this.resumeToken = undefined;
    await this.join();
  }

  /** Applies a room event now, or after our join answer if it is still on its way (bounded: a room is small). */
  private whenJoined(apply: () => void): void {
    if (!this.earlyRoomEvents) return apply();
    if (this.earlyRoomEvents.length < 64) this.earlyRoomEvents.push(apply);
  }

  private fail(error: ErrorPayload): void {
    this.earlyRoomEvents = undefined;
    this.error = error;
    this.setStatus('failed');
  }

  /** Every link's statistics, once a second: quality icons, details, and the adaptation's inputs. */
  private async readStats(): Promise<void> {
    let cpuLimited = false;
    await Promise.all(
      [...this.remotes.values()].map(async (remote) => {
        const stats = await remote.link.readStats().catch(() => undefined);
        if (!stats) return;
        remote.setStats(stats);
        if (stats.outbound.camera?.limitation === 'cpu') cpuLimited = true;
      }),
    );
    this.reportLinks();
    if (!this.adaptation) return;
    this.adaptation.observeCpu(cpuLimited, performance.now());
    await this.adaptation.update();
  }

  /** Who reaches whom, as far as everyone's reports tell (self first). */
  connectivity(): Matrix {
    // Our own row and column read "You" (and the hints "You and Bob …").
    const people = [{ id: this.local.id, name: 'You' }, ...[...this.remotes.values()].map((remote) => ({ id: remote.id, name: remote.name }))];
    const relayAvailable = this.iceServers.some((server) => [server.urls].flat().some((url) => /^turns?:/.test(url)));
    return connectivityMatrix(people, this.linkReports, performance.now(), relayAvailable);
  }

  /** Our links as we see them, kept for our own row and sent to everyone when they change (at most every 2 s). */
  private reportLinks(): void {
    const now = performance.now();
    const links: LinkReport[] = [...this.remotes.values()].slice(0, LINK_REPORT_MAX_LINKS).map((remote) => ({
      to: remote.id,
      state: remote.health,
      route: remote.stats?.route ?? null,
      rttMs: remote.health === 'connected' && remote.stats?.rttMs !== undefined ? Math.min(60_000, Math.round(remote.stats.rttMs)) : null,
      forMs: Math.min(86_400_000, Math.round(now - remote.healthChangedAt)),
    }));
    this.linkReports.set(this.local.id, { links, at: now });
    const last = this.lastReport;
    const due = !last || (reportChanged(last.links, links) && now - last.at >= 2_000) || now - last.at >= 10_000;
    if (!due) return;
    this.lastReport = { links, at: now };
    // Only over open channels: a link that is down would only queue a stale report.
    for (const remote of this.remotes.values()) if (remote.link.channelOpen) remote.send({ v: 1, type: 'links', links });
    this.emit('links', undefined);
  }

  private setStatus(status: CallStatus): void {
    if (this.status === status) return;
    this.status = status;
    if (status === 'joined') {
      this.speaking.start();
      this.statsTimer ??= setInterval(() => void this.readStats(), STATS_EVERY_MS);
    }
    this.emit('status', status);
  }
}
