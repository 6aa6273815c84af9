import { describe, expect, it } from 'vitest';
import { rmsLevel, SPEAKING_THRESHOLDS, SpeakingDetector } from './speaking.js';

const { start, keep, holdMs } = SPEAKING_THRESHOLDS;

describe('SpeakingDetector', () => {
  it('starts at the start level, not below it', () => {
    const detector = new SpeakingDetector();
    expect(detector.update(start * 0.9, 0)).toBe(false);
    expect(detector.speaking).toBe(false);
    expect(detector.update(start, 100)).toBe(true);
    expect(detector.speaking).toBe(true);
  });

  it('keeps speaking at a lower level than it takes to start (hysteresis)', () => {
    const detector = new SpeakingDetector();
    detector.update(start, 0);
    for (let t = 100; t <= 3_000; t += 100) detector.update(keep, t);
    expect(detector.speaking).toBe(true);
  });

  it('the pauses between words shorter than the hold time do not end speech', () => {
    const detector = new SpeakingDetector();
    const changes: number[] = [];
    // Syllables: 200 ms loud, 300 ms silent, for 5 s.
    for (let t = 0; t < 5_000; t += 50) {
      const level = t % 500 < 200 ? 0.1 : 0.001;
      if (detector.update(level, t)) changes.push(t);
    }
    expect(changes).toEqual([0]);
  });

  it('ends after the hold time of silence, and starts again with the next word', () => {
    const detector = new SpeakingDetector();
    detector.update(0.2, 0);
    expect(detector.update(0, holdMs - 1)).toBe(false);
    expect(detector.update(0, holdMs)).toBe(true);
    expect(detector.speaking).toBe(false);
    expect(detector.update(0.2, holdMs + 500)).toBe(true);
  });

  it('a level that hovers around the start threshold does not flicker', () => {
    const detector = new SpeakingDetector();
    let changes = 0;
    for (let t = 0; t < 4_000; t += 100) if (detector.update(t % 200 === 0 ? start : start * 0.8, t)) changes++;
    expect(changes).toBe(1);
  });
});

describe('rmsLevel', () => {
  it('is the root mean square of the samples', () => {
    expect(rmsLevel(new Float32Array([0.5, -0.5, 0.5, -0.5]))).toBeCloseTo(0.5);
    expect(rmsLevel(new Float32Array(128))).toBe(0);
    expect(rmsLevel(new Float32Array(0))).toBe(0);
  });
});
