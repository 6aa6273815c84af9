import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

/** One person in a call: a browser context of its own, with its console watched for errors. */
export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export function uniqueRoom(prefix = 'e2e'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface OpenOptions {
  /** A script run in the page before the app (e.g. to simulate a refused permission). */
  init?: () => void;
  /** Another server than the suite's own (a test's own process, or a balancer). */
  baseURL?: string;
}

export async function openLobby(browser: Browser, roomId: string, name: string, options: OpenOptions = {}): Promise<Person> {
  const { init, baseURL } = options;
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // Anything the Content-Security-Policy blocks becomes a console error, which fails the test.
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`),
    ),
  );
  if (init) await page.addInitScript(init);
  await page.goto(`/r/${roomId}`);
  await page.getByLabel('Your name').fill(name);
  return { name, context, page, errors };
}

export async function clickJoin(person: Person): Promise<void> {
  await person.page.getByRole('button', { name: 'Join' }).click();
}

export async function waitJoined(person: Person): Promise<void> {
  await expect
    .poll(() => person.page.evaluate(() => window.__meshmeet?.call.status), { timeout: 15_000 })
    .toBe('joined');
}

export async function join(browser: Browser, roomId: string, name: string, baseURL?: string): Promise<Person> {
  const person = await openLobby(browser, roomId, name, { baseURL });
  await clickJoin(person);
  await waitJoined(person);
  return person;
}

/** Names of the remote participants whose links are connected, sorted. */
export function connectedPeers(person: Person): Promise<string[]> {
  return person.page.evaluate(() =>
    [...(window.__meshmeet?.call.participants.values() ?? [])]
      .filter((p) => p.link.pc.connectionState === 'connected')
      .map((p) => p.name)
      .sort(),
  );
}

export interface InboundCounters {
  framesDecoded: number;
  audioPackets: number;
  audioSamples: number;
}

/** Inbound RTP counters from the link to the participant named `from`, read from getStats. */
export function inbound(person: Person, from: string): Promise<InboundCounters> {
  return person.page.evaluate(async (remoteName) => {
    const participant = [...(window.__meshmeet?.call.participants.values() ?? [])].find((p) => p.name === remoteName);
    const counters = { framesDecoded: 0, audioPackets: 0, audioSamples: 0 };
    if (!participant) return counters;
    const report = await participant.link.pc.getStats();
    report.forEach((stat: Record<string, unknown>) => {
      if (stat.type !== 'inbound-rtp') return;
      if (stat.kind === 'video') counters.framesDecoded += Number(stat.framesDecoded ?? 0);
      if (stat.kind === 'audio') {
        counters.audioPackets += Number(stat.packetsReceived ?? 0);
        counters.audioSamples += Number(stat.totalSamplesReceived ?? 0);
      }
    });
    return counters;
  }, from);
}

/** Asserts that `person` keeps decoding new video frames from `from` (not just that a tile exists). */
export async function expectVideoFlowing(person: Person, from: string): Promise<void> {
  await expect.poll(async () => (await inbound(person, from)).framesDecoded, { timeout: 15_000 }).toBeGreaterThan(0);
  const before = (await inbound(person, from)).framesDecoded;
  await expect
    .poll(async () => (await inbound(person, from)).framesDecoded, { timeout: 10_000 })
    .toBeGreaterThan(before + 5);
}

export async function expectAudioFlowing(person: Person, from: string): Promise<void> {
  await expect.poll(async () => (await inbound(person, from)).audioPackets, { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await inbound(person, from);
  await expect
    .poll(async () => {
      const now = await inbound(person, from);
      return now.audioPackets > before.audioPackets + 10 && now.audioSamples > before.audioSamples;
    }, { timeout: 10_000 })
    .toBe(true);
}

/** The tile showing `name` in `person`'s grid. */
export function tileOf(person: Person, name: string) {
  return person.page.locator(`figure.tile[data-name="${name}"]:not(.self)`);
}

export async function expectFullMesh(people: Person[]): Promise<void> {
  for (const person of people) {
    const others = people.filter((p) => p !== person).map((p) => p.name).sort();
    await expect.poll(() => connectedPeers(person), { timeout: 20_000 }).toEqual(others);
  }
}

/** `expected` covers what the browser itself logs for a deliberate outage (refused reconnects). */
export function expectNoErrors(people: Person[], expected?: RegExp): void {
  for (const person of people) {
    const errors = expected ? person.errors.filter((error) => !expected.test(error)) : person.errors;
    expect(errors, `console errors of ${person.name}`).toEqual([]);
  }
}

export async function closeAll(people: Person[]): Promise<void> {
  await Promise.all(people.map((person) => person.context.close()));
}
