import { describe, expect, it } from 'vitest';
import { videoEncodingFor } from './video-encoding.js';

describe('videoEncodingFor', () => {
  it('never raises quality as the room grows', () => {
    let previous = videoEncodingFor(1);
    for (let remote = 2; remote <= 7; remote++) {
      const next = videoEncodingFor(remote);
      expect(next.maxBitrate).toBeLessThanOrEqual(previous.maxBitrate);
      expect(next.scaleResolutionDownBy).toBeGreaterThanOrEqual(previous.scaleResolutionDownBy);
      expect(next.maxFramerate).toBeLessThanOrEqual(previous.maxFramerate);
      previous = next;
    }
  });

  it('keeps the total upload of a full room of 8 under 2.5 Mbit/s', () => {
    expect(videoEncodingFor(7).maxBitrate * 7).toBeLessThanOrEqual(2_500_000);
  });

  it('sends full resolution in small calls', () => {
    expect(videoEncodingFor(1).scaleResolutionDownBy).toBe(1);
    expect(videoEncodingFor(2).scaleResolutionDownBy).toBe(1);
  });
});
