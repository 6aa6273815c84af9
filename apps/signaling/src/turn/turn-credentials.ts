import { createHmac } from 'node:crypto';

export interface TurnCredential {
  username: string;
  credential: string;
}

/**
 * Time-limited TURN credentials in coturn's REST API scheme (`use-auth-secret`): the username is
 * `<unix expiry>:<participant id>` and the password is base64(HMAC-SHA1(secret, username)). coturn
 * recomputes the HMAC with the shared secret and refuses the credential after the expiry.
 */
export function turnCredential(secret: string, participantId: string, ttlSeconds: number, nowMs: number): TurnCredential {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${participantId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}
