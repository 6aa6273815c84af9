import { randomFillSync } from 'node:crypto';

/**
 * Random bytes from the CSPRNG, drawn from a pool refilled 4 KiB at a time (as Node's own
 * `randomUUID` does): one `randomFillSync` per ~100 ids instead of one per id, which showed up in
 * profiles of join storms. No byte is handed out twice.
 */
const pool = Buffer.alloc(4_096);
let used = pool.length;

/** `bytes` random bytes as URL-safe base64. */
export function randomBase64Url(bytes: number): string {
  if (bytes > pool.length) throw new RangeError(`at most ${pool.length} random bytes at a time`);
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const text = pool.toString('base64url', used, used + bytes);
  used += bytes;
  return text;
}
