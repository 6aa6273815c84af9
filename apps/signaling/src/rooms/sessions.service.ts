import { createHash, randomBytes } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';

interface Session {
  tokenHash: string;
  /** Set while the participant has no connection: removes it when the grace period ends. */
  graceTimer?: NodeJS.Timeout;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Resume sessions: which participant a resume token stands for, and the grace timers of
 * participants whose connection dropped. Only token hashes are kept.
 */
@Injectable()
export class SessionsService implements OnModuleDestroy {
  private readonly sessions = new Map<string, Session>();
  private readonly participantByToken = new Map<string, string>();

  /** A new token for the participant; any previous one stops working. */
  issue(participantId: string): string {
    const token = randomBytes(32).toString('base64url');
    const previous = this.sessions.get(participantId);
    if (previous) this.participantByToken.delete(previous.tokenHash);
    const tokenHash = hashToken(token);
    this.sessions.set(participantId, { ...previous, tokenHash });
    this.participantByToken.set(tokenHash, participantId);
    return token;
  }

  participantFor(token: string): string | undefined {
    return this.participantByToken.get(hashToken(token));
  }

  /** The connection dropped: keep the participant for `graceMs`, then call `expire` once. */
  markAway(participantId: string, graceMs: number, expire: () => void): void {
    const session = this.sessions.get(participantId);
    if (!session) return;
    clearTimeout(session.graceTimer);
    session.graceTimer = setTimeout(() => {
      session.graceTimer = undefined;
      expire();
    }, graceMs);
  }

  markBack(participantId: string): void {
    const session = this.sessions.get(participantId);
    if (session) {
      clearTimeout(session.graceTimer);
      session.graceTimer = undefined;
    }
  }

  isAway(participantId: string): boolean {
    return this.sessions.get(participantId)?.graceTimer !== undefined;
  }

  end(participantId: string): void {
    const session = this.sessions.get(participantId);
    if (!session) return;
    clearTimeout(session.graceTimer);
    this.participantByToken.delete(session.tokenHash);
    this.sessions.delete(participantId);
  }

  counts(): { sessions: number; waiting: number } {
    let waiting = 0;
    for (const session of this.sessions.values()) if (session.graceTimer) waiting += 1;
    return { sessions: this.sessions.size, waiting };
  }

  onModuleDestroy(): void {
    for (const session of this.sessions.values()) clearTimeout(session.graceTimer);
  }
}
