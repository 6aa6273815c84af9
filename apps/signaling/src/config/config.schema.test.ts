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
});
