import type { LocalMedia } from './local-media.js';
import type { LocalParticipant, Participant, RemoteParticipant } from './participant.js';
import { MicrophoneLevel, SpeakingDetector } from './speaking.js';

/**
 * How often levels are read: once per audio packet (20 ms). A receiver only reports the latest
 * packet's level, and the analyser hears a 21 ms window, so reading every 100 ms missed four short
 * sounds in five (the e2e test's 20 ms beeps went unseen for 15 s in CI). Both reads are cheap (no
 * stats, no IPC), and the state changes only on a transition.
 */
export const SPEAKING_SAMPLE_MS = 20;

/**
 * Who is speaking, sampled every 20 ms: remote people from the audio level their packets carry,
 * yourself from the microphone (which is heard while muted, so a muted person can be told).
 */
export class SpeakingMonitor {
  private readonly microphone: MicrophoneLevel;
  private readonly detectors = new WeakMap<Participant, SpeakingDetector>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly media: LocalMedia,
    private readonly local: LocalParticipant,
    private readonly remotes: () => Iterable<RemoteParticipant>,
  ) {
    this.microphone = new MicrophoneLevel(media);
  }

  start(): void {
    this.timer ??= setInterval(() => this.sample(performance.now()), SPEAKING_SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.microphone.close();
  }

  private sample(now: number): void {
    const own = this.detector(this.local);
    own.update(this.microphone.level(), now);
    const muted = !this.media.micOn && this.media.tracks.mic !== null;
    this.local.setSpeaking(own.speaking && this.local.media.mic);
    this.local.setSpeakingWhileMuted(own.speaking && muted);
    for (const remote of this.remotes()) {
      const detector = this.detector(remote);
      detector.update(remote.link.remoteAudioLevel(now), now);
      // A muted person's packets carry silence anyway; the media state makes it certain at once.
      remote.setSpeaking(detector.speaking && remote.media.mic);
    }
  }

  private detector(participant: Participant): SpeakingDetector {
    let detector = this.detectors.get(participant);
    if (!detector) this.detectors.set(participant, (detector = new SpeakingDetector()));
    return detector;
  }
}
