import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';
import { installObserver } from './observe.js';

/**
 * Playwright's `test`, which also closes every browser context a test opened, even when it fails:
 * people left in a call after a failure would load the 2 cores and starve the tests after it.
 */
export const test = base.extend<{ closeLeftoverContexts: void }>({
  closeLeftoverContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use();
      await Promise.all(browser.contexts().filter((context) => !before.has(context)).map((context) => context.close()));
    },
    { auto: true },
  ],
});
export { expect };

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
  /** A phone's viewport and touch screen, for instance. */
  context?: BrowserContextOptions;
}

export async function openLobby(browser: Browser, roomId: string, name: string, options: OpenOptions = {}): Promise<Person> {
  const { init, baseURL } = options;
  const context = await browser.newContext({ ...options.context, ...(baseURL ? { baseURL } : {}) });
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
  await page.addInitScript(installObserver);
  if (init) await page.addInitScript(init);
  await page.goto(`/r/${roomId}`);
  await page.getByLabel('Your name').fill(name);
  return { name, context, page, errors };
}

export async function clickJoin(person: Person): Promise<void> {
  await person.page.getByRole('button', { name: 'Join' }).click();
}

/** The call view is up and neither joining nor reconnecting. */
export async function waitJoined(person: Person): Promise<void> {
  await expect(person.page.locator('main.call[aria-busy="false"]')).toBeVisible({ timeout: 15_000 });
}

export async function join(browser: Browser, roomId: string, name: string, options: OpenOptions | string = {}): Promise<Person> {
  const person = await openLobby(browser, roomId, name, typeof options === 'string' ? { baseURL: options } : options);
  await clickJoin(person);
  await waitJoined(person);
  return person;
}

/** Names of the remote participants shown in the grid whose links are connected, sorted. */
export async function connectedPeers(person: Person): Promise<string[]> {
  const names = await remoteNames(person);
  return person.page.evaluate((names) => names.filter((name) => window.__e2e.pcOf(name)?.connectionState === 'connected').sort(), names);
}

/** Names on the remote camera tiles, sorted. */
export function remoteNames(person: Person): Promise<string[]> {
  return person.page.locator('figure.tile[data-source="camera"]:not(.self)').evaluateAll((tiles) => tiles.map((t) => (t as HTMLElement).dataset.name ?? '').sort());
}

/** The server-assigned ids of the remote participants, as the page's tiles carry them, sorted. */
export function remoteIds(person: Person): Promise<string[]> {
  return person.page
    .locator('figure.tile[data-source="camera"]:not(.self)')
    .evaluateAll((tiles) => tiles.map((t) => (t as HTMLElement).dataset.participantId ?? '').sort());
}

export interface InboundCounters {
  framesDecoded: number;
  audioPackets: number;
  audioSamples: number;
}

/** Inbound RTP counters from the link to the participant named `from`, read from getStats. */
export function inbound(person: Person, from: string): Promise<InboundCounters> {
  return person.page.evaluate(async (from) => {
    const pc = window.__e2e.pcOf(from);
    const counters = { framesDecoded: 0, audioPackets: 0, audioSamples: 0 };
    if (!pc) return counters;
    (await pc.getStats()).forEach((stat: Record<string, unknown>) => {
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

/** Decoded frames and size of one source's video from `from`: the track the page shows in that source's tile. */
export function inboundSource(person: Person, from: string, source: 'camera' | 'screen'): Promise<{ framesDecoded: number; frameWidth: number }> {
  return person.page.evaluate(
    async ({ from, source }) => {
      const pc = window.__e2e.pcOf(from);
      const tile = [...document.querySelectorAll<HTMLElement>(`figure.tile[data-source="${source}"]:not(.self)`)].find((t) => t.dataset.name === from);
      const trackId = ((tile?.querySelector('video')?.srcObject as MediaStream | null) ?? null)?.getVideoTracks()[0]?.id;
      const result = { framesDecoded: 0, frameWidth: 0 };
      if (!pc || !trackId) return result;
      (await pc.getStats()).forEach((stat: Record<string, unknown>) => {
        if (stat.type === 'inbound-rtp' && stat.kind === 'video' && stat.trackIdentifier === trackId) {
          result.framesDecoded = Number(stat.framesDecoded ?? 0);
          result.frameWidth = Number(stat.frameWidth ?? 0);
        }
      });
      return result;
    },
    { from, source },
  );
}

/** Offers and answers this page made and applied, on every link. */
export function negotiations(person: Person): Promise<number> {
  return person.page.evaluate(() => {
    const n = window.__e2e.negotiations;
    return n.offersSent + n.answersSent + n.offersReceived + n.answersReceived;
  });
}

/** Closes the page's signaling WebSocket as a network failure would; peer connections are untouched. */
export function dropSignaling(person: Person): Promise<void> {
  return person.page.evaluate(() => {
    for (const socket of window.__e2e.sockets) if (socket.readyState === WebSocket.OPEN) socket.close();
  });
}

/** Asserts that `person` keeps decoding new video frames from `from` (not just that a tile exists). */
export async function expectVideoFlowing(person: Person, from: string): Promise<void> {
  await expect.poll(async () => (await inbound(person, from)).framesDecoded, { timeout: 15_000 }).toBeGreaterThan(0);
  const before = (await inbound(person, from)).framesDecoded;
  await expect
    .poll(async () => (await inbound(person, from)).framesDecoded, { timeout: 10_000 })
    .toBeGreaterThan(before + 5);
}

/**
 * Keeps decoding new frames of `from`'s screen, at least as wide as its tile shows it (device pixels):
 * the sender sizes each link to the receiver's tile, and a screen must stay sharp where it is shown.
 */
export async function expectScreenFlowing(person: Person, from: string): Promise<number> {
  const tileWidth = await screenOf(person, from).evaluate((tile) => Math.round(tile.getBoundingClientRect().width * devicePixelRatio));
  const minWidth = Math.min(1920, tileWidth);
  await expect.poll(async () => (await inboundSource(person, from, 'screen')).framesDecoded, { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await inboundSource(person, from, 'screen');
  await expect.poll(async () => (await inboundSource(person, from, 'screen')).framesDecoded, { timeout: 10_000 }).toBeGreaterThan(before.framesDecoded + 3);
  const { frameWidth } = await inboundSource(person, from, 'screen');
  expect(frameWidth, `${person.name} decodes ${from}'s screen at least as wide as its ${tileWidth} px tile`).toBeGreaterThanOrEqual(minWidth);
  return frameWidth;
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

/** The camera tile showing `name` in `person`'s view. */
export function tileOf(person: Person, name: string) {
  return person.page.locator(`figure.tile[data-source="camera"][data-name="${name}"]:not(.self)`);
}

/** The tile of `name`'s shared screen in `person`'s view. */
export function screenOf(person: Person, name: string) {
  return person.page.locator(`figure.tile[data-source="screen"][data-name="${name}"]:not(.self)`);
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

/** A phone held upright (iPhone 12-sized), with touch. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/**
 * Presses Tab until the focused element has the accessible name `name` (at most 40 times): how a
 * keyboard user reaches a control. Fails if it is never reached.
 */
export async function tabTo(page: Page, name: string | RegExp, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(key);
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return '';
      const labelled = element.getAttribute('aria-labelledby');
      const byId = labelled ? document.getElementById(labelled)?.textContent : undefined;
      const byLabel = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : undefined;
      return (element.getAttribute('aria-label') ?? byId ?? byLabel ?? element.textContent ?? '').trim();
    });
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

/** Opens the connection details of `other`'s tile on `person`'s page and reads the pair's safety code. */
export async function safetyCode(person: Person, other: string): Promise<string> {
  await tileOf(person, other).getByRole('button', { name: new RegExp(`^Connection to ${other}: `) }).click();
  const dialog = person.page.getByRole('dialog', { name: `Connection to ${other}` });
  const code = dialog.getByTestId('safety-code').locator('.safety-code');
  await expect(code).toHaveText(/^\d{4} \d{4} \d{4}$/);
  const text = (await code.textContent())!;
  await person.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  return text;
}
