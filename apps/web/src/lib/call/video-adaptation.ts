import { videoEncodingFor } from '../webrtc/video-encoding.js';
import { allocateVideo, CpuGovernor, type Allocation, type CaptureSize, type LinkDemand, type VideoSource } from '../webrtc/video-allocator.js';
import type { LocalMedia } from './local-media.js';
import type { RemoteParticipant } from './participant.js';

export type VideoLimit = Allocation['limitedBy'];

/**
 * Applies the allocator to every link: on each receiver's hint, on each second's statistics, and
 * when our own camera or screen changes. Knows nothing of the UI; reports what limits our video.
 */
export class VideoAdaptation {
  private readonly governor = new CpuGovernor();
  private cpuStep = 0;
  private applying = false;
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

  private async apply(): Promise<void> {
    const remotes = [...this.remotes()];
    const links: LinkDemand[] = remotes.map((remote) => ({
      id: remote.id,
      camera: remote.view === undefined ? undefined : remote.view.camera,
      screen: remote.view === undefined ? undefined : remote.view.screen,
      availableBitrate: remote.stats?.availableOutgoingBitrate,
    }));
    const estimates = links.map((link) => link.availableBitrate).filter((bitrate): bitrate is number => bitrate !== undefined);
    const allocation = allocateVideo({
      links,
      capture: { camera: this.capture('camera'), screen: this.capture('screen') },
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
        remote.setVideoToThemPaused(encodings.camera.paused === 'bandwidth');
      }),
    );
    if (allocation.limitedBy !== this.limitedBy) {
      this.limitedBy = allocation.limitedBy;
      this.onLimit(allocation.limitedBy);
    }
  }
}
