import type { LinkReport } from '@meshmeet/protocol';
import { describe, expect, it } from 'vitest';
import { connectivityMatrix, REPORT_STALE_MS, reportChanged, STUCK_AFTER_MS } from './connectivity.js';

const people = [
  { id: 'me', name: 'Ada' },
  { id: 'bob', name: 'Bob' },
  { id: 'cy', name: 'Cy' },
];
const up = (to: string, rttMs = 12, route: LinkReport['route'] = 'direct'): LinkReport => ({ to, state: 'connected', route, rttMs, forMs: 5_000 });
const connecting = (to: string, forMs: number): LinkReport => ({ to, state: 'connecting', route: null, rttMs: null, forMs });

describe('connectivityMatrix', () => {
  it('fills every pair from each side\'s own report', () => {
    const reports = new Map([
      ['me', { links: [up('bob'), up('cy', 40, 'relayed')], at: 1_000 }],
      ['bob', { links: [up('me'), up('cy', 8)], at: 900 }],
      ['cy', { links: [up('me', 41, 'relayed'), up('bob', 9)], at: 950 }],
    ]);
    const matrix = connectivityMatrix(people, reports, 1_000, false);
    expect(matrix.cells[0]![0]).toBeUndefined();
    expect(matrix.cells[0]![2]).toEqual({ state: 'connected', route: 'relayed', rttMs: 40, failing: false });
    expect(matrix.cells[1]![2]).toMatchObject({ route: 'direct', rttMs: 8 });
    expect(matrix.hints).toEqual([]);
  });

  it('shows a pair that never connects at everyone\'s, with a hint that depends on whether a relay exists', () => {
    const reports = new Map([
      ['me', { links: [up('bob'), up('cy')], at: 20_000 }],
      ['bob', { links: [up('me'), connecting('cy', STUCK_AFTER_MS - 1_000)], at: 19_000 }],
      ['cy', { links: [up('me')], at: 19_000 }],
    ]);
    // Bob's report is 1 s old: 14 s connecting then, 15 s now.
    const matrix = connectivityMatrix(people, reports, 20_000, false);
    expect(matrix.cells[1]![2]).toMatchObject({ state: 'connecting', failing: true });
    expect(matrix.cells[2]![1]).toMatchObject({ state: 'unknown', failing: false });
    expect(matrix.hints).toEqual([{ pair: ['bob', 'cy'], text: expect.stringContaining('A TURN server would relay this pair') }]);
    expect(connectivityMatrix(people, reports, 20_000, true).hints[0]!.text).toContain('not even through the TURN relay');
    // Not yet: connecting for 10 s is normal on a slow network.
    expect(connectivityMatrix(people, reports, 15_000, false).hints).toEqual([]);
  });

  it('forgets stale reports and treats a failed link as failing at once', () => {
    const reports = new Map([
      ['bob', { links: [up('me')], at: 0 }],
      ['cy', { links: [{ to: 'me', state: 'failed' as const, route: null, rttMs: null, forMs: 0 }], at: REPORT_STALE_MS }],
    ]);
    const matrix = connectivityMatrix(people, reports, REPORT_STALE_MS + 1, true);
    expect(matrix.cells[1]![0]).toMatchObject({ state: 'unknown' });
    expect(matrix.cells[2]![0]).toMatchObject({ state: 'failed', failing: true });
    expect(matrix.hints.map((h) => h.pair)).toEqual([['me', 'cy']]);
  });
});

describe('reportChanged', () => {
  it('sends again on a new state, route or a clearly different round trip, not on jitter', () => {
    expect(reportChanged(undefined, [up('bob')])).toBe(true);
    expect(reportChanged([up('bob', 20)], [up('bob', 24)])).toBe(false);
    expect(reportChanged([up('bob', 20)], [up('bob', 40)])).toBe(true);
    expect(reportChanged([up('bob')], [up('bob', 12, 'relayed')])).toBe(true);
    expect(reportChanged([up('bob')], [up('bob'), up('cy')])).toBe(true);
    expect(reportChanged([connecting('bob', 1_000)], [connecting('bob', 5_000)])).toBe(false);
    expect(reportChanged([connecting('bob', 1_000)], [connecting('bob', STUCK_AFTER_MS)])).toBe(true);
  });
});
