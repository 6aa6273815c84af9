/**
 * Decides, for every link, how this browser's camera and screen are sent: the mesh form of LiveKit's
 * adaptiveStream (each receiver says how large it shows each video) and dynacast (a video nobody
 * shows is not encoded for them). Pure: the inputs are the receivers' hints, the uplink estimates
 * and the CPU signal; the output is one encoding per link and source, which PeerLink applies with
 * `setParameters` (never a renegotiation).
 */

export type VideoSource = 'camera' | 'screen';

/** What a receiver reports about one of our videos: the device pixels it renders it at, or not shown. */
export interface ViewHint {
  width: number;
  height: number;
  /** The receiver pins or features this video, or it shows the person speaking. */
  priority: 'high' | 'normal';
}

export interface LinkDemand {
  id: string;
  /** `null`: that receiver shows none of it; `undefined`: no hint yet (a default size is assumed). */
  camera: ViewHint | null | undefined;
  screen: ViewHint | null | undefined;
  /** This link's own bandwidth estimate (`availableOutgoingBitrate`), in bit/s, when known. */
  availableBitrate?: number | undefined;
  /**
   * Send the smallest video even if the budget says pause (see `PauseProbe`): a paused link sends
   * too little for its estimate to grow again, so now and then it is tried with a thumbnail.
   */
  probe?: boolean | undefined;
}

export interface CaptureSize {
  width: number;
  height: number;
}

export interface AllocatorInput {
  links: LinkDemand[];
  /** The size captured per source right now (absent: the source is off). */
  capture: Partial<Record<VideoSource, CaptureSize>>;
  /**
   * The camera's full size (what it gives when asked for our largest size). Capture may be smaller while
   * no receiver wants more; the ceiling and `cameraWanted` are relative to this. Default: `capture.camera`.
   */
  cameraFull?: CaptureSize | undefined;
  /** 0: the encoder keeps up; each step (from `qualityLimitationReason === 'cpu'`) costs pixels, then frames. */
  cpuStep: number;
  /** The whole uplink, in bit/s, when known (the sum of the links' estimates). */
  uplinkBitrate?: number | undefined;
  /**
   * The most any camera copy may cost (its scale relative to the camera's full size), from the number of
   * copies we encode (`videoEncodingFor`): a
   * large tile never makes a crowded call heavier than the fixed steps (measured: at 6 people, sizing
   * every link to its tile alone left streams at 2-5 fps where the steps kept 5-10).
   */
  ceiling?: { scaleResolutionDownBy: number; maxFramerate: number; maxBitrate: number } | undefined;
}

export interface SourceEncoding {
  active: boolean;
  scaleResolutionDownBy: number;
  maxFramerate: number;
  maxBitrate: number;
}

export type PauseReason = 'hidden' | 'bandwidth';

export interface LinkEncodings {
  /** `probing`: the budget says pause, but a thumbnail is sent to measure whether it recovered. */
  camera: SourceEncoding & { paused?: PauseReason; probing?: true };
  screen: SourceEncoding & { paused?: PauseReason };
}

export interface Allocation {
  links: Map<string, LinkEncodings>;
  /** What holds our video back right now, for the "your video is reduced" notice. */
  limitedBy: 'none' | 'bandwidth' | 'cpu';
  /**
   * The largest picture any link would send if the camera gave its full size: capturing more is wasted
   * work (each copy scales its frames down again), so the camera is asked for no more than this.
   */
  cameraWanted: CaptureSize | undefined;
}

export const CPU_STEPS = 3;
/** Below this a camera video is not worth sending: audio gets the link instead. */
export const MIN_CAMERA_BITRATE = 60_000;
const MAX_CAMERA_BITRATE = 1_500_000;
const SCREEN_BITRATE = 1_500_000;
const MIN_SCREEN_BITRATE = 150_000;
/** Bits per pixel per frame for a talking head at these sizes (VP8); a screen needs more. */
const CAMERA_BITS_PER_PIXEL = 0.09;
/** Before a receiver says how large it shows us: a mid-size tile. */
const DEFAULT_HINT: ViewHint = { width: 640, height: 360, priority: 'normal' };
/** Keep this share of an estimate free for audio, data and retransmissions. */
const HEADROOM = 0.85;

const PAUSED: SourceEncoding = { active: false, scaleResolutionDownBy: 1, maxFramerate: 1, maxBitrate: MIN_CAMERA_BITRATE };
/** The thumbnail a paused link is probed with: 160 pixels wide, 10 fps, at the smallest bitrate. */
const PROBE_WIDTH = 160;
const PROBE_FRAMERATE = 10;

/**
 * Moving video looks as sharp at three quarters of a tile's device pixels as at all of them, and costs
 * about half the encoding and decoding: every link is sized to this share of its tile.
 */
export const CAMERA_SHARPNESS = 0.75;

/**
 * Frame rate by how the receiver shows the camera, how many copies we encode (one per link: with four
 * or more, 15 fps keeps the call within ordinary CPUs) and how hard our CPU struggles.
 */
function cameraFramerate(hint: ViewHint, cpuStep: number, links: number): number {
  const base = hint.priority === 'high' ? 24 : hint.width < 320 || links >= 4 ? 15 : 20;
  // Pixels go first (every step), frames only at the last one and never below 15: measured with
  // bench:capacity, taking frames first left every stream below 5 fps at 6 people, and a last step to
  // 12 fps held 6 people at 8.6 fps where Chromium's own adaptation alone kept 12.5.
  return cpuStep >= 3 ? Math.min(base, 15) : base;
}

/**
 * Scale so the sent picture still covers the rendered tile (tiles crop to fill): the smaller of the
 * two ratios, never upscaled. Each CPU step shrinks it further.
 */
function scaleFor(capture: CaptureSize, hint: ViewHint, cpuStep: number): number {
  const width = Math.max(1, hint.width * CAMERA_SHARPNESS);
  const height = Math.max(1, hint.height * CAMERA_SHARPNESS);
  const fit = Math.max(1, Math.min(capture.width / width, capture.height / height));
  const cpu = [1, 1.5, 2, 2.5][Math.min(cpuStep, CPU_STEPS)]!;
  // Rounded up: the sent picture never ends up a pixel wider than asked (640 / 1.33 would be 481).
  return Math.ceil(fit * cpu * 100 - 1e-9) / 100;
}

/** Rounded to 25 kbit/s, so small swings of an estimate do not call `setParameters` every second. */
function cameraBitrate(capture: CaptureSize, scale: number, framerate: number): number {
  const pixels = (capture.width / scale) * (capture.height / scale);
  const bitrate = Math.min(MAX_CAMERA_BITRATE, Math.max(MIN_CAMERA_BITRATE * 1.5, pixels * framerate * CAMERA_BITS_PER_PIXEL));
  return Math.round(bitrate / 25_000) * 25_000;
}

export function allocateVideo(input: AllocatorInput): Allocation {
  const { capture, cpuStep } = input;
  const links = new Map<string, LinkEncodings>();
  let limitedBy: Allocation['limitedBy'] = cpuStep > 0 ? 'cpu' : 'none';
  let cameraWanted: CaptureSize | undefined;

  // What each link would get with no bandwidth limit.
  const wanted = input.links.map((link) => {
    const cameraHint = link.camera === undefined ? DEFAULT_HINT : link.camera;
    const screenHint = link.screen === undefined ? { ...DEFAULT_HINT, width: 1920, height: 1080, priority: 'high' as const } : link.screen;
    let camera: LinkEncodings['camera'] = { ...PAUSED, paused: 'hidden' };
    if (capture.camera && cameraHint) {
      const ceiling = input.ceiling;
      const framerate = Math.min(cameraFramerate(cameraHint, cpuStep, input.links.length), ceiling?.maxFramerate ?? Infinity);
      const full = input.cameraFull ?? capture.camera;
      // The ceiling is a share of the full picture: on a smaller capture it scales down less.
      const ceilingScale = (capture: CaptureSize) => Math.max(1, ((ceiling?.scaleResolutionDownBy ?? 1) * capture.width) / full.width);
      const scale = Math.max(scaleFor(capture.camera, cameraHint, cpuStep), ceilingScale(capture.camera));
      const bitrate = Math.min(cameraBitrate(capture.camera, scale, framerate), ceiling?.maxBitrate ?? Infinity);
      camera = { active: true, scaleResolutionDownBy: scale, maxFramerate: framerate, maxBitrate: bitrate };
      const fullScale = Math.max(scaleFor(full, cameraHint, cpuStep), ceilingScale(full));
      const want = { width: Math.ceil(full.width / fullScale), height: Math.ceil(full.height / fullScale) };
      cameraWanted = cameraWanted ? { width: Math.max(cameraWanted.width, want.width), height: Math.max(cameraWanted.height, want.height) } : want;
    }
    let screen: LinkEncodings['screen'] = { ...PAUSED, maxBitrate: MIN_SCREEN_BITRATE, paused: 'hidden' };
    if (capture.screen && screenHint) {
      // A screen is for reading: resolution is kept over frame rate; only a much smaller tile scales it.
      const scale = Math.round(Math.max(1, capture.screen.width / Math.max(1, screenHint.width * 1.5)) * 100) / 100;
      screen = { active: true, scaleResolutionDownBy: scale, maxFramerate: cpuStep >= 2 ? 5 : 15, maxBitrate: SCREEN_BITRATE };
    }
    return { link, cameraPriority: cameraHint?.priority ?? 'normal', camera, screen };
  });

  // Each link's own estimate caps what it carries: screen first, the camera gets the rest.
  for (const entry of wanted) {
    const estimate = entry.link.availableBitrate;
    if (estimate === undefined) continue;
    const budget = estimate * HEADROOM;
    if (entry.screen.active) entry.screen.maxBitrate = Math.max(MIN_SCREEN_BITRATE, Math.min(entry.screen.maxBitrate, budget * 0.7));
    const left = budget - (entry.screen.active ? entry.screen.maxBitrate : 0);
    if (entry.camera.active && left < entry.camera.maxBitrate) {
      limitedBy = 'bandwidth';
      entry.camera.maxBitrate = Math.floor(left / 25_000) * 25_000;
    }
  }

  // The whole uplink, split by priority: presented screens, then high-priority cameras, then the rest.
  if (input.uplinkBitrate !== undefined) {
    let budget = input.uplinkBitrate * HEADROOM;
    for (const entry of wanted) if (entry.screen.active) budget -= entry.screen.maxBitrate;
    const cameras = wanted.filter((entry) => entry.camera.active);
    const byPriority = [...cameras.filter((e) => e.cameraPriority === 'high'), ...cameras.filter((e) => e.cameraPriority !== 'high')];
    const demand = byPriority.reduce((sum, entry) => sum + entry.camera.maxBitrate, 0);
    if (demand > budget) {
      limitedBy = 'bandwidth';
      let remaining = Math.max(0, budget);
      byPriority.forEach((entry, index) => {
        // High priority takes what it wants if it can; the others share what is left equally.
        const fairShare = remaining / (byPriority.length - index);
        const share = entry.cameraPriority === 'high' ? Math.min(entry.camera.maxBitrate, remaining) : Math.min(entry.camera.maxBitrate, fairShare);
        entry.camera.maxBitrate = Math.round(share);
        remaining -= share;
      });
    }
  }

  for (const entry of wanted) {
    if (entry.camera.active && entry.camera.maxBitrate < MIN_CAMERA_BITRATE) {
      // Not even the smallest video fits: keep the audio clear; a probe tries again now and then.
      entry.camera = entry.link.probe
        ? {
            active: true,
            scaleResolutionDownBy: Math.max(1, Math.round((capture.camera!.width / PROBE_WIDTH) * 100) / 100),
            maxFramerate: PROBE_FRAMERATE,
            maxBitrate: MIN_CAMERA_BITRATE,
            probing: true,
          }
        : { ...PAUSED, paused: 'bandwidth' };
    } else if (entry.camera.active) {
      // Fewer bits than the size needs: shrink the picture rather than smear it.
      const needed = cameraBitrate(capture.camera!, entry.camera.scaleResolutionDownBy, entry.camera.maxFramerate);
      if (entry.camera.maxBitrate < needed) {
        const factor = Math.sqrt(needed / Math.max(1, entry.camera.maxBitrate));
        entry.camera.scaleResolutionDownBy = Math.round(Math.min(8, entry.camera.scaleResolutionDownBy * factor) * 100) / 100;
      }
    }
    links.set(entry.link.id, { camera: entry.camera, screen: entry.screen });
  }
  return { links, limitedBy, cameraWanted };
}

/**
 * The CPU step, from the encoder's own `qualityLimitationReason`: down one step after 2 s of `cpu`,
 * back up one step after 10 s without (recovering slowly, so it does not oscillate).
 */
export class CpuGovernor {
  step = 0;
  private cpuSince: number | undefined;
  private clearSince: number | undefined;

  update(limitedByCpu: boolean, now: number): number {
    if (limitedByCpu) {
      this.clearSince = undefined;
      this.cpuSince ??= now;
      if (now - this.cpuSince >= 2_000 && this.step < CPU_STEPS) {
        this.step += 1;
        this.cpuSince = now;
      }
    } else {
      this.cpuSince = undefined;
      this.clearSince ??= now;
      if (now - this.clearSince >= 10_000 && this.step > 0) {
        this.step -= 1;
        this.clearSince = now;
      }
    }
    return this.step;
  }
}

/**
 * When a link paused for bandwidth tries video again. Paused, the link carries only audio, and a
 * congestion controller that sees little traffic has no reason to raise its estimate, so the pause
 * could last for ever. After 8 s paused, the link is probed for 4 s with a thumbnail (the smallest
 * video); if the budget still says pause, the next probe waits twice as long, up to 60 s.
 */
export class PauseProbe {
  static readonly FIRST_WAIT_MS = 8_000;
  static readonly MAX_WAIT_MS = 60_000;
  static readonly PROBE_MS = 4_000;
  private wait = PauseProbe.FIRST_WAIT_MS;
  private nextProbeAt: number | undefined;
  private probeUntil: number | undefined;

  /** `wantsPause`: the allocation paused (or, while probing, would pause) this link. True: probe now. */
  update(wantsPause: boolean, now: number): boolean {
    if (this.probeUntil !== undefined) {
      if (now < this.probeUntil) return true;
      this.probeUntil = undefined;
      if (wantsPause) {
        this.wait = Math.min(PauseProbe.MAX_WAIT_MS, this.wait * 2);
        this.nextProbeAt = now + this.wait;
        return false;
      }
    }
    if (!wantsPause) {
      this.wait = PauseProbe.FIRST_WAIT_MS;
      this.nextProbeAt = undefined;
      return false;
    }
    this.nextProbeAt ??= now + this.wait;
    if (now < this.nextProbeAt) return false;
    this.nextProbeAt = undefined;
    this.probeUntil = now + PauseProbe.PROBE_MS;
    return true;
  }
}
