import type { MediaState } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import type { MediaKind } from '../webrtc/peer-link.js';
import {
  classifyMediaError,
  describeProblem,
  devicesOfKind,
  resolveDevice,
  type DeviceKind,
  type DeviceOption,
} from './devices.js';

export interface LocalMediaEvents extends Record<string, unknown> {
  /**
   * A track object changed (new device, camera on/off): senders must `replaceTrack`. Listeners add
   * their promises to `pending`; the previous track is stopped only once they settle, so the far
   * side never sees a gap between the old camera and the new one.
   */
  track: { kind: MediaKind; track: MediaStreamTrack | null; pending: Promise<unknown>[] };
  /** Anything the UI shows changed. */
  change: void;
}

export interface DeviceChoice {
  audioinput?: string;
  videoinput?: string;
  audiooutput?: string;
}

const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 480 },
  frameRate: { ideal: 24, max: 30 },
};

const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

const kindToDevice: Record<MediaKind, DeviceKind> = { audio: 'audioinput', video: 'videoinput' };
const kindToLabel: Record<MediaKind, 'microphone' | 'camera'> = { audio: 'microphone', video: 'camera' };

/**
 * The local camera and microphone: acquisition, mute, camera off (which really stops the camera),
 * device choice and fallback when a device disappears. Plain TypeScript, no UI.
 */
export class LocalMedia extends Emitter<LocalMediaEvents> {
  audioTrack: MediaStreamTrack | null = null;
  videoTrack: MediaStreamTrack | null = null;
  /** What the person asked for; a missing device can make the actual state differ. */
  micOn = true;
  cameraOn = true;
  chosen: DeviceChoice;
  devices: MediaDeviceInfo[] = [];
  problems: Partial<Record<MediaKind, string>> = {};
  /** Always a stream with the current tracks, replaced (not mutated) whenever they change. */
  stream = new MediaStream();
  private readonly mediaDevices: MediaDevices;
  private readonly onDeviceChange = () => void this.handleDeviceChange();
  private stopped = false;

  constructor(chosen: DeviceChoice = {}, mediaDevices: MediaDevices = navigator.mediaDevices) {
    super();
    this.chosen = { ...chosen };
    this.mediaDevices = mediaDevices;
    this.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
  }

  get state(): MediaState {
    return { audio: this.audioTrack !== null && this.micOn, video: this.videoTrack !== null && this.cameraOn };
  }

  /** Acquires camera and microphone as wanted; whatever fails is reported in `problems`, the rest still works. */
  async start(): Promise<void> {
    if (!this.mediaDevices?.getUserMedia) {
      this.problems = { audio: 'This browser cannot use a microphone here.', video: 'This browser cannot use a camera here.' };
      this.emit('change', undefined);
      return;
    }
    const wantAudio = this.micOn;
    const wantVideo = this.cameraOn;
    if (wantAudio && wantVideo) {
      try {
        const stream = await this.mediaDevices.getUserMedia({
          audio: this.audioConstraints(),
          video: this.videoConstraints(),
        });
        this.adopt('audio', stream.getAudioTracks()[0] ?? null);
        this.adopt('video', stream.getVideoTracks()[0] ?? null);
      } catch {
        // One of the two may still work on its own: ask for each separately to find out which.
        await this.acquire('audio');
        await this.acquire('video');
      }
    } else {
      if (wantAudio) await this.acquire('audio');
      if (wantVideo) await this.acquire('video');
    }
    await this.refreshDevices();
  }

  setMicOn(on: boolean): void {
    this.micOn = on;
    // Muting keeps the track (instant unmute) but sends silence.
    if (this.audioTrack) this.audioTrack.enabled = on;
    this.emit('change', undefined);
    if (on && !this.audioTrack) void this.acquire('audio');
  }

  async setCameraOn(on: boolean): Promise<void> {
    this.cameraOn = on;
    if (!on) {
      // Stopping the track turns the camera light off; senders get `null` and keep their transceiver.
      this.adopt('video', null);
      return;
    }
    if (!this.videoTrack) await this.acquire('video');
    else this.emit('change', undefined);
  }

  async selectDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    this.chosen = { ...this.chosen, [kind]: deviceId };
    if (kind === 'audiooutput') {
      this.emit('change', undefined);
      return;
    }
    const mediaKind: MediaKind = kind === 'audioinput' ? 'audio' : 'video';
    const wanted = mediaKind === 'audio' ? this.micOn || this.audioTrack !== null : this.cameraOn;
    if (wanted) await this.acquire(mediaKind);
    else this.emit('change', undefined);
  }

  options(kind: DeviceKind): DeviceOption[] {
    return devicesOfKind(this.devices, kind);
  }

  /** The device actually in use (or that will be used) for a kind. */
  current(kind: DeviceKind): string | undefined {
    const track = kind === 'audioinput' ? this.audioTrack : kind === 'videoinput' ? this.videoTrack : null;
    const inUse = track?.getSettings().deviceId;
    return resolveDevice(inUse ?? this.chosen[kind], this.devices, kind);
  }

  stop(): void {
    this.stopped = true;
    this.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    this.audioTrack?.stop();
    this.videoTrack?.stop();
    this.audioTrack = null;
    this.videoTrack = null;
    this.stream = new MediaStream();
    this.clear();
  }

  private async acquire(kind: MediaKind): Promise<void> {
    try {
      const constraints = kind === 'audio' ? { audio: this.audioConstraints() } : { video: this.videoConstraints() };
      const stream = await this.mediaDevices.getUserMedia(constraints);
      const track = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0] ?? null;
      // The person may have turned the camera off while we were waiting for it.
      if (this.stopped || (kind === 'video' && !this.cameraOn)) {
        track?.stop();
        return;
      }
      delete this.problems[kind];
      this.adopt(kind, track);
    } catch (error) {
      this.problems = { ...this.problems, [kind]: describeProblem(kindToLabel[kind], classifyMediaError(error)) };
      this.emit('change', undefined);
    }
  }

  /** Makes `track` the current one of its kind; the previous one is stopped only after senders moved on. */
  private adopt(kind: MediaKind, track: MediaStreamTrack | null): void {
    const previous = kind === 'audio' ? this.audioTrack : this.videoTrack;
    if (previous === track) return;
    if (track) {
      if (kind === 'audio') track.enabled = this.micOn;
      // An unplugged device ends its track: fall back to another device.
      track.addEventListener('ended', () => {
        if ((kind === 'audio' ? this.audioTrack : this.videoTrack) === track) void this.recover(kind);
      });
    }
    if (kind === 'audio') this.audioTrack = track;
    else this.videoTrack = track;
    this.stream = new MediaStream([this.audioTrack, this.videoTrack].filter((t): t is MediaStreamTrack => t !== null));
    const pending: Promise<unknown>[] = [];
    this.emit('track', { kind, track, pending });
    this.emit('change', undefined);
    if (previous) void Promise.allSettled(pending).then(() => previous.stop());
  }

  private async recover(kind: MediaKind): Promise<void> {
    await this.refreshDevices();
    this.adopt(kind, null);
    if (kind === 'video' ? this.cameraOn : true) await this.acquire(kind);
  }

  private async handleDeviceChange(): Promise<void> {
    await this.refreshDevices();
    for (const kind of ['audio', 'video'] as const) {
      const track = kind === 'audio' ? this.audioTrack : this.videoTrack;
      const inUse = track?.getSettings().deviceId;
      const stillThere = inUse !== undefined && this.devices.some((d) => d.kind === kindToDevice[kind] && d.deviceId === inUse);
      if (track && !stillThere) await this.recover(kind);
    }
  }

  private async refreshDevices(): Promise<void> {
    try {
      this.devices = await this.mediaDevices.enumerateDevices();
    } catch {
      this.devices = [];
    }
    this.emit('change', undefined);
  }

  private audioConstraints(): MediaTrackConstraints {
    const deviceId = this.deviceConstraint('audioinput');
    return deviceId ? { ...AUDIO_CONSTRAINTS, deviceId } : AUDIO_CONSTRAINTS;
  }

  private videoConstraints(): MediaTrackConstraints {
    const deviceId = this.deviceConstraint('videoinput');
    return deviceId ? { ...VIDEO_CONSTRAINTS, deviceId } : VIDEO_CONSTRAINTS;
  }

  /**
   * Before the first permission grant the device list has no ids, so a remembered choice can only
   * be a preference; afterwards we insist on the resolved device (the chosen one or its fallback).
   */
  private deviceConstraint(kind: 'audioinput' | 'videoinput'): ConstrainDOMString | undefined {
    const listed = this.devices.some((device) => device.kind === kind && device.deviceId !== '');
    if (!listed) return this.chosen[kind] ? { ideal: this.chosen[kind] } : undefined;
    const deviceId = resolveDevice(this.chosen[kind], this.devices, kind);
    return deviceId ? { exact: deviceId } : undefined;
  }
}
