/**
 * Benchmark: how many people a call holds on this machine, with the adaptive mesh on and off.
 * Prints figures and on/off ratios; asserts nothing.
 *
 *   pnpm --filter @meshmeet/e2e bench:capacity          (builds must exist: pnpm build)
 *   SIZES=4,6 MEASURE_S=10 pnpm --filter @meshmeet/e2e bench:capacity
 *
 * For each size N, alternating adaptation on and off (`?adaptation=off` keeps the fixed room-size
 * steps): N people join one after another in one Chromium (one context each, a 1280x720 window,
 * fake camera and microphone), each rendering everyone. Then, after the call settles, over a window:
 * the lowest and median frame rate of every received camera stream, the last joiner's time from Join
 * to decoding everyone, the whole browser's CPU (all its processes, from /proc), each sender's total
 * uplink, and each decoded video's width against its tile's device-pixel width. Each run starts once
 * the browser is idle again after the previous one (closing a call keeps it busy for seconds).
 */
import type { Browser, Page } from '@playwright/test';
import { benchPage, joinToAll, launchBenchBrowser, measureWindow, runBench, startBenchServer, waitForIdleBrowser } from './bench-support.js';

const PORT = Number(process.env.BENCH_PORT ?? 3198);
const SIZES = (process.env.SIZES ?? '2,4,5,6,8').split(',').map(Number);
const SETTLE_MS = Number(process.env.SETTLE_S ?? 8) * 1_000;
const MEASURE_MS = Number(process.env.MEASURE_S ?? 10) * 1_000;
const JOIN_TIMEOUT_MS = 60_000;

const server = startBenchServer(PORT);
const BASE = server.base;


async function joinCall(browser: Browser, room: string, name: string, adaptive: boolean): Promise<Page> {
  const page = await benchPage(browser, { viewport: { width: 1280, height: 720 } });
  await page.goto(`${BASE}/r/${room}${adaptive ? '' : '?adaptation=off'}`);
  await page.getByLabel('Your name').fill(name);
  await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement | null)?.readyState === 4);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.waitForFunction(() => document.querySelector('main.call[aria-busy="false"]') !== null, undefined, { timeout: JOIN_TIMEOUT_MS });
  return page;
}

interface PageSample {
  /** framesDecoded per inbound camera stream, keyed by track id. */
  frames: Record<string, number>;
  bytesSent: number;
  /** Decoded width / tile device-pixel width, per remote camera tile with video. */
  widthRatios: number[];
  /** Camera copies this page does not encode now (`active: false`: hidden by the receiver or paused for bandwidth). */
  pausedCopies: number;
}

function samplePage(page: Page): Promise<PageSample> {
  return page.evaluate(async () => {
    const result = { frames: {} as Record<string, number>, bytesSent: 0, widthRatios: [] as number[], pausedCopies: 0 };
    const widths: Record<string, number> = {};
    const frames: Record<string, number> = {};
    for (const pc of window.__e2e.pcs.filter((pc) => pc.connectionState !== 'closed')) {
      for (const sender of pc.getSenders()) {
        // The camera's sender (a shared screen is marked 'detail').
        if (sender.track?.kind === 'video' && sender.track.contentHint !== 'detail' && sender.getParameters().encodings[0]?.active === false) result.pausedCopies += 1;
      }
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp') result.bytesSent += Number(s.bytesSent ?? 0);
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          frames[String(s.trackIdentifier)] = Number(s.framesDecoded ?? 0);
          widths[String(s.trackIdentifier)] = Number(s.frameWidth ?? 0);
        }
      });
    }
    for (const tile of document.querySelectorAll<HTMLElement>('figure.tile[data-source="camera"]:not(.self)')) {
      const trackId = (tile.querySelector('video')?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.id;
      // Camera streams only (the screen transceivers receive nothing here).
      if (trackId && frames[trackId] !== undefined) result.frames[trackId] = frames[trackId];
      const decoded = trackId ? widths[trackId] : undefined;
      const shown = tile.getBoundingClientRect().width * devicePixelRatio;
      if (decoded && shown > 0) result.widthRatios.push(decoded / shown);
    }
    return result;
  });
}

interface RunResult {
  lowestFps: number;
  medianFps: number;
  joinMs: number;
  cpuCores: number;
  maxUplinkMbps: number;
  widthRatio: { min: number; median: number; max: number };
  /** Camera copies not encoded at the end of the window, over all senders. */
  pausedCopies: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
};

/** A call that could not be completed: who did not get in, and why. */
interface Incomplete {
  incomplete: string;
}

async function run(browser: Browser, size: number, adaptive: boolean): Promise<RunResult | Incomplete> {
  await waitForIdleBrowser();
  const room = `capacity-${size}-${adaptive ? 'on' : 'off'}-${Date.now().toString(36)}`;
  const pages: Page[] = [];
  for (let i = 0; i < size; i++) {
    try {
      pages.push(await joinCall(browser, room, `P${i + 1}`, adaptive));
    } catch (error) {
      // The machine is past what it can carry: the page never got into the call (starved pages miss
      // their signaling heartbeats). Reported as such, and the next size still runs.
      for (const context of browser.contexts()) await context.close();
      return { incomplete: `person ${i + 1} of ${size} was not in the call ${JOIN_TIMEOUT_MS / 1_000} s after pressing Join (${(error as Error).name})` };
    }
  }
  const last = pages[pages.length - 1]!;
  const joinMs = await joinToAll(last, size - 1, JOIN_TIMEOUT_MS);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const { before, after, seconds, cpuCores } = await measureWindow(pages, samplePage, MEASURE_MS);
  const fps: number[] = [];
  const uplinks: number[] = [];
  const ratios: number[] = [];
  after.forEach((sample, i) => {
    for (const [track, frames] of Object.entries(sample.frames)) {
      const earlier = before[i]!.frames[track];
      // A counter that went down belongs to a stream restarted in the window (a link made again):
      // what it counted since is all that is known.
      if (earlier !== undefined) fps.push((frames >= earlier ? frames - earlier : frames) / seconds);
    }
    uplinks.push(((sample.bytesSent - before[i]!.bytesSent) * 8) / seconds / 1e6);
    ratios.push(...sample.widthRatios);
  });
  for (const page of pages) await page.context().close();
  const sortedRatios = [...ratios].sort((a, b) => a - b);
  return {
    lowestFps: Math.min(...fps),
    medianFps: median(fps),
    joinMs,
    cpuCores,
    maxUplinkMbps: Math.max(...uplinks),
    pausedCopies: after.reduce((sum, sample) => sum + sample.pausedCopies, 0),
    widthRatio: { min: sortedRatios[0] ?? NaN, median: median(ratios), max: sortedRatios[sortedRatios.length - 1] ?? NaN },
  };
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const ratio = (on: number, off: number) => (Number.isFinite(on) && Number.isFinite(off) && off !== 0 ? `${(on / off).toFixed(2)}x` : 'n/a');

async function main(): Promise<void> {
  await server.ready;
  const browser = await launchBenchBrowser();
  try {
    await measureAll(browser);
  } finally {
    await browser.close();
  }
}

async function measureAll(browser: Browser): Promise<void> {
  console.log(`capacity: one Chromium, one 1280x720 context per person, fake camera 640x480 + microphone, settle ${SETTLE_MS / 1_000} s, measure ${MEASURE_MS / 1_000} s`);
  console.log('| people | adaptation | lowest fps | median fps | join -> all frames | browser CPU (cores) | max uplink per sender | decoded/tile width (min / median / max) | camera copies paused |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const ratios: string[] = [];
  for (const size of SIZES) {
    const results: Partial<Record<'on' | 'off', RunResult>> = {};
    // Alternate which goes first, so neither mode always meets a freshly started browser.
    const order: ('on' | 'off')[] = size % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const mode of order) {
      const r = await run(browser, size, mode === 'on');
      if ('incomplete' in r) {
        console.log(`| ${size} | ${mode} | did not complete: ${r.incomplete} | | | | | | |`);
        continue;
      }
      results[mode] = r;
      console.log(
        `| ${size} | ${mode} | ${f1(r.lowestFps)} | ${f1(r.medianFps)} | ${Math.round(r.joinMs)} ms | ${f2(r.cpuCores)} | ${f2(r.maxUplinkMbps)} Mbps | ${f2(r.widthRatio.min)} / ${f2(r.widthRatio.median)} / ${f2(r.widthRatio.max)} | ${r.pausedCopies} of ${size * (size - 1)} |`,
      );
    }
    if (!results.on || !results.off) continue;
    ratios.push(
      `${size} people, on/off: lowest fps ${ratio(results.on.lowestFps, results.off.lowestFps)}, join ${ratio(results.on.joinMs, results.off.joinMs)}, CPU ${ratio(results.on.cpuCores, results.off.cpuCores)}, uplink ${ratio(results.on.maxUplinkMbps, results.off.maxUplinkMbps)}`,
    );
  }
  console.log('');
  for (const line of ratios) console.log(line);
}

runBench(main, server);
