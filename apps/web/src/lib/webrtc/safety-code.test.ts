import { describe, expect, it } from 'vitest';
import { fingerprintsOf, safetyCode } from './safety-code.js';

const sdpWith = (...fingerprints: string[]) =>
  ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', ...fingerprints.map((f) => `a=fingerprint:sha-256 ${f}`), 'm=audio 9 UDP/TLS/RTP/SAVPF 111', ''].join('\r\n');
const ALICE = '1A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09';
const BOB = 'FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10';
const MALLORY = '1A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:0A';

describe('safety codes', () => {
  it('reads the fingerprints of a description, session or media level, in any case, once each', () => {
    const sdp = `${sdpWith(ALICE.toLowerCase())}a=fingerprint:sha-256 ${ALICE}\r\n`;
    expect(fingerprintsOf(sdp)).toEqual([`sha-256 ${ALICE}`]);
    expect(fingerprintsOf('v=0\r\n')).toEqual([]);
  });

  it('is the same on both sides of a pair: order-independent', async () => {
    const atAlice = await safetyCode(sdpWith(ALICE), sdpWith(BOB));
    const atBob = await safetyCode(sdpWith(BOB), sdpWith(ALICE));
    expect(atAlice).toMatch(/^\d{4} \d{4} \d{4}$/);
    expect(atBob).toBe(atAlice);
  });

  it('differs when either fingerprint differs, even by one digit (a swapped certificate)', async () => {
    const honest = await safetyCode(sdpWith(ALICE), sdpWith(BOB));
    expect(await safetyCode(sdpWith(MALLORY), sdpWith(BOB))).not.toBe(honest);
    expect(await safetyCode(sdpWith(ALICE), sdpWith(MALLORY))).not.toBe(honest);
    // What each side of a server in the middle would see: Alice with Mallory's, Bob with Mallory's.
    expect(await safetyCode(sdpWith(ALICE), sdpWith(MALLORY))).not.toBe(await safetyCode(sdpWith(BOB), sdpWith(MALLORY)));
  });

  it('has no code until both sides name a fingerprint', async () => {
    expect(await safetyCode(sdpWith(ALICE), 'v=0\r\n')).toBeUndefined();
  });
});
