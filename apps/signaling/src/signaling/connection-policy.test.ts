import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, ConnectionCounter, isOriginAllowed } from './connection-policy.js';

describe('isOriginAllowed', () => {
  it("allows the server's own origin and configured ones", () => {
    expect(isOriginAllowed('http://localhost:3000', 'localhost:3000', [])).toBe(true);
    expect(isOriginAllowed('https://meet.example.org', 'meet.example.org', [])).toBe(true);
    expect(isOriginAllowed('https://app.example.org', 'meet.example.org', ['https://app.example.org'])).toBe(true);
  });

  it('refuses other sites, look-alikes and junk', () => {
    expect(isOriginAllowed('https://evil.example', 'meet.example.org', [])).toBe(false);
    expect(isOriginAllowed('https://meet.example.org.evil.example', 'meet.example.org', [])).toBe(false);
    expect(isOriginAllowed('http://localhost:3001', 'localhost:3000', [])).toBe(false);
    expect(isOriginAllowed('null', 'localhost:3000', [])).toBe(false);
    expect(isOriginAllowed('file://localhost:3000', 'localhost:3000', [])).toBe(false);
    expect(isOriginAllowed('https://evil.example', undefined, [])).toBe(false);
  });

  it('lets non-browser clients (no Origin) through', () => {
    expect(isOriginAllowed(undefined, 'localhost:3000', [])).toBe(true);
  });
});

describe('clientAddress', () => {
  const request = (forwarded?: string) =>
    ({ headers: forwarded ? { 'x-forwarded-for': forwarded } : {}, socket: { remoteAddress: '10.0.0.1' } }) as unknown as IncomingMessage;

  it('ignores X-Forwarded-For unless the proxy is trusted', () => {
    expect(clientAddress(request('1.2.3.4'), false)).toBe('10.0.0.1');
    expect(clientAddress(request('1.2.3.4, 10.0.0.1'), true)).toBe('1.2.3.4');
    expect(clientAddress(request(), true)).toBe('10.0.0.1');
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
