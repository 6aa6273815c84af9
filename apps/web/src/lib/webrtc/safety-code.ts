/**
 * Safety codes: a short code per pair of people, derived from both DTLS certificate fingerprints as
 * each side applied them, so two people can compare it aloud. The media of a pair is encrypted with
 * keys agreed over DTLS, authenticated only by the fingerprints the signaling server relayed; a
 * server that swapped them in transit (to sit in the media path) would have to give each side a
 * fingerprint of its own, and the two sides' codes would differ.
 *
 * The code is order-independent (both sides compute it from {mine, theirs}), 12 digits (about 40
 * bits): the offer's fingerprint travels before the answer's, so a server in the middle would have to
 * find, within the seconds a negotiation lasts, a certificate whose code matches a code it cannot
 * choose; 2^40 key generations is far beyond that.
 */

/** The certificate fingerprints a description names (`a=fingerprint:<hash> <hex>`), normalised. */
export function fingerprintsOf(sdp: string): string[] {
  const found = new Set<string>();
  for (const match of sdp.matchAll(/^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm)) found.add(`${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}`);
  return [...found].sort();
}

/**
 * The code for a pair, from the fingerprints of both descriptions in effect (local and remote, in
 * either order); undefined while either side names none.
 */
export async function safetyCode(localSdp: string, remoteSdp: string): Promise<string | undefined> {
  const local = fingerprintsOf(localSdp);
  const remote = fingerprintsOf(remoteSdp);
  if (local.length === 0 || remote.length === 0) return undefined;
  const sides = [local.join(','), remote.join(',')].sort();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`meshmeet safety code v1\n${sides[0]}\n${sides[1]}`)));
  // Three groups of four digits, each from 32 bits of the digest (the modulo bias is below 1e-5).
  const view = new DataView(digest.buffer);
  return [0, 4, 8].map((offset) => String(view.getUint32(offset) % 10_000).padStart(4, '0')).join(' ');
}
