/**
 * Benchmark: time from pressing Join to the first decoded remote video frame, for calls of 2 and 4
 * people on this machine. Prints figures; asserts nothing.
 *
 *   pnpm --filter @meshmeet/e2e bench:join            (builds must exist: pnpm build)
 *   RUNS=10 SIZES=2,3,4 pnpm --filter @meshmeet/e2e bench:join
 *   ADAPTATION=off pnpm --filter @meshmeet/e2e bench:join    (the fixed room-size steps instead of the allocator)
 *
 * For each call size N and run, N-1 people are already in a room and a newcomer presses Join. The
 * app marks `meshmeet:join-clicked` on the click and `meshmeet:first-remote-frame` when the first
 * remote frame is presented (requestVideoFrameCallback); we also record when the newcomer has decoded
 * frames from all N-1 others and when every existing participant decodes the newcomer.
 */
import { benchPage, joinToAll, launchBenchBrowser, runBench, startBenchServer } from './bench-support.js';
import type { Browser, Page } from '@playwright/test';

const PORT = Number(process.env.BENCH_PORT ?? 3199);
const RUNS = Number(process.env.RUNS ?? 5);
const SIZES = (process.env.SIZES ?? '2,4').split(',').map(Number);
const RUN_TIMEOUT_MS = 30_000;
const QUERY = process.env.ADAPTATION === 'off' ? '?adaptation=off' : '';

const server = startBenchServer(PORT);
const BASE = server.base;

async function lobby(browser: Browser, room: string, name: string): Promise<Page> {
  const page = await benchPage(browser);
  await page.goto(`${BASE}/r/${room}${QUERY}`);
  await page.getByLabel('Your name').fill(name);
  // Wait until the camera preview runs, as a person would before pressing Join.
  await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement | null)?.readyState === 4);
  return page;
}

/** Milliseconds since Join until this page decodes video from `count` remote participants. */
async function waitAllDecoding(page: Page, count: number): Promise<number> {
  const ms = await joinToAll(page, count, RUN_TIMEOUT_MS);
  if (Number.isNaN(ms)) throw new Error('timed out waiting for video');
  return ms;
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: pick(0.5), p90: pick(0.9), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;

async function main(): Promise<void> {
  await server.ready;
  const browser = await launchBenchBrowser();
  console.log(`join -> first remote frame, ${RUNS} runs per size (fake camera 640x480, one Chromium, one context per person, adaptation ${QUERY ? 'off' : 'on'})`);
  for (const size of SIZES) {
    const firstFrame: number[] = [];
    const allFrames: number[] = [];
    const seenByOthers: number[] = [];
    const joinAck: number[] = [];
    const firstConnected: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const room = `bench-${size}-${run}-${Date.now().toString(36)}`;
      const present: Page[] = [];
      for (let i = 0; i < size - 1; i++) {
        const page = await lobby(browser, room, `P${i}`);
        await page.getByRole('button', { name: 'Join' }).click();
        await page.waitForFunction(() => document.querySelector('main.call[aria-busy="false"]') !== null);
        present.push(page);
      }
      if (present.length > 0) await Promise.all(present.map((page, i) => waitAllDecoding(page, i === 0 ? present.length - 1 : present.length - 1)));
      const newcomer = await lobby(browser, room, 'Newcomer');
      const clickedAt = Date.now();
      await newcomer.getByRole('button', { name: 'Join' }).click();
      const others = Promise.all(present.map((page) => waitAllDecoding(page, size - 1).then(() => Date.now() - clickedAt)));
      allFrames.push(await waitAllDecoding(newcomer, size - 1));
      await newcomer.waitForFunction(() => performance.getEntriesByName('meshmeet:first-remote-frame').length > 0);
      // No helper functions inside evaluate: tsx's transform would reference its own `__name` helper there.
      const marks = await newcomer.evaluate(() =>
        Object.fromEntries(
          ['meshmeet:joined', 'meshmeet:first-peer-connected', 'meshmeet:first-remote-frame'].map((name) => [
            name.slice('meshmeet:'.length),
            (performance.getEntriesByName(name)[0]?.startTime ?? NaN) -
              (performance.getEntriesByName('meshmeet:join-clicked')[0]?.startTime ?? NaN),
          ]),
        ) as Record<'joined' | 'first-peer-connected' | 'first-remote-frame', number>,
      );
      firstFrame.push(marks['first-remote-frame']);
      joinAck.push(marks.joined);
      firstConnected.push(marks['first-peer-connected']);

      if (present.length > 0) seenByOthers.push(Math.max(...(await others)));
      for (const page of [...present, newcomer]) await page.context().close();
    }
    const f = stats(firstFrame);
    const a = stats(allFrames);
    console.log(`\n${size} participants (newcomer joins ${size - 1} already in the call):`);
    console.log(`  join -> first remote frame presented: median ${fmt(f.median)}, p90 ${fmt(f.p90)}, min ${fmt(f.min)}, max ${fmt(f.max)}`);
    console.log(`    of which: join acknowledged ${fmt(stats(joinAck).median)}, first peer connected ${fmt(stats(firstConnected).median)} (medians)`);
    console.log(`  join -> decoding all ${size - 1} remote streams: median ${fmt(a.median)}, p90 ${fmt(a.p90)}`);
    if (seenByOthers.length > 0) {
      const o = stats(seenByOthers);
      console.log(`  join -> every other participant decodes the newcomer: median ${fmt(o.median)}, p90 ${fmt(o.p90)}`);
    }
  }
  await browser.close();
}

runBench(main, server);
