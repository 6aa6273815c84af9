import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../common/protocol.error.js';
import { hashPasscode, PasscodeHasher, verifyPasscode } from './passcode.js';

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

describe('PasscodeHasher', () => {
  it('runs one hash at a time, queues a bounded number and refuses the rest at once', async () => {
    const hasher = new PasscodeHasher({ concurrency: 1, maxQueued: 2 });
    const attempts = Array.from({ length: 6 }, (_, i) => hasher.hash(`code-${i}`));
    const settled = await Promise.allSettled(attempts);
    const refused = settled.filter((r) => r.status === 'rejected');
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited' });
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(ProtocolError);
    expect(hasher.queued).toBe(0);
    // After the burst the hasher works again.
    expect(await hasher.verify('code-0', await hasher.hash('code-0'))).toBe(true);
  });
});
