import { describe, expect, it } from 'vitest';
import { preferredVideoCodecs } from './codecs.js';

// As Chromium lists them (trimmed).
const CHROMIUM = [
  { mimeType: 'video/VP8' },
  { mimeType: 'video/rtx', sdpFmtpLine: 'apt=96' },
  { mimeType: 'video/VP9', sdpFmtpLine: 'profile-id=0' },
  { mimeType: 'video/H264', sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640034' },
  { mimeType: 'video/H264', sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f' },
  { mimeType: 'video/H264', sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' },
  { mimeType: 'video/AV1' },
  { mimeType: 'video/red' },
  { mimeType: 'video/ulpfec' },
];

describe('preferredVideoCodecs', () => {
  it('puts constrained-baseline H.264 first, then other H.264, VP8, VP9, AV1, then repair and redundancy in their order', () => {
    const order = preferredVideoCodecs(CHROMIUM).map((c) => `${c.mimeType} ${c.sdpFmtpLine ?? ''}`.trim());
    expect(order).toEqual([
      'video/H264 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      'video/H264 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640034',
      'video/H264 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f',
      'video/VP8',
      'video/VP9 profile-id=0',
      'video/AV1',
      'video/rtx apt=96',
      'video/red',
      'video/ulpfec',
    ]);
  });

  it('without H.264 (Firefox without OpenH264) VP8 leads, and nothing is dropped', () => {
    const firefox = CHROMIUM.filter((c) => c.mimeType !== 'video/H264');
    const order = preferredVideoCodecs(firefox);
    expect(order[0]!.mimeType).toBe('video/VP8');
    expect(order).toHaveLength(firefox.length);
    expect(new Set(order)).toEqual(new Set(firefox));
  });
});
