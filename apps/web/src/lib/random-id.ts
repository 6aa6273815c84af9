/** `bytes` random bytes in base64url without padding: an id nobody can guess (room links, chat message ids). */
export function randomId(bytes: number): string {
  let binary = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(bytes))) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
