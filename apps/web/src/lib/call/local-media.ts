import type { MediaState, Source } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import { createLogger } from '../log.js';
import {
  classifyMediaError,
  describeProblem,
  devicesOfKind,
  resolveDevice,
  type DeviceKind,
  type DeviceOption,
} from './devices.js';

/** Sources captured from a device the person picks (the screen is picked in the browser's own dialog). */
export type DeviceSource = Extract<Source, 'mic' | 'camera'>;

export interface LocalMediaEvents extends Record<string, unknown> {
  /**
   * A source's track object changed (new device, camera on/off, screen shared or not): senders must
   * `replaceTrack`. Listeners add their promises to `pending`; the previous track is stopped only once
   * they settle, so the far side never sees a gap between the old camera and the new one.
   */
  track: { source: Source; track: MediaStreamTrack | null; pending: Promise<unknown>[] };
  /** Anything the UI shows changed (on/off, devices, problems). */
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

/** A shared screen is for reading: full size, few frames (the sender also caps it at 15 fps). */
const SCREEN_CONSTRAINTS: DisplayMediaStreamOptions = {
  video: { frameRate: { ideal: 15, max: 15 }, width: { max: 1920 }, height: { max: 1080 } },
  audio: false,
};

const deviceKindOf: Record<DeviceSource, DeviceKind> = { mic: 'audioinput', camera: 'videoinput' };
const labelOf: Record<DeviceSource, 'microphone' | 'camera'> = { mic: 'microphone', camera: 'camera' };

const log = createLogger('local-media');

/**
 * The local microphone, camera and shared screen: acquisition, mute, camera off (which really stops
 * the camera), device choice, fallback when a device disappears, and screen sharing. Plain
 * TypeScript, no UI.
 */
export class LocalMedia extends Emitter<LocalMediaEvents> {
  readonly tracks: Record<Source, MediaStreamTrack | null> = { mic: null, camera: null, screen: null };
  /** What the person asked for; a missing device can make the actual state differ. */
  micOn = true;
  cameraOn = true;
  chosen: DeviceChoice;
  devices: MediaDeviceInfo[] = [];
  problems: Partial<Record<DeviceSource | 'screen', string>> = {};
  /** What the current camera gives when asked for our largest size (`VIDEO_CONSTRAINTS`). */
  private cameraFull: { width: number; height: number } | undefined;
  private readonly mediaDevices: MediaDevices;
  private readonly onDeviceChange = () => void this.handleDeviceChange();
  private stopped = false;

  constructor(chosen: DeviceChoice = {}, mediaDevices: MediaDevices = navigator.mediaDevices) {
    super();
    this.chosen = { ...chosen };
    this.mediaDevices = mediaDevices;
    this.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
  }

  /** What the others are told: a source is on when it has a track and the person has it on. */
  get state(): MediaState {
    return {
      mic: this.tracks.mic !== null && this.micOn,
      camera: this.tracks.camera !== null && this.cameraOn,
      screen: this.tracks.screen !== null,
    };
  }

  /** Whether this browser can share a screen at all (phones cannot). */
  get canShareScreen(): boolean {
    return typeof this.mediaDevices?.getDisplayMedia === 'function';
  }

  /** Acquires camera and microphone as wanted; whatever fails is reported in `problems`, the rest still works. */
  async start(): Promise<void> {
    if (!this.mediaDevices?.getUserMedia) {
      this.problems = { mic: 'This browser cannot use a microphone here.', camera: 'This browser cannot use a camera here.' };
      this.emit('change', undefined);
      return;
    }
    if (this.micOn && this.cameraOn) {
      try {
        const stream = await this.mediaDevices.getUserMedia({ audio: this.audioConstraints(), video: this.videoConstraints() });
        this.adopt('mic', stream.getAudioTracks()[0] ?? null);
        this.adopt('camera', stream.getVideoTracks()[0] ?? null);
      } catch {
        // One of the two may still work on its own: ask for each separately to find out which.
        await this.acquire('mic');
        await this.acquire('camera');
      }
    } else {
      if (this.micOn) await this.acquire('mic');
      if (this.cameraOn) await this.acquire('camera');
    }
    await this.refreshDevices();
  }

  setMicOn(on: boolean): void {
    this.micOn = on;
    // Muting keeps the track (instant unmute, and the speaking hint can still hear you) but sends silence.
    if (this.tracks.mic) this.tracks.mic.enabled = on;
    this.emit('change', undefined);
    if (on && !this.tracks.mic) void this.acquire('mic');
  }

  async setCameraOn(on: boolean): Promise<void> {
    this.cameraOn = on;
    if (!on) {
      // Stopping the track turns the camera light off; senders get `null` and keep their transceiver.
      if (this.tracks.camera) this.adopt('camera', null);
      // No track to drop (the camera is blocked or missing): the wish alone changed.
      else this.emit('change', undefined);
      return;
    }
    if (!this.tracks.camera) await this.acquire('camera');
    else this.emit('change', undefined);
  }

  /**
   * Asks the browser for a screen, window or tab to share. False when the person cancelled or the
   * browser refused. Stopping from the browser's own "Stop sharing" bar ends the track: handled the same.
   */
  async startScreenShare(): Promise<boolean> {
    if (!this.canShareScreen || this.tracks.screen) return this.tracks.screen !== null;
    try {
      const stream = await this.mediaDevices.getDisplayMedia(SCREEN_CONSTRAINTS);
      const track = stream.getVideoTracks()[0] ?? null;
      if (!track || this.stopped) {
        track?.stop();
        return false;
      }
      // Tells the encoder to keep text sharp rather than motion smooth.
      track.contentHint = 'detail';
      delete this.problems.screen;
      this.adopt('screen', track);
      return true;
    } catch (error) {
      const cancelled = error instanceof DOMException && error.name === 'NotAllowedError';
      if (!cancelled) {
        log.with({ source: 'screen' }).warn('could not share the screen', error);
        this.problems = { ...this.problems, screen: 'Your screen could not be shared.' };
        this.emit('change', undefined);
      }
      return false;
    }
  }

  /** The camera's full size (as first captured), or undefined without a camera track. */
  get cameraFullSize(): { width: number; height: number } | undefined {
    return this.tracks.camera ? this.cameraFull : undefined;
  }

  /**
   * Captures the camera at `size` (at most its full size): nobody is sent more than the largest picture
   * any receiver shows, and each copy then scales fewer pixels. The same camera, no new track.
   */
  async setCameraCaptureSize(size: { width: number; height: number }): Promise<void> {
    const track = this.tracks.camera;
    if (!track || track.readyState === 'ended') return;
    const settings = track.getSettings();
    if (settings.width === size.width && settings.height === size.height) return;
    try {
      await track.applyConstraints({ ...track.getConstraints(), width: { ideal: size.width }, height: { ideal: size.height } });
    } catch (error) {
      // The camera keeps its previous size; senders scale it down instead.
      log.with({ source: 'camera' }).warn('could not change the camera size', error);
    }
  }

  stopScreenShare(): void {
    this.adopt('screen', null);
  }

  async selectDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    this.chosen = { ...this.chosen, [kind]: deviceId };
    if (kind === 'audiooutput') {
      this.emit('change', undefined);
      return;
    }
    const source: DeviceSource = kind === 'audioinput' ? 'mic' : 'camera';
    const wanted = source === 'mic' ? this.micOn || this.tracks.mic !== null : this.cameraOn;
    if (wanted) await this.acquire(source);
    else this.emit('change', undefined);
  }

  options(kind: DeviceKind): DeviceOption[] {
    return devicesOfKind(this.devices, kind);
  }

  /** The device actually in use (or that will be used) for a kind. */
  current(kind: DeviceKind): string | undefined {
    const track = kind === 'audioinput' ? this.tracks.mic : kind === 'videoinput' ? this.tracks.camera : null;
    const inUse = track?.getSettings().deviceId;
    return resolveDevice(inUse ?? this.chosen[kind], this.devices, kind);
  }

  stop(): void {
    this.stopped = true;
    this.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    for (const source of ['mic', 'camera', 'screen'] as const) {
      this.tracks[source]?.stop();
      this.tracks[source] = null;
    }
    this.clear();
  }

  private async acquire(source: DeviceSource): Promise<void> {
    try {
      const constraints = source === 'mic' ? { audio: this.audioConstraints() } : { video: this.videoConstraints() };
      const stream = await this.mediaDevices.getUserMedia(constraints);
      const track = (source === 'mic' ? stream.getAudioTracks() : stream.getVideoTracks())[0] ?? null;
      // The person may have turned the camera off while we were waiting for it.
      if (this.stopped || (source === 'camera' && !this.cameraOn)) {
        track?.stop();
        return;
      }
      delete this.problems[source];
      this.adopt(source, track);
    } catch (error) {
      this.problems = { ...this.problems, [source]: describeProblem(labelOf[source], classifyMediaError(error)) };
      this.emit('change', undefined);
    }
  }

  /** Makes `track` the current one of its source; the previous one is stopped only after senders moved on. */
  private adopt(source: Source, track: MediaStreamTrack | null): void {
    const previous = this.tracks[source];
    if (previous === track) return;
    if (track) {
      if (source === 'mic') track.enabled = this.micOn;
      // An unplugged device ends its track: fall back to another device. A screen ends when the
      // person stops sharing from the browser's own controls.
      track.addEventListener('ended', () => {
        if (this.tracks[source] !== track) return;
        if (source === 'screen') this.adopt('screen', null);
        else void this.recover(source);
      });
    }
    this.tracks[source] = track;
    if (source === 'camera' && track) {
      const { width, height } = track.getSettings();
      this.cameraFull = width && height ? { width, height } : undefined;
    }
    const pending: Promise<unknown>[] = [];
    this.emit('track', { source, track, pending });
    this.emit('change', undefined);
    if (previous) void Promise.allSettled(pending).then(() => previous.stop());
  }

  private async recover(source: DeviceSource): Promise<void> {
    await this.refreshDevices();
    this.adopt(source, null);
    if (source === 'mic' || this.cameraOn) await this.acquire(source);
  }

  private async handleDeviceChange(): Promise<void> {
    await this.refreshDevices();
    for (const source of ['mic', 'camera'] as const) {
      const track = this.tracks[source];
      const inUse = track?.getSettings().deviceId;
      const stillThere = inUse !== undefined && this.devices.some((d) => d.kind === deviceKindOf[source] && d.deviceId === inUse);
      if (track && !stillThere) await this.recover(source);
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
