import { describe, expect, it } from 'vitest';
import { turnCredential } from './turn-credentials.js';

describe('turnCredential', () => {
  it('matches a known vector', () => {
    // printf '1700000600:participant-1' | openssl dgst -sha1 -hmac 'north-wind' -binary | base64
    expect(turnCredential('north-wind', 'participant-1', 600, 1_700_000_000_000)).toEqual({
      username: '1700000600:participant-1',
      credential: '846y0aCcz7RqRihWMwF9y5pimT4=',
    });
  });

  it('expires after the TTL and changes with the secret', () => {
    const a = turnCredential('s1', 'p', 60, 1_000_000);
    expect(a.username).toBe('1060:p');
    expect(turnCredential('s2', 'p', 60, 1_000_000).credential).not.toBe(a.credential);
  });
});
