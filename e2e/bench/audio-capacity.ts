/**
 * Benchmark: how far a call grows with audio for everyone (cameras off) on this machine. Prints
 * figures; asserts nothing.
 *
 *   pnpm --filter @meshmeet/e2e bench:audio          (builds must exist: pnpm build)
 *   SIZES=8,12 MEASURE_S=10 pnpm --filter @meshmeet/e2e bench:audio
 *
 * For each size N (the server's MAX_ROOM_SIZE is raised for the run), N people join one after another
 * in one Chromium (one context each, fake beeping microphone, camera turned off in the lobby). After
 * the call settles, over a window: the lowest and median rate of audio packets received per stream
 * (50 a second while sound is sent; fewer in silence, with DTX), the worst share of concealed samples
 * (audio the receiver had to invent for late or lost packets, not counting DTX silence), the last joiner's time from Join to hearing everyone, the whole
 * browser's CPU and the largest sender's uplink.
 */
import type { Browser, Page } from '@playwright/test';
import { benchPage, joinToAll, launchBenchBrowser, measureWindow, runBench, startBenchServer, waitForIdleBrowser } from './bench-support.js';

const PORT = Number(process.env.BENCH_PORT ?? 3194);
const SIZES = (process.env.SIZES ?? '4,8,12,16').split(',').map(Number);
const SETTLE_MS = Number(process.env.SETTLE_S ?? 6) * 1_000;
const MEASURE_MS = Number(process.env.MEASURE_S ?? 10) * 1_000;
const JOIN_TIMEOUT_MS = 60_000;

const server = startBenchServer(PORT, { MAX_ROOM_SIZE: String(Math.max(...SIZES)) });

async function joinWithoutCamera(browser: Browser, room: string, name: string): Promise<Page> {
  const page = await benchPage(browser, { viewport: { width: 1280, height: 720 } });
  await page.goto(`${server.base}/r/${room}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Camera off', pressed: false }).click();
  await page.getByRole('button', { name: 'Join' }).click();
  await page.waitForFunction(() => document.querySelector('main.call[aria-busy="false"]') !== null, undefined, { timeout: JOIN_TIMEOUT_MS });
  return page;
}

interface AudioSample {
  /** Per inbound audio stream (by track id): packets received, samples received and concealed. */
  streams: Record<string, { packets: number; samples: number; concealed: number }>;
  bytesSent: number;
}

function sample(page: Page): Promise<AudioSample> {
  return page.evaluate(async () => {
    const result: AudioSample = { streams: {}, bytesSent: 0 };
    for (const pc of window.__e2e.pcs.filter((pc) => pc.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp') result.bytesSent += Number(s.bytesSent ?? 0);
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          result.streams[String(s.trackIdentifier)] = {
            packets: Number(s.packetsReceived ?? 0),
            samples: Number(s.totalSamplesReceived ?? 0),
            // Samples made up for late or lost packets; DTX silence (comfort noise) is not a loss.
            concealed: Number(s.concealedSamples ?? 0) - Number(s.silentConcealedSamples ?? 0),
          };
        }
      });
    }
    return result;
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
};
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

async function run(browser: Browser, size: number): Promise<string> {
  await waitForIdleBrowser();
  const room = `audio-${size}-${Date.now().toString(36)}`;
  const pages: Page[] = [];
  try {
    for (let i = 0; i < size; i++) {
      try {
        pages.push(await joinWithoutCamera(browser, room, `P${i + 1}`));
      } catch (error) {
        return `| ${size} | did not complete: person ${i + 1} was not in the call ${JOIN_TIMEOUT_MS / 1_000} s after pressing Join (${(error as Error).name}) | | | | | |`;
      }
    }
    const joinMs = await joinToAll(pages[pages.length - 1]!, size - 1, JOIN_TIMEOUT_MS, 'audio');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const { before, after, seconds, cpuCores } = await measureWindow(pages, sample, MEASURE_MS);
    const rates: number[] = [];
    const concealed: number[] = [];
    const uplinks: number[] = [];
    after.forEach((now, i) => {
      for (const [track, stream] of Object.entries(now.streams)) {
        const earlier = before[i]!.streams[track];
        if (!earlier) continue;
        rates.push((stream.packets - earlier.packets) / seconds);
        const samples = stream.samples - earlier.samples;
        concealed.push(samples > 0 ? (stream.concealed - earlier.concealed) / samples : 1);
      }
      uplinks.push(((now.bytesSent - before[i]!.bytesSent) * 8) / seconds / 1_000);
    });
    const streams = `${rates.length} of ${size * (size - 1)}`;
    return `| ${size} | ${streams} | ${f1(Math.min(...rates))} / ${f1(median(rates))} | ${f1(100 * Math.max(...concealed))} % | ${Math.round(joinMs)} ms | ${f2(cpuCores)} | ${Math.round(Math.max(...uplinks))} kbit/s |`;
  } finally {
    for (const context of browser.contexts()) await context.close();
  }
}

async function main(): Promise<void> {
  await server.ready;
  const browser = await launchBenchBrowser();
  try {
    console.log(`audio capacity: one Chromium, one 1280x720 context per person, cameras off, fake beeping microphone, settle ${SETTLE_MS / 1_000} s, measure ${MEASURE_MS / 1_000} s`);
    console.log('| people | audio streams measured | packets/s per stream (lowest / median; 50 with sound) | worst concealed | join -> hearing everyone | browser CPU (cores) | max uplink per sender |');
    console.log('|---|---|---|---|---|---|---|');
    for (const size of SIZES) console.log(await run(browser, size));
  } finally {
    await browser.close();
  }
}

runBench(main, server);
