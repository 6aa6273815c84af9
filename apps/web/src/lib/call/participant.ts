import { SOURCES, type MediaState, type PeerMessage, type Source } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import { gradeSample, QualityTracker, type LinkQuality, type LinkStats } from '../webrtc/link-stats.js';
import type { LinkHealth, PeerLink } from '../webrtc/peer-link.js';
import type { View } from './view-hints.js';
import type { LocalMedia } from './local-media.js';

/** Events every participant emits, one per kind of change. */
export interface ParticipantEvents extends Record<string, unknown> {
  /** The track of a source changed (null: none). */
  track: { source: Source; track: MediaStreamTrack | null };
  /** Which sources are on changed. */
  media: MediaState;
  name: string;
  /** When the hand went up (server time), or null when it is down. */
  hand: number | null;
  /** Started or stopped speaking (heard by the others: never while muted). */
  speaking: boolean;
}

export interface LocalParticipantEvents extends ParticipantEvents {
  /** Started or stopped speaking while muted: nobody hears it, the person should be told. */
  'speaking-while-muted': boolean;
}

export interface RemoteParticipantEvents extends ParticipantEvents {
  connection: RTCPeerConnectionState;
  health: LinkHealth;
  /** A valid message from this participant, over the link's data channel. */
  message: PeerMessage;
  /** The link's data channel opened or closed. */
  channel: 'open' | 'closed';
  /** This second's statistics of the link. */
  stats: LinkStats;
  /** The link's quality changed (with hysteresis). */
  quality: LinkQuality;
  /** How this participant shows our videos changed (their hint). */
  view: View;
  /** Our camera to them is paused: not even the smallest video fits their link (audio stays). */
  'video-paused': boolean;
  /** The pair's safety code (both certificate fingerprints): the same on both sides unless someone swapped one. */
  'safety-code': string;
}

/** What a tile shows: one source of one participant (LiveKit's TrackReference, as small as we need). */
export interface TrackReference {
  participant: Participant;
  source: Source;
}

const noTracks = (): Record<Source, MediaStreamTrack | null> => ({ mic: null, camera: null, screen: null });
/** The media state of a receive-only participant: every source off. */
export const NOTHING_ON: MediaState = { mic: false, camera: false, screen: false };

/** A person in the call, local or remote: a name, a media state per source, and a track per source. */
export abstract class Participant<E extends ParticipantEvents = ParticipantEvents> extends Emitter<E> {
  abstract readonly isLocal: boolean;
  protected readonly tracks = noTracks();
  hand: number | null = null;
  speaking = false;
  /** Joined to listen only: sends nothing, for the whole session (shown as listening, not muted). */
  receiveOnly = false;

  constructor(
    public id: string,
    public name: string,
    public media: MediaState,
  ) {
    super();
  }

  setHand(hand: number | null): void {
    if (this.hand === hand) return;
    this.hand = hand;
    (this as Emitter<ParticipantEvents>).emit('hand', hand);
  }

  setSpeaking(speaking: boolean): void {
    if (this.speaking === speaking) return;
    this.speaking = speaking;
    (this as Emitter<ParticipantEvents>).emit('speaking', speaking);
  }

  track(source: Source): MediaStreamTrack | null {
    return this.tracks[source];
  }

  protected setTrack(source: Source, track: MediaStreamTrack | null): void {
    if (this.tracks[source] === track) return;
    this.tracks[source] = track;
    (this as Emitter<ParticipantEvents>).emit('track', { source, track });
  }

  setMedia(media: MediaState): void {
    if (SOURCES.every((source) => this.media[source] === media[source])) return;
    this.media = media;
    (this as Emitter<ParticipantEvents>).emit('media', media);
  }

  setName(name: string): void {
    if (this.name === name) return;
    this.name = name;
    (this as Emitter<ParticipantEvents>).emit('name', name);
  }
}

/** This browser's participant: its tracks and media state come from the local devices and screen. */
export class LocalParticipant extends Participant<LocalParticipantEvents> {
  readonly isLocal = true;
  speakingWhileMuted = false;
  private readonly unsubscribe: () => void;

  constructor(
    name: string,
    readonly devices: LocalMedia,
    receiveOnly = false,
  ) {
    super('', name, receiveOnly ? NOTHING_ON : devices.state);
    this.receiveOnly = receiveOnly;
    if (receiveOnly) {
      this.unsubscribe = () => {};
      return;
    }
    for (const source of SOURCES) this.tracks[source] = devices.tracks[source];
    const offTrack = devices.on('track', ({ source, track }) => this.setTrack(source, track));
    const offChange = devices.on('change', () => this.setMedia(devices.state));
    this.unsubscribe = () => {
      offTrack();
      offChange();
    };
  }

  setSpeakingWhileMuted(speaking: boolean): void {
    if (this.speakingWhileMuted === speaking) return;
    this.speakingWhileMuted = speaking;
    this.emit('speaking-while-muted', speaking);
  }

  dispose(): void {
    this.unsubscribe();
    this.clear();
  }
}

/** Someone else in the call, reached over one PeerLink. */
export class RemoteParticipant extends Participant<RemoteParticipantEvents> {
  readonly isLocal = false;
  /** How they show our videos; undefined until they say. */
  view: View | undefined;
  stats: LinkStats | undefined;
  /** Our camera to them is paused: not even the smallest video fits their link (audio stays). */
  videoToThemPaused = false;
  private readonly quality = new QualityTracker();
  /** When the link's health last changed (performance.now()), for how long it has been connecting. */
  healthChangedAt = performance.now();

  constructor(
    id: string,
    name: string,
    media: MediaState,
    hand: number | null,
    readonly link: PeerLink,
    receiveOnly = false,
  ) {
    super(id, name, media);
    this.hand = hand;
    this.receiveOnly = receiveOnly;
    link.on('track', ({ source, track }) => this.setTrack(source, track));
    link.on('connectionState', (state) => this.emit('connection', state));
    link.on('health', (health) => {
      this.healthChangedAt = performance.now();
      this.emit('health', health);
    });
    link.on('message', (message) => this.emit('message', message));
    link.on('channel', (state) => this.emit('channel', state));
    link.on('safetyCode', (code) => this.emit('safety-code', code));
  }

  get safetyCode(): string | undefined {
    return this.link.safetyCode;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.link.connectionState;
  }

  get health(): LinkHealth {
    return this.link.health;
  }

  get linkQuality(): LinkQuality {
    return this.quality.quality;
  }

  setView(view: View): void {
    this.view = view;
    this.emit('view', view);
  }

  setStats(stats: LinkStats): void {
    this.stats = stats;
    this.emit('stats', stats);
    if (this.quality.update(gradeSample(stats, this.link.connectionState === 'connected'))) this.emit('quality', this.quality.quality);
  }

  setVideoToThemPaused(paused: boolean): void {
    if (this.videoToThemPaused === paused) return;
    this.videoToThemPaused = paused;
    this.emit('video-paused', paused);
  }

  /** Sends a message straight to this participant (never through the server); false if it could not go. */
  send(message: PeerMessage): boolean {
    return this.link.send(message);
  }

  dispose(): void {
    this.link.close();
    this.clear();
  }
}
