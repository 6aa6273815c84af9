import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionsService } from './sessions.service.js';

describe('SessionsService', () => {
  afterEach(() => vi.useRealTimers());

  it('maps a token to its participant and rotates tokens', () => {
    const sessions = new SessionsService();
    const first = sessions.issue('p1');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions.participantFor(first)).toBe('p1');
    const second = sessions.issue('p1');
    expect(sessions.participantFor(first)).toBeUndefined();
    expect(sessions.participantFor(second)).toBe('p1');
    expect(sessions.participantFor('forged-token-value')).toBeUndefined();
  });

  it('expires an away participant once after the grace period unless it comes back', () => {
    vi.useFakeTimers();
    const sessions = new SessionsService();
    sessions.issue('gone');
    sessions.issue('back');
    const expired: string[] = [];
    sessions.markAway('gone', 1_000, () => expired.push('gone'));
    sessions.markAway('back', 1_000, () => expired.push('back'));
    expect(sessions.counts()).toEqual({ sessions: 2, waiting: 2 });
    vi.advanceTimersByTime(500);
    sessions.markBack('back');
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual(['gone']);
    expect(sessions.isAway('back')).toBe(false);
  });

  it('forgets everything about an ended session', () => {
    vi.useFakeTimers();
    const sessions = new SessionsService();
    const token = sessions.issue('p1');
    const expire = vi.fn();
    sessions.markAway('p1', 1_000, expire);
    sessions.end('p1');
    vi.advanceTimersByTime(5_000);
    expect(expire).not.toHaveBeenCalled();
    expect(sessions.participantFor(token)).toBeUndefined();
    expect(sessions.counts()).toEqual({ sessions: 0, waiting: 0 });
  });
});
