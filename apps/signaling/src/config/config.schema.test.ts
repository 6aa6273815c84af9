import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.schema.js';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', maxRoomSize: 8, iceServers: [], allowedOrigins: [] });
    expect(config.webDist).toMatch(/web[\\/]dist$/);
  });

  it('parses numbers, ICE servers and origin lists from strings', () => {
    const config = loadConfig({
      PORT: '4000',
      MAX_ROOM_SIZE: '4',
      ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.port).toBe(4000);
    expect(config.maxRoomSize).toBe(4);
    expect(config.iceServers).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('scales every per-connection message rate with MESSAGE_RATE_SCALE, and keeps the defaults without it', () => {
    const defaults = loadConfig({}).rateLimits;
    const scaled = loadConfig({ MESSAGE_RATE_SCALE: '10' }).rateLimits;
    expect(scaled.perKind.candidate).toEqual({ capacity: defaults.perKind.candidate.capacity * 10, refillPerSecond: defaults.perKind.candidate.refillPerSecond * 10 });
    expect(scaled.strikes.refillPerSecond).toBe(defaults.strikes.refillPerSecond * 10);
    expect(() => loadConfig({ MESSAGE_RATE_SCALE: '0.5' })).toThrow(/MESSAGE_RATE_SCALE/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it('names every invalid variable in one readable error', () => {
    const attempt = () => loadConfig({ PORT: 'http', MAX_ROOM_SIZE: '1', ICE_SERVERS: '{not json' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('MAX_ROOM_SIZE');
      expect(message).toContain('ICE_SERVERS: must be a JSON array');
    }
  });

  it('names the proxies to trust, and refuses TRUST_PROXY=true', () => {
    expect(loadConfig({}).trustProxy).toEqual({ hops: 0 });
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toEqual({ hops: 0 });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual({ addresses: ['loopback', '10.0.0.0/8'] });
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: name the proxies/);
    expect(() => loadConfig({ TRUST_PROXY: 'my-proxy.example' })).toThrow(/TRUST_PROXY/);
  });

  it('requires a public URL and a protected /metrics in production, and reads the token from a file', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: required in production[\s\S]*METRICS_TOKEN or METRICS_PORT/);
    const file = join(mkdtempSync(join(tmpdir(), 'meshmeet-')), 'metrics-token');
    writeFileSync(file, 'a-generated-token-0123456789\n');
    const config = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://meet.example.org/', METRICS_TOKEN_FILE: file });
    expect(config.metricsToken).toBe('a-generated-token-0123456789');
    expect(config.publicUrl).toBe('https://meet.example.org');
    expect(() => loadConfig({ METRICS_TOKEN_FILE: '/nonexistent/token' })).toThrow(/METRICS_TOKEN_FILE: cannot read it \(ENOENT\)/);
  });
});
