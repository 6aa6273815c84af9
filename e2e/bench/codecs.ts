/**
 * Benchmark: what each video codec costs this machine to encode and decode, to choose the codec each
 * link prefers. Prints figures and ratios against VP8 (the codec every browser has); asserts nothing.
 *
 *   pnpm --filter @meshmeet/e2e bench:codecs          (builds must exist: pnpm build)
 *   COPIES=4 MEASURE_S=10 ROUNDS=2 pnpm --filter @meshmeet/e2e bench:codecs
 *
 * In one Chromium page (the fake camera, 640x480 at 20 fps), COPIES pairs of RTCPeerConnections each
 * send the camera to each other's peer over loopback with one codec forced by `setCodecPreferences`,
 * at a fixed 20 fps and 600 kbit/s, at full size and at half size (320x240). Codecs and sizes run in
 * alternating order over ROUNDS rounds; each figure is the median over rounds. CPU is the whole
 * browser's (all its processes, from /proc), so it includes capture, encode, packetisation and decode.
 */
import type { Page } from '@playwright/test';
import { benchPage, chromiumCpuSeconds, launchBenchBrowser, runBench, startBenchServer } from './bench-support.js';

const PORT = Number(process.env.BENCH_PORT ?? 3197);
const COPIES = Number(process.env.COPIES ?? 4);
const SETTLE_MS = Number(process.env.SETTLE_S ?? 4) * 1_000;
const MEASURE_MS = Number(process.env.MEASURE_S ?? 10) * 1_000;
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const CODECS = (process.env.CODECS ?? 'VP8,VP9,H264,AV1').split(',');
const SCALES = [1, 2];

const server = startBenchServer(PORT);

interface Sample {
  framesDecoded: number;
  framesEncoded: number;
  encodeSeconds: number;
  decodeSeconds: number;
  bytesSent: number;
  width: number;
  limitation: string[];
  codec: string[];
}

interface RunResult {
  cpuCores: number;
  fps: number;
  encodeMs: number;
  decodeMs: number;
  kbps: number;
  width: number;
  limitation: string;
  codec: string;
}

/** Sets up COPIES loopback pairs in the page sending the fake camera with one codec; false if the browser lacks it. */
function setUp(page: Page, codec: string, scale: number): Promise<boolean> {
  return page.evaluate(
    async ({ codec, scale, copies }) => {
      const mime = `video/${codec}`.toLowerCase();
      const all = RTCRtpSender.getCapabilities('video')?.codecs ?? [];
      // H.264: constrained baseline with packetization-mode=1 first, the profile browsers agree on.
      const chosen = all
        .filter((c) => c.mimeType.toLowerCase() === mime)
        .sort((a, b) => Number((b.sdpFmtpLine ?? '').includes('42e01f')) - Number((a.sdpFmtpLine ?? '').includes('42e01f')));
      if (chosen.length === 0) return false;
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 20 } });
      const track = stream.getVideoTracks()[0]!;
      const pcs: RTCPeerConnection[] = [];
      const decoded: Promise<void>[] = [];
      for (let i = 0; i < copies; i++) {
        const sender = new RTCPeerConnection();
        const receiver = new RTCPeerConnection();
        sender.addEventListener('icecandidate', (e) => e.candidate && void receiver.addIceCandidate(e.candidate));
        receiver.addEventListener('icecandidate', (e) => e.candidate && void sender.addIceCandidate(e.candidate));
        const transceiver = sender.addTransceiver(track, { direction: 'sendonly' });
        transceiver.setCodecPreferences(chosen);
        decoded.push(
          new Promise((resolve) =>
            receiver.addEventListener('track', ({ track: remote }) => {
              // Decoding happens only for a rendered (or at least attached) track.
              const video = document.createElement('video');
              video.muted = true;
              video.srcObject = new MediaStream([remote]);
              document.body.append(video);
              void video.play();
              video.requestVideoFrameCallback(() => resolve());
            }),
          ),
        );
        await sender.setLocalDescription();
        await receiver.setRemoteDescription(sender.localDescription!);
        await receiver.setLocalDescription();
        await sender.setRemoteDescription(receiver.localDescription!);
        const parameters = transceiver.sender.getParameters();
        Object.assign(parameters.encodings[0]!, { scaleResolutionDownBy: scale, maxFramerate: 20, maxBitrate: 600_000 });
        await transceiver.sender.setParameters(parameters);
        pcs.push(sender, receiver);
      }
      await Promise.all(decoded);
      (window as unknown as { benchPcs: RTCPeerConnection[]; benchTrack: MediaStreamTrack }).benchPcs = pcs;
      (window as unknown as { benchTrack: MediaStreamTrack }).benchTrack = track;
      return true;
    },
    { codec, scale, copies: COPIES },
  );
}

function sample(page: Page): Promise<Sample> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { benchPcs: RTCPeerConnection[] }).benchPcs;
    const total: Sample = { framesDecoded: 0, framesEncoded: 0, encodeSeconds: 0, decodeSeconds: 0, bytesSent: 0, width: 0, limitation: [], codec: [] };
    for (const pc of pcs) {
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          total.framesDecoded += Number(s.framesDecoded ?? 0);
          total.decodeSeconds += Number(s.totalDecodeTime ?? 0);
        }
        if (s.type === 'outbound-rtp' && s.kind === 'video') {
          total.framesEncoded += Number(s.framesEncoded ?? 0);
          total.encodeSeconds += Number(s.totalEncodeTime ?? 0);
          total.bytesSent += Number(s.bytesSent ?? 0);
          total.width = Math.max(total.width, Number(s.frameWidth ?? 0));
          total.limitation.push(String(s.qualityLimitationReason));
          const codec = report.get(String(s.codecId)) as { mimeType?: string } | undefined;
          total.codec.push(codec?.mimeType ?? '?');
        }
      });
    }
    return total;
  });
}

function tearDown(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { benchPcs: RTCPeerConnection[]; benchTrack: MediaStreamTrack };
    for (const pc of w.benchPcs) pc.close();
    w.benchTrack.stop();
    document.querySelectorAll('video').forEach((video) => video.remove());
  });
}

async function run(page: Page, codec: string, scale: number): Promise<RunResult | undefined> {
  if (!(await setUp(page, codec, scale))) return undefined;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const before = await sample(page);
  const cpuBefore = chromiumCpuSeconds();
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  const after = await sample(page);
  const seconds = (Date.now() - startedAt) / 1_000;
  const cpuCores = (chromiumCpuSeconds() - cpuBefore) / seconds;
  await tearDown(page);
  const decoded = after.framesDecoded - before.framesDecoded;
  const encoded = after.framesEncoded - before.framesEncoded;
  const mostCommon = (values: string[]) => [...new Set(values)].sort((a, b) => values.filter((v) => v === b).length - values.filter((v) => v === a).length)[0] ?? '?';
  return {
    cpuCores,
    fps: decoded / seconds / COPIES,
    encodeMs: (1_000 * (after.encodeSeconds - before.encodeSeconds)) / Math.max(1, encoded),
    decodeMs: (1_000 * (after.decodeSeconds - before.decodeSeconds)) / Math.max(1, decoded),
    kbps: ((after.bytesSent - before.bytesSent) * 8) / seconds / 1_000 / COPIES,
    width: after.width,
    limitation: mostCommon(after.limitation),
    codec: mostCommon(after.codec),
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
};
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

async function main(): Promise<void> {
  await server.ready;
  const browser = await launchBenchBrowser();
  const page = await benchPage(browser);
  await page.goto(`${server.base}/`);
  console.log(`codecs: one Chromium page, ${COPIES} loopback copies of the fake camera (640x480, 20 fps, 600 kbit/s cap), settle ${SETTLE_MS / 1_000} s, measure ${MEASURE_MS / 1_000} s, ${ROUNDS} rounds (medians)`);
  const results = new Map<string, RunResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order every round, so no codec always runs first or last.
    const order = CODECS.flatMap((codec) => SCALES.map((scale) => ({ codec, scale })));
    if (round % 2 === 1) order.reverse();
    for (const { codec, scale } of order) {
      const result = await run(page, codec, scale);
      if (!result) continue;
      const key = `${codec}@${scale}`;
      results.set(key, [...(results.get(key) ?? []), result]);
      process.stdout.write(`  round ${round + 1}: ${key} ${f2(result.cpuCores)} cores, ${result.fps.toFixed(1)} fps, ${result.codec}, ${result.limitation}\n`);
    }
  }
  console.log('| codec | sent size | browser CPU (cores) | vs VP8 | decoded fps per copy | encode ms/frame | decode ms/frame | kbit/s per copy | limited by |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const scale of SCALES) {
    const anchor = results.get(`VP8@${scale}`);
    const anchorCpu = anchor ? median(anchor.map((r) => r.cpuCores)) : NaN;
    for (const codec of CODECS) {
      const runs = results.get(`${codec}@${scale}`);
      if (!runs) {
        console.log(`| ${codec} | - | not offered by this browser | | | | | | |`);
        continue;
      }
      const m = (pick: (r: RunResult) => number) => median(runs.map(pick));
      console.log(
        `| ${codec} | ${Math.round(m((r) => r.width))} px wide | ${f2(m((r) => r.cpuCores))} | ${f2(m((r) => r.cpuCores) / anchorCpu)}x | ${m((r) => r.fps).toFixed(1)} | ${f2(m((r) => r.encodeMs))} | ${f2(m((r) => r.decodeMs))} | ${Math.round(m((r) => r.kbps))} | ${runs[runs.length - 1]!.limitation} |`,
      );
    }
  }
  await browser.close();
}

runBench(main, server);
