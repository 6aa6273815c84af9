import type { Source } from '@meshmeet/protocol';

export interface VideoStats {
  framesPerSecond: number;
  width: number;
  height: number;
}

/** One second of one link, read from `getStats()`. */
export interface LinkStats {
  at: number;
  /** Round trip of the selected candidate pair, in ms. */
  rttMs: number | undefined;
  /** Inbound packets lost in the last interval, in percent. */
  lossPercent: number;
  /** Inbound audio jitter, in ms. */
  jitterMs: number | undefined;
  /** What arrives, per video source. */
  inbound: Partial<Record<Source, VideoStats>>;
  /** What leaves, per video source, and why the encoder holds back (`cpu`, `bandwidth`, `none`). */
  outbound: Partial<Record<Source, VideoStats & { bitrate: number; limitation: string; active: boolean }>>;
  /** All media sent on this link in the last interval, bit/s. */
  outboundBitrate: number;
  /** The congestion controller's estimate for this link, bit/s. */
  availableOutgoingBitrate: number | undefined;
  route: 'direct' | 'relayed' | undefined;
  /** Codec of the camera video received, e.g. "VP8". */
  codec: string | undefined;
}

type Stat = Record<string, unknown> & { type: string; id: string };

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Counters kept between two reads, for per-interval figures. */
export interface StatsMemory {
  at: number;
  bytesSent: Map<string, number>;
  packetsLost: number;
  packetsReceived: number;
}

/**
 * Turns a `getStats()` report into one LinkStats. `sourceOfMid` maps media sections to sources (the
 * link knows its transceivers); `previous` holds the counters of the last read.
 */
export function readLinkStats(
  report: Iterable<Stat>,
  sourceOfMid: (mid: string) => Source | undefined,
  now: number,
  previous: StatsMemory | undefined,
): { stats: LinkStats; memory: StatsMemory } {
  const byId = new Map<string, Stat>();
  for (const stat of report) byId.set(stat.id, stat);
  const seconds = previous ? Math.max(0.001, (now - previous.at) / 1_000) : undefined;
  const memory: StatsMemory = { at: now, bytesSent: new Map(), packetsLost: 0, packetsReceived: 0 };
  const stats: LinkStats = {
    at: now,
    rttMs: undefined,
    lossPercent: 0,
    jitterMs: undefined,
    inbound: {},
    outbound: {},
    outboundBitrate: 0,
    availableOutgoingBitrate: undefined,
    route: undefined,
    codec: undefined,
  };
  let selectedPair: Stat | undefined;
  for (const stat of byId.values()) {
    if (stat.type === 'transport' && typeof stat.selectedCandidatePairId === 'string') selectedPair = byId.get(stat.selectedCandidatePairId);
  }
  for (const stat of byId.values()) {
    // Firefox has no transport stats: its selected pair says so itself.
    if (!selectedPair && stat.type === 'candidate-pair' && (stat.selected === true || (stat.nominated === true && stat.state === 'succeeded'))) selectedPair = stat;
  }
  if (selectedPair) {
    const rtt = num(selectedPair.currentRoundTripTime);
    stats.rttMs = rtt === undefined ? undefined : Math.round(rtt * 1_000);
    stats.availableOutgoingBitrate = num(selectedPair.availableOutgoingBitrate);
    const local = byId.get(String(selectedPair.localCandidateId));
    const remote = byId.get(String(selectedPair.remoteCandidateId));
    if (local || remote) stats.route = local?.candidateType === 'relay' || remote?.candidateType === 'relay' ? 'relayed' : 'direct';
  }
  for (const stat of byId.values()) {
    const source = typeof stat.mid === 'string' ? sourceOfMid(stat.mid) : undefined;
    if (stat.type === 'inbound-rtp') {
      memory.packetsLost += num(stat.packetsLost) ?? 0;
      memory.packetsReceived += num(stat.packetsReceived) ?? 0;
      if (stat.kind === 'audio') {
        const jitter = num(stat.jitter);
        if (jitter !== undefined) stats.jitterMs = Math.round(jitter * 1_000);
      } else if (source) {
        stats.inbound[source] = { framesPerSecond: num(stat.framesPerSecond) ?? 0, width: num(stat.frameWidth) ?? 0, height: num(stat.frameHeight) ?? 0 };
        if (source === 'camera' && typeof stat.codecId === 'string') {
          const mime = byId.get(stat.codecId)?.mimeType;
          if (typeof mime === 'string') stats.codec = mime.replace(/^video\//i, '');
        }
      }
    } else if (stat.type === 'outbound-rtp') {
      const bytes = num(stat.bytesSent) ?? 0;
      memory.bytesSent.set(stat.id, bytes);
      const before = previous?.bytesSent.get(stat.id);
      const bitrate = seconds && before !== undefined ? Math.max(0, ((bytes - before) * 8) / seconds) : 0;
      stats.outboundBitrate += bitrate;
      if (stat.kind === 'video' && source) {
        stats.outbound[source] = {
          framesPerSecond: num(stat.framesPerSecond) ?? 0,
          width: num(stat.frameWidth) ?? 0,
          height: num(stat.frameHeight) ?? 0,
          bitrate: Math.round(bitrate),
          limitation: typeof stat.qualityLimitationReason === 'string' ? stat.qualityLimitationReason : 'none',
          active: stat.active !== false,
        };
      }
    }
  }
  stats.outboundBitrate = Math.round(stats.outboundBitrate);
  if (previous) {
    const lost = memory.packetsLost - previous.packetsLost;
    const received = memory.packetsReceived - previous.packetsReceived;
    stats.lossPercent = lost > 0 && lost + received > 0 ? Math.round((lost / (lost + received)) * 1_000) / 10 : 0;
  }
  return { stats, memory };
}

export type LinkQuality = 'good' | 'fair' | 'poor' | 'lost';

/** One sample's quality, as Jitsi and LiveKit grade a connection: loss first, then delay. */
export function gradeSample(stats: Pick<LinkStats, 'rttMs' | 'lossPercent' | 'jitterMs'>, connected: boolean): LinkQuality {
  if (!connected) return 'lost';
  const rtt = stats.rttMs ?? 0;
  const jitter = stats.jitterMs ?? 0;
  if (stats.lossPercent >= 10 || rtt >= 600 || jitter >= 100) return 'poor';
  if (stats.lossPercent >= 3 || rtt >= 250 || jitter >= 40) return 'fair';
  return 'good';
}

const RANK: Record<LinkQuality, number> = { good: 0, fair: 1, poor: 2, lost: 3 };

/**
 * The shown quality, with hysteresis: worse at once when the link is lost, after 2 worse samples
 * otherwise; better only after 4 better samples in a row (a blip does not make the icon flicker).
 */
export class QualityTracker {
  quality: LinkQuality = 'good';
  private worse = 0;
  private better = 0;

  update(sample: LinkQuality): boolean {
    const before = this.quality;
    if (sample === 'lost') {
      this.quality = 'lost';
      this.worse = this.better = 0;
    } else if (RANK[sample] > RANK[this.quality]) {
      this.better = 0;
      if (++this.worse >= 2) {
        this.quality = sample;
        this.worse = 0;
      }
    } else if (RANK[sample] < RANK[this.quality]) {
      this.worse = 0;
      if (++this.better >= 4) {
        this.quality = sample;
        this.better = 0;
      }
    } else {
      this.worse = this.better = 0;
    }
    return before !== this.quality;
  }
}
