import { describe, expect, it } from 'vitest';
import { hashPasscode, PasscodeThrottle, verifyPasscode } from './passcode.js';

describe('passcode hashing', () => {
  it('verifies the right passcode only and never contains it', async () => {
    const stored = await hashPasscode('open sesame');
    expect(stored).not.toContain('open sesame');
    expect(stored).toMatch(/^scrypt\$/);
    expect(await verifyPasscode('open sesame', stored)).toBe(true);
    expect(await verifyPasscode('open sesamE', stored)).toBe(false);
    expect(await verifyPasscode('open sesame', 'garbage')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPasscode('same')).not.toBe(await hashPasscode('same'));
  });
});

describe('PasscodeThrottle', () => {
  it('blocks after too many failures in the window, then forgets them', () => {
    const throttle = new PasscodeThrottle(3, 1_000);
    for (let i = 0; i < 3; i++) throttle.recordFailure('ip|room', i);
    expect(throttle.isBlocked('ip|room', 10)).toBe(true);
    expect(throttle.isBlocked('other|room', 10)).toBe(false);
    expect(throttle.isBlocked('ip|room', 1_500)).toBe(false);
    expect(throttle.size).toBe(0);
  });

  it('stays bounded in size', () => {
    const throttle = new PasscodeThrottle(3, 60_000, 100);
    for (let i = 0; i < 1_000; i++) throttle.recordFailure(`key-${i}`, 0);
    expect(throttle.size).toBe(100);
  });
});
