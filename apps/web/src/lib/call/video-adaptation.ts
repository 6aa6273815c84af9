import { videoEncodingFor } from '../webrtc/video-encoding.js';
import { allocateVideo, CpuGovernor, PauseProbe, type Allocation, type CaptureSize, type LinkDemand, type VideoSource } from '../webrtc/video-allocator.js';
import type { LocalMedia } from './local-media.js';
import type { RemoteParticipant } from './participant.js';

export type VideoLimit = Allocation['limitedBy'];

/** Camera capture sizes, as shares of its full size: the smallest that covers every sent picture is used. */
const CAPTURE_SHARES = [0.5, 0.75, 1];
/** A smaller capture only after receivers wanted less for this long (a larger one at once). */
const CAPTURE_SHRINK_AFTER_MS = 5_000;

/**
 * Applies the allocator to every link: on each receiver's hint, on each second's statistics, and
 * when our own camera or screen changes. Knows nothing of the UI; reports what limits our video.
 */
export class VideoAdaptation {
  private readonly governor = new CpuGovernor();
  private cpuStep = 0;
  private applying = false;
  private smallerCaptureSince: number | undefined;
  /** Per remote: when a link paused for bandwidth is tried again, and whether it is being tried now. */
  private readonly probes = new Map<string, { schedule: PauseProbe; probing: boolean }>();
  private again = false;
  limitedBy: VideoLimit = 'none';

  constructor(
    private readonly media: LocalMedia,
    private readonly remotes: () => Iterable<RemoteParticipant>,
    private readonly onLimit: (limit: VideoLimit) => void,
  ) {}

  /** The encoder's own verdict, once a second: `cpu` on any link steps the whole call down. */
  observeCpu(limitedByCpu: boolean, now: number): void {
    this.cpuStep = this.governor.update(limitedByCpu, now);
  }

  /** Recomputes and applies every link's encodings; calls that arrive meanwhile run once after it. */
  async update(): Promise<void> {
    if (this.applying) {
      this.again = true;
      return;
    }
    this.applying = true;
    try {
      do {
        this.again = false;
        await this.apply();
      } while (this.again);
    } finally {
      this.applying = false;
    }
  }

  private capture(source: VideoSource): CaptureSize | undefined {
    const track = this.media.tracks[source];
    if (!track || track.readyState === 'ended') return undefined;
    const { width, height } = track.getSettings();
    return width && height ? { width, height } : { width: 640, height: 480 };
  }

  private scheduleProbes(remotes: RemoteParticipant[], allocation: Allocation, now = performance.now()): void {
    const present = new Set(remotes.map((remote) => remote.id));
    for (const id of this.probes.keys()) if (!present.has(id)) this.probes.delete(id);
    for (const remote of remotes) {
      const camera = allocation.links.get(remote.id)?.camera;
      const wantsPause = camera?.paused === 'bandwidth' || camera?.probing === true;
      let probe = this.probes.get(remote.id);
      if (!probe) {
        if (!wantsPause) continue;
        this.probes.set(remote.id, (probe = { schedule: new PauseProbe(), probing: false }));
      }
      const probing = probe.schedule.update(wantsPause, now);
      // A probe starting or ending changes that link's encoding: apply it now, not in a second.
      if (probing !== probe.probing) this.again = true;
      probe.probing = probing;
    }
  }

  /**
   * Captures the camera at the smallest of a few sizes that still covers the largest picture any link
   * sends: growing at once (someone enlarged us), shrinking after a while (a tile briefly smaller).
   */
  private async fitCameraCapture(wanted: CaptureSize | undefined, now = performance.now()): Promise<void> {
    const full = this.media.cameraFullSize;
    const current = this.capture('camera');
    if (!full || !current || !wanted) return;
    const share = CAPTURE_SHARES.find((s) => full.width * s >= wanted.width && full.height * s >= wanted.height) ?? 1;
    // Even sizes: encoders work in 2x2 blocks.
    const size = { width: Math.round((full.width * share) / 2) * 2, height: Math.round((full.height * share) / 2) * 2 };
    if (size.width === current.width && size.height === current.height) {
      this.smallerCaptureSince = undefined;
      return;
    }
    if (size.width < current.width) {
      this.smallerCaptureSince ??= now;
      if (now - this.smallerCaptureSince < CAPTURE_SHRINK_AFTER_MS) return;
    }
    this.smallerCaptureSince = undefined;
    await this.media.setCameraCaptureSize(size);
    // Every link's scale is relative to the capture: recompute them for the new size.
    this.again = true;
  }

  private async apply(): Promise<void> {
    const remotes = [...this.remotes()];
    const links: LinkDemand[] = remotes.map((remote) => ({
      id: remote.id,
      camera: remote.view === undefined ? undefined : remote.view.camera,
      screen: remote.view === undefined ? undefined : remote.view.screen,
      availableBitrate: remote.stats?.availableOutgoingBitrate,
      probe: this.probes.get(remote.id)?.probing,
    }));
    const estimates = links.map((link) => link.availableBitrate).filter((bitrate): bitrate is number => bitrate !== undefined);
    const allocation = allocateVideo({
      links,
      capture: { camera: this.capture('camera'), screen: this.capture('screen') },
      cameraFull: this.media.cameraFullSize,
      cpuStep: this.cpuStep,
      // Each link's controller estimates its own path; together they are an upper bound of the uplink.
      // (Their own caps already apply per link; the sum splits by priority when even that is short.)
      uplinkBitrate: estimates.length === links.length && estimates.length > 0 ? estimates.reduce((a, b) => a + b, 0) : undefined,
      ceiling: videoEncodingFor(links.length),
    });
    await Promise.all(
      remotes.map(async (remote) => {
        const encodings = allocation.links.get(remote.id);
        if (!encodings) return;
        await remote.link.setVideoEncoding('camera', encodings.camera);
        await remote.link.setVideoEncoding('screen', encodings.screen);
        remote.setVideoToThemPaused(encodings.camera.paused === 'bandwidth' || encodings.camera.probing === true);
      }),
    );
    this.scheduleProbes(remotes, allocation);
    await this.fitCameraCapture(allocation.cameraWanted);
    if (allocation.limitedBy !== this.limitedBy) {
      this.limitedBy = allocation.limitedBy;
      this.onLimit(allocation.limitedBy);
    }
  }
}
