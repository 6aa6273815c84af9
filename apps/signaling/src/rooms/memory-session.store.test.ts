import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore } from './memory-session.store.js';

describe('MemorySessionStore', () => {
  afterEach(() => vi.useRealTimers());

  it('maps a token to its participant and rotates tokens', async () => {
    const sessions = new MemorySessionStore();
    const first = await sessions.issue('p1');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.participantFor(first)).toBe('p1');
    const second = await sessions.issue('p1');
    expect(await sessions.participantFor(first)).toBeUndefined();
    expect(await sessions.participantFor(second)).toBe('p1');
    expect(await sessions.participantFor('forged-token-value')).toBeUndefined();
  });

  it('expires an away participant once after the grace period unless it comes back', async () => {
    vi.useFakeTimers();
    const sessions = new MemorySessionStore();
    await sessions.issue('gone');
    await sessions.issue('back');
    const expired: string[] = [];
    sessions.onExpired((id) => expired.push(id));
    await sessions.markAway('gone', 1_000);
    await sessions.markAway('back', 1_000);
    expect(await sessions.sessionCounts()).toEqual({ sessions: 2, waiting: 2 });
    vi.advanceTimersByTime(500);
    await sessions.markBack('back');
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual(['gone']);
    expect(await sessions.sessionCounts()).toEqual({ sessions: 2, waiting: 0 });
  });

  it('forgets everything about an ended session', async () => {
    vi.useFakeTimers();
    const sessions = new MemorySessionStore();
    const token = await sessions.issue('p1');
    const expire = vi.fn();
    sessions.onExpired(expire);
    await sessions.markAway('p1', 1_000);
    await sessions.end('p1');
    vi.advanceTimersByTime(5_000);
    expect(expire).not.toHaveBeenCalled();
    expect(await sessions.participantFor(token)).toBeUndefined();
    expect(await sessions.sessionCounts()).toEqual({ sessions: 0, waiting: 0 });
  });
});
