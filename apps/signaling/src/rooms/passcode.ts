import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ProtocolError } from '../common/protocol.error.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;

/** A salted scrypt hash; the clear passcode is never kept. Format: `scrypt$<salt b64>$<hash b64>`. */
export async function hashPasscode(passcode: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(passcode.normalize('NFC'), salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPasscode(passcode: string, stored: string): Promise<boolean> {
  const [scheme, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return false;
  const expected = Buffer.from(hashText, 'base64');
  const actual = await scryptAsync(passcode.normalize('NFC'), Buffer.from(saltText, 'base64'), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface HasherLimits {
  /** Hashes running at once. scrypt runs on libuv's pool (4 threads), which also reads static files. */
  concurrency: number;
  /** Hashes allowed to wait; beyond this a join is refused with `rate_limited` at once. */
  maxQueued: number;
}

export const DEFAULT_HASHER_LIMITS: HasherLimits = { concurrency: 1, maxQueued: 16 };

/**
 * Passcode hashing with bounded concurrency and a bounded queue. One scrypt takes ~75 ms of a pool
 * thread; unbounded, a flood of passcode joins occupied every pool thread and made the app's own
 * files take seconds to load. Bounded, a flood costs one pool thread and fails fast.
 */
export class PasscodeHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limits: HasherLimits = DEFAULT_HASHER_LIMITS) {}

  hash(passcode: string): Promise<string> {
    return this.run(() => hashPasscode(passcode));
  }

  verify(passcode: string, stored: string): Promise<boolean> {
    return this.run(() => verifyPasscode(passcode, stored));
  }

  get queued(): number {
    return this.waiting.length;
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.maxQueued) throw new ProtocolError('rate_limited');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
