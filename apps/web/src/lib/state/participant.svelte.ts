import type { MediaState, Source } from '@meshmeet/protocol';
import type { Participant, RemoteParticipant } from '../call/participant.js';
import type { LinkQuality, LinkStats } from '../webrtc/link-stats.js';
import type { LinkHealth } from '../webrtc/peer-link.js';

/**
 * One participant, reactive: each field is replaced when that participant emits the matching event,
 * and nothing else is recomputed. The local participant uses the same class as everyone else.
 */
export class ParticipantState {
  name = $state('');
  media = $state.raw<MediaState>({ mic: false, camera: false, screen: false });
  tracks = $state.raw<Record<Source, MediaStreamTrack | null>>({ mic: null, camera: null, screen: null });
  connection = $state<RTCPeerConnectionState>('new');
  health = $state<LinkHealth>('connecting');
  hand = $state<number | null>(null);
  speaking = $state(false);
  quality = $state<LinkQuality>('good');
  stats = $state.raw<LinkStats | undefined>(undefined);
  /** Our camera to them is paused to keep the audio clear. */
  videoToThemPaused = $state(false);
  /** The pair's safety code, to compare aloud with this person. */
  safetyCode = $state<string | undefined>(undefined);
  /** Joined to listen only (fixed for the session): shown as listening, never as muted. */
  readonly receiveOnly: boolean;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(readonly participant: Participant | RemoteParticipant) {
    this.receiveOnly = participant.receiveOnly;
    this.name = participant.name;
    this.media = participant.media;
    this.hand = participant.hand;
    this.tracks = { mic: participant.track('mic'), camera: participant.track('camera'), screen: participant.track('screen') };
    const on = participant.on.bind(participant) as Participant['on'];
    this.unsubscribe.push(
      on('name', (name) => (this.name = name)),
      on('media', (media) => (this.media = media)),
      on('hand', (hand) => (this.hand = hand)),
      on('speaking', (speaking) => (this.speaking = speaking)),
      on('track', ({ source, track }) => (this.tracks = { ...this.tracks, [source]: track })),
    );
    if (!participant.isLocal) {
      const remote = participant as RemoteParticipant;
      this.connection = remote.connectionState;
      this.health = remote.health;
      this.safetyCode = remote.safetyCode;
      this.unsubscribe.push(
        remote.on('safety-code', (code) => (this.safetyCode = code)),
        remote.on('connection', (state) => (this.connection = state)),
        remote.on('health', (health) => (this.health = health)),
        remote.on('quality', (quality) => (this.quality = quality)),
        remote.on('stats', (stats) => (this.stats = stats)),
        remote.on('video-paused', (paused) => (this.videoToThemPaused = paused)),
      );
    }
  }

  get id(): string {
    return this.participant.id;
  }

  get isLocal(): boolean {
    return this.participant.isLocal;
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
