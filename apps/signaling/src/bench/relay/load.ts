/**
 * The relay benchmark's load generator, run as its own process by `relay.ts` (so its CPU is not the
 * server's): `node dist/bench/relay/load.js '<json LoadConfig>'`. It writes one JSON line per event on
 * stdout: `connected` (every client in), `window-start` and `window-end` (the measured interval, for the
 * caller's CPU readings), `closed` (storm: waits for a line on stdin before the second storm), then `result`. Every loop is bounded in count and time.
 */
import { performance } from 'node:perf_hooks';
import { connectEndpoint, type Dialect, type Endpoint, type Relayed } from './wire.js';

export type LoadTest = 'closed' | 'open' | 'fanout' | 'storm' | 'memory' | 'cross' | 'idle';

export interface LoadConfig {
  test: LoadTest;
  dialect: Dialect;
  /** The servers' URLs: client i connects to bases[i % bases.length] (pairs straddle two instances). */
  bases: string[];
  /** Clients (pairs for relays, rooms of `roomSize` for fan-out; connections for the storm). */
  clients: number;
  warmupMs: number;
  windowMs: number;
  /** Open loop: messages per second over all pairs. Fan-out: broadcasts per second over all clients. */
  rate: number;
  roomSize: number;
  /** Connections opened at once during a storm. */
  concurrency: number;
}

export interface LoadResult {
  /** Relayed messages (or, for fan-out, deliveries) received in the window. */
  delivered: number;
  seconds: number;
  latencyMs?: { p50: number; p99: number; max: number } | undefined;
  /** Storm: connections completed (connect + join) per second, on a fresh server process. */
  perSecond?: number | undefined;
  /** Storm: the same for a second storm once the first has closed (the server's code optimised). */
  perSecondWarm?: number | undefined;
  refusals: number;
  /** Messages sent in the window that never arrived by its end plus a grace period. */
  lost: number;
}

const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MIX_SDP_EVERY = 5; // 20 % descriptions of ~4 KB, 80 % candidates of ~250 B

async function connectAll(config: LoadConfig, roomOf: (index: number) => string): Promise<Endpoint[]> {
  const endpoints: Endpoint[] = new Array<Endpoint>(config.clients);
  let next = 0;
  const worker = async () => {
    while (next < config.clients) {
      const index = next++;
      endpoints[index] = await connectEndpoint(config.dialect, config.bases[index % config.bases.length]!, roomOf(index));
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.clients) }, worker));
  return endpoints;
}

const pairRoom = (index: number) => `bench-pair-${Math.floor(index / 2)}`;

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Waits out the warm-up, then measures for `windowMs`: `start` and `end` run at the window's edges,
 * where the caller's CPU readings are taken too. Returns the window's length in seconds.
 */
async function measureWindow(config: LoadConfig, edges: { start: () => void; end: () => void }): Promise<number> {
  await sleep(config.warmupMs);
  edges.start();
  emit({ event: 'window-start' });
  const started = performance.now();
  await sleep(config.windowMs);
  edges.end();
  const seconds = (performance.now() - started) / 1_000;
  emit({ event: 'window-end' });
  return seconds;
}

/** Closes every endpoint; returns the refusals they saw. */
function closeAll(endpoints: Endpoint[]): number {
  for (const endpoint of endpoints) endpoint.close();
  return endpoints.reduce((sum, endpoint) => sum + endpoint.refusals, 0);
}

/** Pairs ping-pong one message at a time: throughput at saturation. */
async function closedLoop(config: LoadConfig): Promise<LoadResult> {
  const endpoints = await connectAll(config, pairRoom);
  emit({ event: 'connected' });
  let counting = false;
  let delivered = 0;
  let seq = 0;
  let running = true;
  for (let i = 0; i + 1 < endpoints.length; i += 2) {
    const a = endpoints[i]!;
    const b = endpoints[i + 1]!;
    const send = (from: Endpoint, to: Endpoint) => {
      if (!running) return;
      const s = seq++;
      from.relay(to.id, { seq: s, kind: s % MIX_SDP_EVERY === 0 ? 'sdp' : 'candidate' });
    };
    a.onRelay = () => {
      if (counting) delivered += 1;
      send(a, b);
    };
    b.onRelay = () => {
      if (counting) delivered += 1;
      send(b, a);
    };
    send(a, b);
  }
  const seconds = await measureWindow(config, { start: () => (counting = true), end: () => (counting = false) });
  running = false;
  return { delivered, seconds, refusals: closeAll(endpoints), lost: 0 };
}

/** A fixed total rate over all pairs, each message timed from send to receipt. */
async function openLoop(config: LoadConfig): Promise<LoadResult> {
  const endpoints = await connectAll(config, pairRoom);
  emit({ event: 'connected' });
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let measuring = false;
  for (const endpoint of endpoints) {
    endpoint.onRelay = (message: Relayed) => {
      const at = sentAt.get(message.seq);
      if (at === undefined) return;
      sentAt.delete(message.seq);
      if (measuring) latencies.push(performance.now() - at);
    };
  }
  const pairs = Math.floor(endpoints.length / 2);
  const TICK_MS = 5;
  const perTick = (config.rate * TICK_MS) / 1_000;
  let seq = 0;
  let owed = 0;
  const timer = setInterval(() => {
    owed += perTick;
    for (; owed >= 1; owed -= 1) {
      const s = seq++;
      const pair = s % pairs;
      const forward = Math.floor(s / pairs) % 2 === 0;
      const from = endpoints[pair * 2 + (forward ? 0 : 1)]!;
      const to = endpoints[pair * 2 + (forward ? 1 : 0)]!;
      sentAt.set(s, performance.now());
      from.relay(to.id, { seq: s, kind: s % MIX_SDP_EVERY === 0 ? 'sdp' : 'candidate' });
    }
  }, TICK_MS);
  let measuredSeqFrom = 0;
  let measuredSeqTo = 0;
  // Latencies are taken from the window's start until the grace period after it.
  const seconds = await measureWindow(config, {
    start: () => {
      measuring = true;
      measuredSeqFrom = seq;
    },
    end: () => (measuredSeqTo = seq),
  });
  clearInterval(timer);
  // Whatever was sent in the window and has not arrived 2 s later is lost (or absurdly late).
  await sleep(2_000);
  measuring = false;
  let lost = 0;
  for (const s of sentAt.keys()) if (s >= measuredSeqFrom && s < measuredSeqTo) lost += 1;
  const refusals = closeAll(endpoints);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    delivered: latencies.length,
    seconds,
    latencyMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN },
    refusals,
    lost,
  };
}

/** Rooms of `roomSize`; each client sends a small state change now and then, delivered to the others. */
async function fanOut(config: LoadConfig): Promise<LoadResult> {
  const endpoints = await connectAll(config, (index) => `bench-room-${Math.floor(index / config.roomSize)}`);
  emit({ event: 'connected' });
  let counting = false;
  let delivered = 0;
  for (const endpoint of endpoints) {
    endpoint.onBroadcast = () => {
      if (counting) delivered += 1;
    };
  }
  const TICK_MS = 10;
  const perTick = (config.rate * TICK_MS) / 1_000;
  let owed = 0;
  let next = 0;
  const timer = setInterval(() => {
    owed += perTick;
    for (; owed >= 1; owed -= 1) endpoints[next++ % endpoints.length]!.broadcast();
  }, TICK_MS);
  const seconds = await measureWindow(config, { start: () => (counting = true), end: () => (counting = false) });
  clearInterval(timer);
  return { delivered, seconds, refusals: closeAll(endpoints), lost: 0 };
}

/**
 * Clients in pairs, connected and joined, sending nothing but their answers to the server's pings: what
 * holding them costs the server between calls' bursts of signaling (its heartbeat, timers, housekeeping).
 */
async function idle(config: LoadConfig): Promise<LoadResult> {
  const endpoints = await connectAll(config, pairRoom);
  emit({ event: 'connected' });
  const seconds = await measureWindow(config, { start: () => {}, end: () => {} });
  return { delivered: 0, seconds, refusals: closeAll(endpoints), lost: 0 };
}

/**
 * As many connect + join as the server takes, `concurrency` at a time, on a fresh server process; then,
 * once those have closed, as many again: the first storm also pays for compiling the server's code
 * (V8 optimises a function only after many calls), the second shows the server as it runs for hours.
 * Both count: a restarted server takes every client back at once, cold.
 */
async function storm(config: LoadConfig): Promise<LoadResult> {
  emit({ event: 'window-start' });
  let started = performance.now();
  const fresh = await connectAll(config, pairRoom);
  const seconds = (performance.now() - started) / 1_000;
  emit({ event: 'window-end' });
  let refusals = closeAll(fresh);
  // The caller says when the server has let them all go (its CPU idle again).
  emit({ event: 'closed' });
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  started = performance.now();
  // Rooms of their own: in meshmeet the first storm's participants wait out their resume grace in theirs.
  const warm = await connectAll(config, (index) => pairRoom(config.clients + index));
  const warmSeconds = (performance.now() - started) / 1_000;
  refusals += closeAll(warm);
  return { delivered: fresh.length, seconds, perSecond: fresh.length / seconds, perSecondWarm: warm.length / warmSeconds, refusals, lost: 0 };
}

/**
 * Connects a first third of the clients in pairs, waits to be told to go on, connects the rest, and
 * holds them all until told to stop: the caller reads the server's memory at both points, so what the
 * server had allocated before the first connection does not count.
 */
async function memory(config: LoadConfig): Promise<LoadResult> {
  const nextLine = () => new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const first = Math.floor(config.clients / 3);
  const endpoints = await connectAll({ ...config, clients: first }, pairRoom);
  emit({ event: 'connected', clients: endpoints.length });
  await nextLine();
  const rest = await connectAll({ ...config, clients: config.clients - first }, (index) => pairRoom(first + index));
  endpoints.push(...rest);
  emit({ event: 'connected', clients: endpoints.length });
  await nextLine();
  return { delivered: 0, seconds: 0, refusals: closeAll(endpoints), lost: 0 };
}

const TESTS: Record<LoadTest, (config: LoadConfig) => Promise<LoadResult>> = { closed: closedLoop, open: openLoop, fanout: fanOut, storm, memory, cross: openLoop, idle };

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
// The whole run is bounded: a stuck server ends the generator rather than the benchmark hanging.
const deadline = setTimeout(() => {
  emit({ event: 'error', message: 'load generator timed out' });
  process.exit(3);
}, config.warmupMs + config.windowMs + 120_000);
TESTS[config.test](config)
  .then((result) => {
    emit({ event: 'result', ...result });
    clearTimeout(deadline);
    process.exit(0);
  })
  .catch((error: unknown) => {
    emit({ event: 'error', message: String(error) });
    process.exit(1);
  });
