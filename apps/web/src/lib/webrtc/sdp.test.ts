import { describe, expect, it } from 'vitest';
import { withOpusParameters } from './sdp.js';

const AUDIO_SECTION = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=0',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n');

describe('withOpusParameters', () => {
  it('sets DTX and in-band FEC on the Opus fmtp line, overriding a value the peer sent, keeping the others', () => {
    const sdp = withOpusParameters(AUDIO_SECTION);
    expect(sdp).toContain('a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\n');
    expect(sdp.match(/a=fmtp:111/g)).toHaveLength(1);
  });

  it('leaves every other line as it was (RED, other codecs, video, line endings)', () => {
    const before = AUDIO_SECTION.split('\r\n').filter((line) => !line.startsWith('a=fmtp:111'));
    const after = withOpusParameters(AUDIO_SECTION).split('\r\n').filter((line) => !line.startsWith('a=fmtp:111'));
    expect(after).toEqual(before);
  });

  it('adds an fmtp line right after the rtpmap when Opus has none (a third-party peer)', () => {
    const bare = AUDIO_SECTION.replace('a=fmtp:111 minptime=10;useinbandfec=0\r\n', '');
    const lines = withOpusParameters(bare).split('\r\n');
    expect(lines[lines.indexOf('a=rtpmap:111 opus/48000/2') + 1]).toBe('a=fmtp:111 usedtx=1;useinbandfec=1');
  });

  it('changes nothing without Opus, and is idempotent', () => {
    const videoOnly = 'v=0\nm=video 9 UDP/TLS/RTP/SAVPF 96\na=rtpmap:96 VP8/90000\n';
    expect(withOpusParameters(videoOnly)).toBe(videoOnly);
    const once = withOpusParameters(AUDIO_SECTION);
    expect(withOpusParameters(once)).toBe(once);
  });
});
