import type { LocalMedia } from './local-media.js';

/**
 * Audio levels are linear, 0 (silence) to 1 (full scale), as `RTCRtpSynchronizationSource.audioLevel`
 * reports them (RFC 6464 levels converted to linear). Speech at a normal distance from a laptop
 * microphone sits around 0.03 to 0.3; a quiet room below 0.01.
 */
export const SPEAKING_THRESHOLDS = {
  /** A level at or above this starts speech. */
  start: 0.035,
  /** Speech continues while the level stays at or above this ... */
  keep: 0.015,
  /** ... or dropped below it less than this long ago: the pauses between words do not end speech. */
  holdMs: 800,
} as const;

/**
 * Speaking or not from a stream of level samples, with hysteresis (a higher level to start than to
 * continue, and a hold time) so the indicator does not flicker between syllables.
 */
export class SpeakingDetector {
  speaking = false;
  private lastHeard = -Infinity;

  constructor(private readonly thresholds: typeof SPEAKING_THRESHOLDS = SPEAKING_THRESHOLDS) {}

  /** Feeds one sample; returns whether the speaking state changed. */
  update(level: number, now: number): boolean {
    const { start, keep, holdMs } = this.thresholds;
    const before = this.speaking;
    if (level >= (this.speaking ? keep : start)) {
      this.speaking = true;
      this.lastHeard = now;
    } else if (this.speaking && now - this.lastHeard >= holdMs) {
      this.speaking = false;
    }
    return before !== this.speaking;
  }

  reset(): void {
    this.speaking = false;
    this.lastHeard = -Infinity;
  }
}

/** Root mean square of a block of samples: the linear level of that block. */
export function rmsLevel(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

/**
 * The level of the local microphone, heard even while muted: a mute disables the track that is sent,
 * so this listens to a clone of it (which stays enabled). Follows device switches. Used for the
 * lobby's level meter, the local speaking indicator and the "you are muted" hint.
 */
export class MicrophoneLevel {
  private context: AudioContext | undefined;
  private analyser: AnalyserNode | undefined;
  private source: MediaStreamAudioSourceNode | undefined;
  private clone: MediaStreamTrack | undefined;
  private buffer: Float32Array<ArrayBuffer> | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly media: LocalMedia) {
    this.listen(media.tracks.mic);
    this.unsubscribe = media.on('track', ({ source, track }) => {
      if (source === 'mic') this.listen(track);
    });
  }

  /** The current level, 0 to 1 (0 without a microphone). */
  level(): number {
    if (!this.analyser || !this.buffer) return 0;
    // A context created before any user gesture starts suspended (autoplay policy); try again.
    if (this.context?.state === 'suspended') void this.context.resume();
    this.analyser.getFloatTimeDomainData(this.buffer);
    return rmsLevel(this.buffer);
  }

  close(): void {
    this.unsubscribe();
    this.listen(null);
    void this.context?.close();
    this.context = undefined;
  }

  private listen(track: MediaStreamTrack | null): void {
    this.source?.disconnect();
    this.source = undefined;
    this.clone?.stop();
    this.clone = undefined;
    if (!track || track.readyState === 'ended' || typeof AudioContext === 'undefined') return;
    this.context ??= new AudioContext();
    if (!this.analyser) {
      this.analyser = this.context.createAnalyser();
      this.analyser.fftSize = 1024;
      this.buffer = new Float32Array(this.analyser.fftSize);
    }
    this.clone = track.clone();
    this.clone.enabled = true;
    this.source = this.context.createMediaStreamSource(new MediaStream([this.clone]));
    this.source.connect(this.analyser);
  }
}
