import type { DeviceOption } from '../call/devices.js';
import { LocalMedia } from '../call/local-media.js';

const DEVICE_STORAGE_KEY = 'meshmeet.devices';

export interface LocalMediaView {
  /** The camera track for the lobby preview (null while off or missing). */
  cameraTrack: MediaStreamTrack | null;
  sharingScreen: boolean;
  micOn: boolean;
  cameraOn: boolean;
  hasAudio: boolean;
  hasVideo: boolean;
  /** What went wrong with each source (the page gives each an id to point at). */
  problemsBySource: { source: 'mic' | 'camera' | 'screen'; text: string }[];
  /** Why the microphone or camera cannot be used (blocked, missing, busy), while it has no track. */
  unavailable: { mic: string | undefined; camera: string | undefined };
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  speakers: DeviceOption[];
  camera: string | undefined;
  microphone: string | undefined;
  speaker: string | undefined;
}

/** Reactive view of LocalMedia for components; remembers the chosen devices across visits. */
export class LocalMediaState {
  readonly media: LocalMedia;
  view = $state.raw<LocalMediaView>(this.snapshot(undefined));
  readonly speakerSelectable = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
  get canShareScreen(): boolean {
    return this.media.canShareScreen;
  }

  constructor() {
    let remembered = {};
    try {
      remembered = JSON.parse(localStorage.getItem(DEVICE_STORAGE_KEY) ?? '{}') as object;
    } catch {
      // A corrupt entry is as good as none.
    }
    this.media = new LocalMedia(remembered);
    this.view = this.snapshot(this.media);
    this.media.on('change', () => {
      this.view = this.snapshot(this.media);
    });
  }

  start(): Promise<void> {
    return this.media.start();
  }

  toggleMic(): void {
    this.media.setMicOn(!this.media.micOn);
  }

  toggleCamera(): Promise<void> {
    return this.media.setCameraOn(!this.media.cameraOn);
  }

  async toggleScreenShare(): Promise<void> {
    if (this.media.tracks.screen) this.media.stopScreenShare();
    else await this.media.startScreenShare();
  }

  async select(kind: 'audioinput' | 'videoinput' | 'audiooutput', deviceId: string): Promise<void> {
    await this.media.selectDevice(kind, deviceId);
    localStorage.setItem(DEVICE_STORAGE_KEY, JSON.stringify(this.media.chosen));
  }

  private snapshot(media: LocalMedia | undefined): LocalMediaView {
    if (!media) {
      return {
        cameraTrack: null, sharingScreen: false, micOn: true, cameraOn: true, hasAudio: false, hasVideo: false, problemsBySource: [], unavailable: { mic: undefined, camera: undefined },
        cameras: [], microphones: [], speakers: [], camera: undefined, microphone: undefined, speaker: undefined,
      };
    }
    return {
      cameraTrack: media.tracks.camera,
      sharingScreen: media.tracks.screen !== null,
      micOn: media.micOn,
      cameraOn: media.cameraOn,
      hasAudio: media.tracks.mic !== null,
      hasVideo: media.tracks.camera !== null,
      problemsBySource: (['mic', 'camera', 'screen'] as const).flatMap((source) => {
        const text = media.problems[source];
        return text ? [{ source, text }] : [];
      }),
      unavailable: {
        mic: media.tracks.mic ? undefined : media.problems.mic,
        camera: media.tracks.camera ? undefined : media.problems.camera,
      },
      cameras: media.options('videoinput'),
      microphones: media.options('audioinput'),
      speakers: media.options('audiooutput'),
      camera: media.current('videoinput'),
      microphone: media.current('audioinput'),
      speaker: media.current('audiooutput'),
    };
  }
}
