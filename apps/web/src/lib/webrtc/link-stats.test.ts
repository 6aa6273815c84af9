import { describe, expect, it } from 'vitest';
import { gradeSample, QualityTracker, readLinkStats } from './link-stats.js';

const sourceOfMid = (mid: string) => (({ '0': 'mic', '1': 'camera', '2': 'screen' }) as const)[mid as '0' | '1' | '2'];

function report(bytesSent: number, packetsLost: number, packetsReceived: number) {
  return [
    { type: 'transport', id: 'T1', selectedCandidatePairId: 'CP1' },
    { type: 'candidate-pair', id: 'CP1', currentRoundTripTime: 0.012, availableOutgoingBitrate: 2_500_000, localCandidateId: 'L1', remoteCandidateId: 'R1' },
    { type: 'local-candidate', id: 'L1', candidateType: 'host' },
    { type: 'remote-candidate', id: 'R1', candidateType: 'relay' },
    { type: 'codec', id: 'C1', mimeType: 'video/VP8' },
    { type: 'inbound-rtp', id: 'I0', kind: 'audio', mid: '0', jitter: 0.004, packetsLost: 0, packetsReceived: 500 },
    { type: 'inbound-rtp', id: 'I1', kind: 'video', mid: '1', framesPerSecond: 20, frameWidth: 640, frameHeight: 360, codecId: 'C1', packetsLost, packetsReceived },
    { type: 'outbound-rtp', id: 'O1', kind: 'video', mid: '1', bytesSent, framesPerSecond: 19, frameWidth: 320, frameHeight: 240, qualityLimitationReason: 'cpu', active: true },
  ];
}

describe('readLinkStats', () => {
  it('reads the route, delay, sizes, codec, and per-interval bitrate and loss', () => {
    const first = readLinkStats(report(100_000, 0, 1_000), sourceOfMid, 1_000, undefined);
    expect(first.stats).toMatchObject({ rttMs: 12, jitterMs: 4, route: 'relayed', codec: 'VP8', availableOutgoingBitrate: 2_500_000, lossPercent: 0 });
    expect(first.stats.inbound.camera).toEqual({ framesPerSecond: 20, width: 640, height: 360 });
    const second = readLinkStats(report(162_500, 20, 1_180), sourceOfMid, 2_000, first.memory);
    // 62,500 bytes in one second.
    expect(second.stats.outboundBitrate).toBe(500_000);
    expect(second.stats.outbound.camera).toMatchObject({ bitrate: 500_000, width: 320, limitation: 'cpu', active: true });
    // 20 lost and 180 received in the interval (audio received nothing new): 10 %.
    expect(second.stats.lossPercent).toBe(10);
  });

  it('finds the selected pair without transport stats (Firefox)', () => {
    const { stats } = readLinkStats(
      [
        { type: 'candidate-pair', id: 'A', nominated: true, state: 'succeeded', selected: true, currentRoundTripTime: 0.05, localCandidateId: 'L', remoteCandidateId: 'R' },
        { type: 'local-candidate', id: 'L', candidateType: 'host' },
        { type: 'remote-candidate', id: 'R', candidateType: 'srflx' },
      ],
      sourceOfMid,
      0,
      undefined,
    );
    expect(stats).toMatchObject({ rttMs: 50, route: 'direct' });
  });
});

describe('link quality', () => {
  it('grades loss, delay and jitter', () => {
    expect(gradeSample({ rttMs: 20, lossPercent: 0, jitterMs: 5 }, true)).toBe('good');
    expect(gradeSample({ rttMs: 300, lossPercent: 0, jitterMs: 5 }, true)).toBe('fair');
    expect(gradeSample({ rttMs: 20, lossPercent: 12, jitterMs: 5 }, true)).toBe('poor');
    expect(gradeSample({ rttMs: 20, lossPercent: 0, jitterMs: 5 }, false)).toBe('lost');
  });

  it('gets worse after two bad samples, better only after four good ones, lost at once', () => {
    const tracker = new QualityTracker();
    expect(tracker.update('poor')).toBe(false);
    expect(tracker.update('good')).toBe(false);
    expect(tracker.update('poor')).toBe(false);
    expect(tracker.update('poor')).toBe(true);
    expect(tracker.quality).toBe('poor');
    for (let i = 0; i < 3; i++) tracker.update('good');
    expect(tracker.quality).toBe('poor');
    tracker.update('good');
    expect(tracker.quality).toBe('good');
    expect(tracker.update('lost')).toBe(true);
    expect(tracker.quality).toBe('lost');
  });
});
