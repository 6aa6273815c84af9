import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { installObserver } from '../tests/observe.js';

/** The built signaling server (serving the built client) on a loopback port, budgets lifted for one address. */
export function startBenchServer(port: number, env: Record<string, string> = {}): { base: string; process: ChildProcess; ready: Promise<void> } {
  const base = `http://localhost:${port}`;
  const child = spawn(process.execPath, ['../apps/signaling/dist/main.js'], {
    // Every bench participant comes from 127.0.0.1: lift the per-address budgets.
    // The pages' origin is this base: the server accepts WebSocket handshakes from it only.
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      PUBLIC_URL: base,
      JOINS_PER_MINUTE_PER_ADDRESS: '10000',
      NEW_ROOMS_PER_HOUR_PER_ADDRESS: '10000',
      ...env,
    },
    stdio: 'ignore',
  });
  return { base, process: child, ready: waitForServer(base) };
}

async function waitForServer(base: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('signaling server did not start');
}

/** Debian's Chromium with fake devices, never throttled in the background (every page is a person). */
export function launchBenchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic', '--allow-loopback-in-peer-connection', '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows', '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * Milliseconds from pressing Join until this page gets media of `kind` from `count` others: decoded
 * video frames, or received audio samples (NaN after `timeout`).
 */
export function joinToAll(page: Page, count: number, timeout: number, kind: 'video' | 'audio' = 'video'): Promise<number> {
  return page.evaluate(
    async ({ count, timeout, kind }) => {
      const start = performance.getEntriesByName('meshmeet:join-clicked')[0]?.startTime ?? 0;
      const deadline = performance.now() + timeout;
      while (performance.now() < deadline) {
        let flowing = 0;
        for (const pc of window.__e2e.pcs.filter((pc) => pc.connectionState !== 'closed')) {
          (await pc.getStats()).forEach((s: Record<string, unknown>) => {
            if (s.type !== 'inbound-rtp' || s.kind !== kind) return;
            if (Number(kind === 'video' ? s.framesDecoded : s.totalSamplesReceived) > 0) flowing += 1;
          });
        }
        if (flowing >= count) return performance.now() - start;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return NaN;
    },
    { count, timeout, kind },
  );
}

/**
 * Samples every page, waits `ms`, samples again, and measures the browser's CPU in between (cores).
 */
export async function measureWindow<S>(pages: Page[], sample: (page: Page) => Promise<S>, ms: number): Promise<{ before: S[]; after: S[]; seconds: number; cpuCores: number }> {
  const before = await Promise.all(pages.map(sample));
  const cpuBefore = chromiumCpuSeconds();
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await Promise.all(pages.map(sample));
  const seconds = (Date.now() - startedAt) / 1_000;
  return { before, after, seconds, cpuCores: (chromiumCpuSeconds() - cpuBefore) / seconds };
}

/** Runs a benchmark's main, reports a failure through the exit code, and stops its server either way. */
export function runBench(main: () => Promise<void>, server: { process: ChildProcess }): void {
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => server.process.kill());
}

/**
 * A page for one person, with the e2e observer (`window.__e2e`) installed. tsx compiles functions
 * with esbuild's `keepNames`, so the observer's source calls a `__name` helper that pages lack:
 * define it first (Playwright's own runner compiles tests without it).
 */
export async function benchPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  await context.addInitScript('globalThis.__name = (target) => target;');
  await context.addInitScript(installObserver);
  return context.newPage();
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by every Chromium process on this machine (the benchmark's only browser). */
export function chromiumCpuSeconds(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!/chrom/i.test(name)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // exited meanwhile
    }
  }
  return ticks / CLOCK_TICKS;
}

/**
 * Waits until the browser is nearly idle (under 0.3 cores over a second, at most `maxMs`): closing a
 * call's contexts keeps the processes busy for seconds, which otherwise lands on the next run.
 */
export async function waitForIdleBrowser(maxMs = 20_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let before = chromiumCpuSeconds();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = chromiumCpuSeconds();
    if (now - before < 0.3) return;
    before = now;
  }
}
