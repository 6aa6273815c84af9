import type { LinkReport } from '@meshmeet/protocol';

/**
 * Who reaches whom: every participant reports its own links (a `links` peer message), and each page
 * draws the whole mesh from its own links and the others' reports. Mesh calls fail per pair; this is
 * how a person sees which pair, and what would fix it.
 */

/** A link still connecting after this long is shown as not connecting (ICE gives up much later). */
export const STUCK_AFTER_MS = 15_000;
/** Reports older than this are not shown (the reporter may be gone or its links down). */
export const REPORT_STALE_MS = 30_000;

export interface Person {
  id: string;
  name: string;
}

export interface Cell {
  state: LinkReport['state'] | 'unknown';
  route: LinkReport['route'];
  rttMs: number | null;
  /** Connecting for longer than STUCK_AFTER_MS, or failed. */
  failing: boolean;
}

export interface Matrix {
  people: Person[];
  /** cells[i][j]: how people[i] sees its link to people[j] (undefined on the diagonal). */
  cells: (Cell | undefined)[][];
  /** One plain sentence per failing pair. */
  hints: { pair: [string, string]; text: string }[];
}

const UNKNOWN: Cell = { state: 'unknown', route: null, rttMs: null, failing: false };

const failing = (link: LinkReport) => link.state === 'failed' || (link.state !== 'connected' && link.forMs >= STUCK_AFTER_MS);

/**
 * The matrix for `people` (self first), from each person's report: `reports` maps a reporter's id to
 * its links and when the report arrived (our own links are a fresh report). `relayAvailable`: our ICE
 * servers include TURN (the hint differs).
 */
export function connectivityMatrix(people: Person[], reports: Map<string, { links: LinkReport[]; at: number }>, now: number, relayAvailable: boolean): Matrix {
  const cells = people.map((from) => {
    const report = reports.get(from.id);
    const fresh = report && now - report.at <= REPORT_STALE_MS ? report : undefined;
    return people.map((to): Cell | undefined => {
      if (to.id === from.id) return undefined;
      const link = fresh?.links.find((l) => l.to === to.id);
      if (!link) return UNKNOWN;
      // A report is as old as it is: time spent connecting keeps counting while we wait for the next one.
      const aged = { ...link, forMs: link.forMs + Math.max(0, now - (report?.at ?? now)) };
      return { state: link.state, route: link.route, rttMs: link.rttMs, failing: failing(aged) };
    });
  });
  const hints: Matrix['hints'] = [];
  for (let i = 0; i < people.length; i++) {
    for (let j = i + 1; j < people.length; j++) {
      if (!cells[i]![j]?.failing && !cells[j]![i]?.failing) continue;
      const [a, b] = [people[i]!.name, people[j]!.name];
      hints.push({
        pair: [people[i]!.id, people[j]!.id],
        text: relayAvailable
          ? `${a} and ${b} cannot connect, not even through the TURN relay: a firewall on one side may block the TURN server's ports (UDP and TCP 3478, TLS 5349).`
          : `${a} and ${b} cannot reach each other directly (a firewall or NAT in the way). A TURN server would relay this pair: ask whoever runs this meshmeet to configure one.`,
      });
    }
  }
  return { people, cells, hints };
}

/** Whether a new report says something the last one did not (state, route, or a clearly different round trip). */
export function reportChanged(previous: LinkReport[] | undefined, next: LinkReport[]): boolean {
  if (!previous || previous.length !== next.length) return true;
  return next.some((link) => {
    const before = previous.find((p) => p.to === link.to);
    if (!before || before.state !== link.state || before.route !== link.route) return true;
    if ((before.rttMs === null) !== (link.rttMs === null)) return true;
    if (before.rttMs !== null && link.rttMs !== null && Math.abs(before.rttMs - link.rttMs) > Math.max(10, before.rttMs * 0.25)) return true;
    return link.state !== 'connected' && (before.forMs < STUCK_AFTER_MS) !== (link.forMs < STUCK_AFTER_MS);
  });
}
