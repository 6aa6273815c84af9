import { describe, expect, it } from 'vitest';
import { encodePeerMessage, PEER_MESSAGE_MAX_BYTES, parsePeerMessage } from './peer-messages.js';
import { midsInOrder, sourceAtMediaSection } from './sources.js';

describe('peer messages', () => {
  it('round-trips a valid message', () => {
    const text = encodePeerMessage({ v: 1, type: 'ping', nonce: 'n1' })!;
    expect(parsePeerMessage(text)).toEqual({ ok: true, message: { v: 1, type: 'ping', nonce: 'n1' } });
  });

  it.each([
    ['binary', new ArrayBuffer(8), 'not_text'],
    ['oversized', JSON.stringify({ v: 1, type: 'ping', nonce: 'x'.repeat(PEER_MESSAGE_MAX_BYTES) }), 'too_large'],
    ['oversized in UTF-8 only', `"${'€'.repeat(PEER_MESSAGE_MAX_BYTES / 2)}"`, 'too_large'],
    ['not JSON', '{nope', 'not_json'],
    ['unknown type', '{"v":1,"type":"html","body":"<img src=x onerror=alert(1)>"}', 'invalid'],
    ['other version', '{"v":2,"type":"ping","nonce":"n"}', 'invalid'],
    ['extra keys', '{"v":1,"type":"ping","nonce":"n","from":"someone-else"}', 'invalid'],
    ['prototype pollution', '{"v":1,"type":"ping","nonce":"n","__proto__":{"x":1}}', 'invalid'],
  ])('drops %s messages with a reason', (_label, data, reason) => {
    expect(parsePeerMessage(data)).toEqual({ ok: false, reason });
  });

  it('refuses to encode an invalid or oversized message', () => {
    expect(encodePeerMessage({ v: 1, type: 'ping', nonce: '' })).toBeUndefined();
  });
});

describe('transceiver order', () => {
  it('maps media sections to sources by position, ignoring the data channel section', () => {
    const sdp = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:2', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:3'].join('\r\n');
    expect(midsInOrder(sdp)).toEqual(['0', '1', '2']);
    expect([0, 1, 2, 3].map(sourceAtMediaSection)).toEqual(['mic', 'camera', 'screen', undefined]);
  });
});

describe('chat messages', () => {
  it('accepts text up to 2,000 characters and refuses more, empty text and odd ids', () => {
    const chat = (text: string, id = 'abcdefgh12') => parsePeerMessage(JSON.stringify({ v: 1, type: 'chat', id, text }));
    expect(chat('hello <b>there</b>')).toEqual({ ok: true, message: { v: 1, type: 'chat', id: 'abcdefgh12', text: 'hello <b>there</b>' } });
    expect(chat('x'.repeat(2_000)).ok).toBe(true);
    expect(chat('x'.repeat(2_001))).toEqual({ ok: false, reason: 'invalid' });
    expect(chat('   ')).toEqual({ ok: false, reason: 'invalid' });
    expect(chat('hi', 'short')).toEqual({ ok: false, reason: 'invalid' });
    expect(chat('hi', '../../etc/passwd')).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('reactions', () => {
  it('accepts the known emoji only', () => {
    expect(parsePeerMessage('{"v":1,"type":"reaction","emoji":"👏"}')).toEqual({ ok: true, message: { v: 1, type: 'reaction', emoji: '👏' } });
    expect(parsePeerMessage('{"v":1,"type":"reaction","emoji":"💩"}')).toEqual({ ok: false, reason: 'invalid' });
    expect(parsePeerMessage('{"v":1,"type":"reaction","emoji":"<script>"}')).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('view hints', () => {
  const view = (camera: unknown, screen: unknown = null) => parsePeerMessage(JSON.stringify({ v: 1, type: 'view', camera, screen }));

  it('accepts a size and priority per source, or null for a video not shown', () => {
    const camera = { width: 640, height: 360, priority: 'normal' };
    expect(view(camera)).toEqual({ ok: true, message: { v: 1, type: 'view', camera, screen: null } });
    expect(view(null, { width: 1920, height: 1080, priority: 'high' }).ok).toBe(true);
  });

  it('refuses sizes that are not whole positive pixels within 8K, unknown priorities and extra fields', () => {
    for (const camera of [
      { width: 0, height: 360, priority: 'normal' },
      { width: 640.5, height: 360, priority: 'normal' },
      { width: 100_000, height: 360, priority: 'normal' },
      { width: 640, height: 360, priority: 'urgent' },
      { width: 640, height: 360, priority: 'normal', bitrate: 10_000_000 },
      { width: '640', height: 360, priority: 'normal' },
    ]) {
      expect(view(camera)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(parsePeerMessage('{"v":1,"type":"view","camera":null}')).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('link reports', () => {
  const link = { to: 'p_bob', state: 'connected', route: 'direct', rttMs: 12, forMs: 4_000 };
  const links = (entries: unknown[]) => parsePeerMessage(JSON.stringify({ v: 1, type: 'links', links: entries }));

  it('accepts a participant\'s links, and none', () => {
    expect(links([link, { ...link, to: 'p_cy', state: 'connecting', route: null, rttMs: null }]).ok).toBe(true);
    expect(links([]).ok).toBe(true);
  });

  it('refuses unknown states and routes, odd ids, negative or huge figures and too many links', () => {
    for (const wrong of [
      { ...link, state: 'great' },
      { ...link, route: 'satellite' },
      { ...link, to: '<img src=x>' },
      { ...link, rttMs: -1 },
      { ...link, rttMs: 1.5 },
      { ...link, forMs: 86_400_001 },
      { ...link, name: 'Bob' },
    ]) {
      expect(links([wrong]), JSON.stringify(wrong)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(links(Array.from({ length: 33 }, (_, i) => ({ ...link, to: `p_${i}` })))).toEqual({ ok: false, reason: 'invalid' });
  });
});
