import { createHash, randomBytes } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SessionStore } from './room-store.js';

interface Session {
  tokenHash: string;
  /** Set while the participant has no connection: removes it when the grace period ends. */
  graceTimer?: NodeJS.Timeout;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Resume sessions in this process's memory: which participant a resume token stands for, and the
 * grace timers of participants whose connection dropped. Only token hashes are kept.
 */
@Injectable()
export class MemorySessionStore extends SessionStore implements OnModuleDestroy {
  private readonly sessions = new Map<string, Session>();
  private readonly participantByToken = new Map<string, string>();
  private expired: (participantId: string) => void = () => {};

  onExpired(handler: (participantId: string) => void): void {
    this.expired = handler;
  }

  async issue(participantId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const previous = this.sessions.get(participantId);
    if (previous) this.participantByToken.delete(previous.tokenHash);
    const tokenHash = hashToken(token);
    this.sessions.set(participantId, { ...previous, tokenHash });
    this.participantByToken.set(tokenHash, participantId);
    return token;
  }

  async participantFor(token: string): Promise<string | undefined> {
    return this.participantByToken.get(hashToken(token));
  }

  async markAway(participantId: string, graceMs: number): Promise<void> {
    const session = this.sessions.get(participantId);
    if (!session) return;
    clearTimeout(session.graceTimer);
    session.graceTimer = setTimeout(() => {
      session.graceTimer = undefined;
      this.expired(participantId);
    }, graceMs);
  }

  async markBack(participantId: string): Promise<void> {
    const session = this.sessions.get(participantId);
    if (session) {
      clearTimeout(session.graceTimer);
      session.graceTimer = undefined;
    }
  }


  async end(participantId: string): Promise<void> {
    const session = this.sessions.get(participantId);
    if (!session) return;
    clearTimeout(session.graceTimer);
    this.participantByToken.delete(session.tokenHash);
    this.sessions.delete(participantId);
  }

  async sessionCounts(): Promise<{ sessions: number; waiting: number }> {
    let waiting = 0;
    for (const session of this.sessions.values()) if (session.graceTimer) waiting += 1;
    return { sessions: this.sessions.size, waiting };
  }

  onModuleDestroy(): void {
    for (const session of this.sessions.values()) clearTimeout(session.graceTimer);
  }
}
