/**
 * Benchmark: time from pressing Join to the first decoded remote video frame, for calls of 2 and 4
 * people on this machine. Prints figures; asserts nothing.
 *
 *   pnpm --filter @meshmeet/e2e bench:join            (builds must exist: pnpm build)
 *   RUNS=10 SIZES=2,3,4 pnpm --filter @meshmeet/e2e bench:join
 *
 * For each call size N and run, N-1 people are already in a room and a newcomer presses Join. The
 * app marks `meshmeet:join-clicked` on the click and `meshmeet:first-remote-frame` when the first
 * remote frame is presented (requestVideoFrameCallback); we also record when the newcomer has decoded
 * frames from all N-1 others and when every existing participant decodes the newcomer.
 */
import { spawn } from 'node:child_process';
import { installObserver } from '../tests/observe.js';
import { chromium, type Browser, type Page } from '@playwright/test';

const PORT = Number(process.env.BENCH_PORT ?? 3199);
const BASE = `http://localhost:${PORT}`;
const RUNS = Number(process.env.RUNS ?? 5);
const SIZES = (process.env.SIZES ?? '2,4').split(',').map(Number);
const RUN_TIMEOUT_MS = 30_000;

const server = spawn(process.execPath, ['../apps/signaling/dist/main.js'], {
  // Every bench participant comes from 127.0.0.1: lift the per-address budgets.
  env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', NODE_ENV: 'test', JOINS_PER_MINUTE_PER_ADDRESS: '10000', NEW_ROOMS_PER_HOUR_PER_ADDRESS: '10000' },
  stdio: 'ignore',
});

async function waitForServer(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('signaling server did not start');
}

async function lobby(browser: Browser, room: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(installObserver);
  await page.goto(`${BASE}/r/${room}`);
  await page.getByLabel('Your name').fill(name);
  // Wait until the camera preview runs, as a person would before pressing Join.
  await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement | null)?.readyState === 4);
  return page;
}

/** Milliseconds since Join until this page decodes video from `count` remote participants. */
function waitAllDecoding(page: Page, count: number): Promise<number> {
  return page.evaluate(
    async ({ count, timeout }) => {
      const start = performance.getEntriesByName('meshmeet:join-clicked')[0]?.startTime ?? 0;
      const deadline = performance.now() + timeout;
      while (performance.now() < deadline) {
        let decoding = 0;
        for (const pc of window.__e2e.pcs.filter((pc) => pc.connectionState !== 'closed')) {
          const stats = await pc.getStats();
          stats.forEach((s: Record<string, unknown>) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video' && Number(s.framesDecoded) > 0) decoding += 1;
          });
        }
        if (decoding >= count) return performance.now() - start;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('timed out waiting for video');
    },
    { count, timeout: RUN_TIMEOUT_MS },
  );
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: pick(0.5), p90: pick(0.9), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;

async function main(): Promise<void> {
  await waitForServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic', '--allow-loopback-in-peer-connection', '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows',
    ],
  });
  console.log(`join -> first remote frame, ${RUNS} runs per size (fake camera 640x480, VP8 + Opus, one Chromium, one context per person)`);
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

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => server.kill());
