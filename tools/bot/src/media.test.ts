import { describe, expect, it } from 'vitest';
import { testPattern, testTone, vp8Payloads } from './media.js';

describe('bot media', () => {
  it('reads the VP8 test pattern: 320x240 at 20 fps, 80 frames, a key frame every 20', () => {
    const pattern = testPattern();
    expect([pattern.width, pattern.height, pattern.fps, pattern.frames.length]).toEqual([320, 240, 20, 80]);
    expect(pattern.frames.flatMap((frame, i) => (frame.keyframe ? [i] : []))).toEqual([0, 20, 40, 60]);
    // A VP8 key frame carries the start code 9d 01 2a after its 3-byte tag.
    expect(pattern.frames[0]!.data.subarray(3, 6).toString('hex')).toBe('9d012a');
  });

  it('reads the Opus tone: 2 s of 20 ms packets, headers left out', () => {
    const packets = testTone();
    expect(packets.length).toBeGreaterThanOrEqual(100);
    expect(packets.length).toBeLessThanOrEqual(101);
    // Each packet holds one 20 ms frame: TOC byte, RFC 6716 3.1 (config -> frame size, code 0 = one frame).
    const frameMs = (config: number) => (config < 12 ? [10, 20, 40, 60][config % 4] : config < 16 ? [10, 20][config % 2] : [2.5, 5, 10, 20][config % 4]);
    for (const packet of packets) expect([frameMs(packet[0]! >> 3), packet[0]! & 0x03]).toEqual([20, 0]);
  });

  it('packetizes a VP8 frame: the start bit on the first payload only, every payload within the size, nothing lost', () => {
    const frame = Buffer.alloc(2_500, 7);
    const payloads = vp8Payloads(frame, 1_000);
    expect(payloads.map((p) => p.length)).toEqual([1_000, 1_000, 503]);
    expect(payloads.map((p) => p[0])).toEqual([0x10, 0x00, 0x00]);
    expect(Buffer.concat(payloads.map((p) => p.subarray(1)))).toEqual(frame);
  });
});
