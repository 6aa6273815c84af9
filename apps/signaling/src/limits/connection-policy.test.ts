import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, allowedOrigins, clientAddress, ConnectionCounter, isOriginAllowed, proxyTrust } from './connection-policy.js';

describe('isOriginAllowed', () => {
  const own = allowedOrigins('https://meet.example.org', ['https://app.example.org'], 443);

  it('allows the public origin and configured ones, exactly', () => {
    expect(isOriginAllowed({ origin: 'https://meet.example.org' }, own)).toBe(true);
    expect(isOriginAllowed({ origin: 'https://app.example.org' }, own)).toBe(true);
  });

  it('refuses other sites, other schemes and ports, look-alikes, DNS rebinding and junk', () => {
    for (const origin of [
      'https://evil.example',
      'https://meet.example.org.evil.example',
      'http://meet.example.org',
      'https://meet.example.org:8443',
      'null',
      'file://meet.example.org',
    ]) {
      expect(isOriginAllowed({ origin, host: 'meet.example.org' }, own), origin).toBe(false);
    }
    // A rebinding page's Host header names our address, its Origin does not.
    const dev = allowedOrigins(undefined, [], 3000);
    expect(isOriginAllowed({ origin: 'http://rebind.evil.example:3000', host: 'rebind.evil.example:3000' }, dev)).toBe(false);
    expect(isOriginAllowed({ origin: 'http://localhost:3000' }, dev)).toBe(true);
    expect(isOriginAllowed({ origin: 'http://localhost:3001' }, dev)).toBe(false);
  });

  it("allows a request without Origin only when the browser says it is same-origin (long-polling GETs)", () => {
    expect(isOriginAllowed({ 'sec-fetch-site': 'same-origin' }, own)).toBe(true);
    // A foreign page's no-cors request: no Origin, cross-site.
    expect(isOriginAllowed({ 'sec-fetch-site': 'cross-site' }, own)).toBe(false);
    expect(isOriginAllowed({ 'sec-fetch-site': 'same-site' }, own)).toBe(false);
    // Not a browser: must send an allowed Origin like anyone else.
    expect(isOriginAllowed({}, own)).toBe(false);
  });
});

describe('clientAddress', () => {
  const request = (forwarded?: string, peer = '10.0.0.1') =>
    ({ headers: forwarded ? { 'x-forwarded-for': forwarded } : {}, connection: { remoteAddress: peer }, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

  it('ignores X-Forwarded-For unless a proxy is trusted', () => {
    expect(clientAddress(request('1.2.3.4'), proxyTrust({ hops: 0 }))).toBe('10.0.0.1');
  });

  it('takes the first untrusted address from the right, so a spoofed leftmost entry changes nothing', () => {
    // The client wrote "6.6.6.6"; our proxy (10.0.0.1) appended the real peer 1.2.3.4.
    expect(clientAddress(request('6.6.6.6, 1.2.3.4'), proxyTrust({ hops: 1 }))).toBe('1.2.3.4');
    expect(clientAddress(request('6.6.6.6, 1.2.3.4'), proxyTrust({ addresses: ['10.0.0.0/8'] }))).toBe('1.2.3.4');
    expect(clientAddress(request('6.6.6.6, 1.2.3.4', '127.0.0.1'), proxyTrust({ addresses: ['loopback'] }))).toBe('1.2.3.4');
    // A peer that is not a trusted proxy speaks only for itself.
    expect(clientAddress(request('6.6.6.6', '192.0.2.7'), proxyTrust({ addresses: ['10.0.0.0/8'] }))).toBe('192.0.2.7');
    // Two trusted hops: the second proxy's address is skipped too.
    expect(clientAddress(request('6.6.6.6, 1.2.3.4, 10.0.0.2'), proxyTrust({ hops: 2 }))).toBe('1.2.3.4');
  });
});

describe('addressKey', () => {
  it('counts IPv6 per /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('ConnectionCounter', () => {
  it('enforces the limit per address and forgets addresses with no connection', () => {
    const counter = new ConnectionCounter(2);
    counter.add('a');
    counter.add('a');
    expect(counter.hasRoom('a')).toBe(false);
    expect(counter.hasRoom('b')).toBe(true);
    counter.remove('a');
    expect(counter.hasRoom('a')).toBe(true);
    counter.remove('a');
    expect(counter.size).toBe(0);
  });
});
