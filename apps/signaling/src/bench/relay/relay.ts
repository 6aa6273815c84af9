/**
 * Benchmark: what relaying costs meshmeet's signaling server against what it costs the least servers
 * that do the same job. Prints every run, then medians and meshmeet/anchor ratios; asserts nothing.
 *
 *   pnpm --filter @meshmeet/signaling bench:relay
 *   TESTS=closed,open ROUNDS=3 TARGETS=bare,meshmeet pnpm --filter @meshmeet/signaling bench:relay
 *
 * Targets, each a fresh process per run: `bare` (socket.io 4.8 relaying to a socket id in the sender's
 * room), `zod` (the same validating every message with zod), `peerjs` (the `peer` package's server),
 * `meshmeet` (the built server, in memory) and `meshmeet-redis` (the same with a throwaway redis-server).
 * One load generator process for all (`load.ts`, raw WebSockets), alternating targets within a round:
 * - closed: 1,000 clients in pairs ping-pong one message at a time (80 % ICE candidates of ~250 B, 20 %
 *   SDP of ~4 KB): messages per second and server CPU per message;
 * - open: 2,000 messages per second over the same pairs: latency p50 / p99 and messages lost;
 * - fanout: rooms of 8, 500 state changes per second, each delivered to 7: server CPU per delivery;
 * - storm: 5,000 connect + join, 100 at a time, on a fresh server process: per second; then, once they
 *   have closed and the server is idle again, 5,000 more (its code optimised by then): per second;
 * - memory: server growth per connection from 1,000 to 3,000 clients in pairs, each read after 7 s of
 *   settling (longer than the 5 s timer a Redis client arms per command by default, which builds
 *   before 2026-11-23 did: not memory held per connection) and two full GCs with a pause for finalizers between them (asked through the inspector, which only this test turns on; what a server
 *   allocated before its first thousand connections does not count): RSS, and the JavaScript heap in
 *   use. RSS is what the machine pays but moves in steps of whole heap pages and semi-spaces (about
 *   +-10 % between runs); the heap is what the server's objects hold;
 * - idle: 1,000 clients in pairs, connected and joined, silent but for their pongs, measured after
 *   IDLE_WARMUP_S (40) seconds: server CPU per second, what holding connections costs between calls'
 *   signaling. Not sooner: about 30 s after a burst of connections V8's memory reducer runs a full
 *   collection of the whole heap (100 ms of CPU for meshmeet with 1,000 clients, in a CPU profile);
 * - cross (meshmeet-redis only): two instances sharing one Redis, every pair split across them, 2,000
 *   messages per second for CROSS_S seconds (60): relays lost, publications failed, unhandled rejections.
 * A run during which other processes used more than 0.25 core is discarded and made again (twice at most).
 *
 * Heartbeat: meshmeet pings every connection every 10 s and drops it after 5 s without an answer (a
 * vanished participant is noticed within 15 s); socket.io's default is 25 s + 20 s. With 1,000 clients
 * that is 100 pings a second instead of 40 (the idle test, 2026-11-23: 13 ms of CPU a second for meshmeet
 * against 12 ms for bare socket.io at its default heartbeat on a slower machine, 7 against 8 ms on a faster
 * one). The anchors keep socket.io's default (the figures the issue started from);
 * `ANCHOR_HEARTBEAT=meshmeet` gives them meshmeet's, for the same job on both sides.
 *
 * Where the CPU goes: `PROFILE=10` profiles every server over each measured window through its inspector
 * (sampling every 100 us) and prints its 10 costliest functions by self time per message, delivery,
 * connection or second, e.g. `PROFILE=10 TARGETS=bare,meshmeet TESTS=closed ROUNDS=1` for the two side
 * by side. The profiler costs CPU too: compare profiles with each other, not with an unprofiled run.
 *
 * To measure a change against the code before it in the same invocation, build the earlier commit's
 * server somewhere inside this package (so it finds the same node_modules) and name its main file:
 *   git stash && pnpm build && cp -r dist .baseline && git stash pop && pnpm build
 *   BASELINE_MAIN=.baseline/main.js TARGETS=bare,meshmeet-baseline,meshmeet pnpm bench:relay
 * (`meshmeet-redis-baseline` is the same build with Redis.)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listeningUrl, startProcess, startRedis, startServer, type Started } from '../../test-support/processes.js';
import { loadConfig } from '../../config/config.schema.js';
import { heapUsedAfterGc, startProfiling, summarise, type CpuProfile, type ProfileSummary } from './inspector.js';
import type { LoadConfig, LoadResult, LoadTest } from './load.js';
import type { Dialect } from './wire.js';

type Target = 'bare' | 'zod' | 'peerjs' | 'meshmeet' | 'meshmeet-redis' | 'meshmeet-baseline' | 'meshmeet-redis-baseline';

const TARGETS = (process.env.TARGETS ?? 'bare,zod,peerjs,meshmeet,meshmeet-redis').split(',') as Target[];
const TESTS = (process.env.TESTS ?? 'closed,open,fanout,storm,memory,idle,cross').split(',') as LoadTest[];
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WINDOW_MS = Number(process.env.WINDOW_S ?? 10) * 1_000;
const WARMUP_MS = Number(process.env.WARMUP_S ?? 3) * 1_000;
const CROSS_MS = Number(process.env.CROSS_S ?? 60) * 1_000;
const IDLE_WARMUP_MS = Number(process.env.IDLE_WARMUP_S ?? 40) * 1_000;
const MAX_FOREIGN_CORES = 0.25;
const PORT = Number(process.env.BENCH_PORT ?? 3290);
const REDIS_PORT = PORT + 1;
const CLOCK_TICKS = 100; // USER_HZ on Linux

const BASELINE_MAIN = process.env.BASELINE_MAIN;
/** `PROFILE=N`: a CPU profile of every server over each measured window, its N costliest functions printed. */
const PROFILE_TOP = Number(process.env.PROFILE ?? 0);
/** What a profile's self time is divided by, per test (the memory test is not profiled: it reads the heap). */
const PROFILE_UNIT: Partial<Record<LoadTest, string>> = { closed: 'message', open: 'message', fanout: 'delivery', storm: 'connection', idle: 'second', cross: 'message' };
/** The socket.io anchors' ping interval and timeout: socket.io's defaults, or meshmeet's (`ANCHOR_HEARTBEAT=meshmeet`). */
const ANCHOR_HEARTBEAT = process.env.ANCHOR_HEARTBEAT === 'meshmeet' ? meshmeetHeartbeat() : [];
const ANCHOR = fileURLToPath(new URL('./anchor.js', import.meta.url));
const LOAD = fileURLToPath(new URL('./load.js', import.meta.url));

const TEST_SHAPE: Record<LoadTest, Pick<LoadConfig, 'clients' | 'rate' | 'roomSize' | 'concurrency'>> = {
  closed: { clients: 1_000, rate: 0, roomSize: 2, concurrency: 50 },
  open: { clients: 1_000, rate: 2_000, roomSize: 2, concurrency: 50 },
  fanout: { clients: 1_000, rate: 500, roomSize: 8, concurrency: 50 },
  storm: { clients: 5_000, rate: 0, roomSize: 2, concurrency: 100 },
  memory: { clients: 3_000, rate: 0, roomSize: 2, concurrency: 50 },
  cross: { clients: 1_000, rate: 2_000, roomSize: 2, concurrency: 50 },
  idle: { clients: 1_000, rate: 0, roomSize: 2, concurrency: 50 },
};

function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds all processes of the machine spent busy so far. */
function machineBusySeconds(): number {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = values as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}

function rssBytesOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

interface RunningServer {
  bases: string[];
  pids: number[];
  /** The inspector of each server process, when started with one (the memory test). */
  inspectors: () => string[];
  /** What the server processes printed (meshmeet logs JSON lines; unhandled rejections go to stderr). */
  output: () => string;
  stop: () => Promise<void>;
}

async function waitForLine(started: Started, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!pattern.test(started.output())) {
    if (Date.now() > deadline || started.child.exitCode !== null) throw new Error(`did not start:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once the servers used under 5 % of a core for 300 ms (at most 20 s): they let go of a storm. */
async function whenIdle(cpuSeconds: () => number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let before = cpuSeconds();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = cpuSeconds();
    if (now - before < 0.015) return;
    before = now;
  }
}

/** Before each memory reading: longer than the Redis client's per-command timers (5 s) live. */
const MEMORY_SETTLE_MS = 7_000;

/** The inspector on a port of its own choosing: `Debugger listening on ws://...` tells which. */
const INSPECT = '--inspect=127.0.0.1:0';
const inspectorsIn = (output: string) => [...output.matchAll(/Debugger listening on (ws:\/\/\S+)/g)].map((match) => match[1]!);

async function startTarget(target: Target, instances: number, inspect: boolean): Promise<RunningServer> {
  if (target === 'bare' || target === 'zod' || target === 'peerjs') {
    const anchor = startProcess(process.execPath, [...(inspect ? [INSPECT] : []), ANCHOR, target, String(PORT), ...(target === 'peerjs' ? [] : ANCHOR_HEARTBEAT)]);
    await waitForLine(anchor, /ready/);
    return { bases: [`http://127.0.0.1:${PORT}`], pids: [anchor.child.pid!], inspectors: () => inspectorsIn(anchor.output()), output: anchor.output, stop: () => kill(anchor) };
  }
  const redis = target === 'meshmeet-redis' || target === 'meshmeet-redis-baseline' ? await startRedis(REDIS_PORT) : undefined;
  const servers = Array.from({ length: instances }, (_, i) => {
    const base = `http://127.0.0.1:${PORT + 2 * i}`;
    const server = startServer({
      PORT: String(PORT + 2 * i),
      NODE_ENV: 'production',
      PUBLIC_URL: base,
      METRICS_TOKEN: 'bench-metrics-token-0123456789',
      LOG_LEVEL: 'warn',
      // Every bench client comes from 127.0.0.1: lift the per-address budgets (per-connection limits stay).
      MAX_CONNECTIONS_PER_IP: '100000',
      JOINS_PER_MINUTE_PER_ADDRESS: '1000000',
      NEW_ROOMS_PER_HOUR_PER_ADDRESS: '1000000',
      // The closed loop runs each pair as fast as it can: past the per-connection limits a refused
      // relay would end that pair's loop. The limits are still checked on every message.
      MESSAGE_RATE_SCALE: '1000',
      ...(redis ? { REDIS_URL: redis.url } : {}),
      ...(inspect ? { NODE_OPTIONS: INSPECT } : {}),
    }, target === 'meshmeet-baseline' || target === 'meshmeet-redis-baseline' ? requireBaseline() : undefined);
    return { base, server };
  });
  await Promise.all(servers.map(({ server }) => listeningUrl(server)));
  return {
    bases: servers.map(({ base }) => base),
    pids: servers.map(({ server }) => server.child.pid!),
    inspectors: () => servers.flatMap(({ server }) => inspectorsIn(server.output())),
    output: () => servers.map(({ server }) => server.output()).join(''),
    stop: async () => {
      await Promise.all(servers.map(({ server }) => kill(server)));
      await redis?.stop();
    },
  };
}

/** meshmeet's default heartbeat, from its own configuration schema. */
function meshmeetHeartbeat(): string[] {
  const { pingIntervalMs, pingTimeoutMs } = loadConfig({});
  return [String(pingIntervalMs), String(pingTimeoutMs)];
}

function requireBaseline(): string {
  if (!BASELINE_MAIN) throw new Error('meshmeet-baseline needs BASELINE_MAIN, the main file of an earlier build (see the top of this file)');
  return resolve(BASELINE_MAIN);
}

async function kill(started: Started): Promise<void> {
  started.child.kill('SIGKILL');
  await started.exited;
}

const DIALECT: Record<Target, Dialect> = {
  bare: 'socketio',
  zod: 'socketio',
  peerjs: 'peerjs',
  meshmeet: 'meshmeet',
  'meshmeet-redis': 'meshmeet',
  'meshmeet-baseline': 'meshmeet',
  'meshmeet-redis-baseline': 'meshmeet',
};

interface Measured extends LoadResult {
  serverCpuSeconds: number;
  foreignCores: number;
  /** Memory test: server RSS growth per connection, in bytes. */
  bytesPerConnection?: number;
  /** Memory test: growth per connection of the heap in use after a full GC, in bytes. */
  heapBytesPerConnection?: number;
  /** meshmeet: unhandled rejections the servers printed, and the publications they logged as failed. */
  unhandledRejections: number;
  publishFailureLogs: number;
  /** `PROFILE=N`: self time per function per unit of the test, over the measured window. */
  profile?: ProfileSummary | undefined;
}

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** One run of one test against a fresh server; undefined when the target does not support the test. */
async function runOnce(target: Target, test: LoadTest): Promise<Measured | undefined> {
  if (test === 'fanout' && target === 'peerjs') return undefined;
  if (test === 'cross' && target !== 'meshmeet-redis' && target !== 'meshmeet-redis-baseline') return undefined;
  const profiled = PROFILE_TOP > 0 && PROFILE_UNIT[test] !== undefined;
  const server = await startTarget(target, test === 'cross' ? 2 : 1, test === 'memory' || profiled);
  try {
    const cpuOfServers = () => server.pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
    const rssOfServers = () => server.pids.reduce((sum, pid) => sum + rssBytesOf(pid), 0);
    const windowMs = test === 'cross' ? CROSS_MS : WINDOW_MS;
    const warmupMs = test === 'idle' ? IDLE_WARMUP_MS : WARMUP_MS;
    const config: LoadConfig = { test, dialect: DIALECT[target], bases: server.bases, warmupMs, windowMs, ...TEST_SHAPE[test] };
    const load = spawn(process.execPath, [LOAD, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let window = { server: 0, load: 0, machine: 0, at: 0 };
    let measured: Partial<Measured> = {};
    let bytesPerConnection: number | undefined;
    let heapBytesPerConnection: number | undefined;
    let settled: { rss: number; heap: number; clients: number } | undefined;
    let stopProfiling: Promise<() => Promise<CpuProfile[]>> | undefined;
    let profiles: Promise<CpuProfile[]> | undefined;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      load.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffered.slice(0, newline)) as { event: string; message?: string } & LoadResult;
          buffered = buffered.slice(newline + 1);
          if (line.event === 'window-start') {
            window = { server: cpuOfServers(), load: cpuSecondsOf(load.pid!), machine: machineBusySeconds(), at: Date.now() };
            if (profiled) stopProfiling = startProfiling(server.inspectors());
          }
          if (line.event === 'window-end') {
            const serverCpu = cpuOfServers() - window.server;
            const loadCpu = cpuSecondsOf(load.pid!) - window.load;
            const seconds = (Date.now() - window.at) / 1_000;
            measured = { serverCpuSeconds: serverCpu, foreignCores: (machineBusySeconds() - window.machine - serverCpu - loadCpu) / seconds };
            profiles = stopProfiling?.then((stop) => stop());
          }
          if (line.event === 'connected' && test === 'memory') {
            const clients = (line as unknown as { clients: number }).clients;
            setTimeout(() => {
              // Both read after a full GC, at both points: a GC at the first point only would free there
              // what the second point still holds, and bias the growth between them.
              Promise.all(server.inspectors().map(heapUsedAfterGc))
                .then((heaps) => {
                  if (heaps.length === 0) throw new Error(`${target}: no inspector to read the heap through`);
                  const heap = heaps.reduce((sum, used) => sum + used, 0);
                  const rss = rssOfServers();
                  if (settled) {
                    bytesPerConnection = (rss - settled.rss) / (clients - settled.clients);
                    heapBytesPerConnection = (heap - settled.heap) / (clients - settled.clients);
                  }
                  settled = { rss, heap, clients };
                  load.stdin!.write('next\n');
                })
                .catch(reject);
            }, MEMORY_SETTLE_MS);
          }
          if (line.event === 'closed') {
            whenIdle(cpuOfServers)
              .then(() => load.stdin!.write('next\n'))
              .catch(reject);
          }
          if (line.event === 'result') measured = { ...measured, ...line };
          if (line.event === 'error') reject(new Error(`${target} ${test}: ${line.message}`));
        }
      });
      load.once('exit', () => resolve());
    });
    const output = server.output();
    const units = test === 'idle' ? (measured.seconds ?? NaN) : (measured.delivered ?? NaN);
    return {
      ...(measured as Measured),
      profile: profiles ? summarise(await profiles, units, PROFILE_TOP) : undefined,
      foreignCores: measured.foreignCores ?? 0,
      bytesPerConnection,
      heapBytesPerConnection,
      unhandledRejections: count(output, /unhandled rejection/g),
      publishFailureLogs: count(output, /publications to the other instances failed/g),
    };
  } finally {
    await server.stop();
  }
}

async function measure(target: Target, test: LoadTest): Promise<Measured | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await runOnce(target, test);
    if (!result || result.foreignCores <= MAX_FOREIGN_CORES) return result;
    console.log(`  (discarded: other processes used ${result.foreignCores.toFixed(2)} cores)`);
  }
  return undefined;
}

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
};

/** The figure each test is judged by, and how to print it. */
const FIGURES: Record<LoadTest, { name: string; of: (r: Measured) => number; format: (n: number) => string; higherIsBetter: boolean }[]> = {
  closed: [
    { name: 'closed loop, msg/s', of: (r) => r.delivered / r.seconds, format: (n) => `${(n / 1_000).toFixed(2)}k`, higherIsBetter: true },
    { name: 'server CPU per message', of: (r) => (r.serverCpuSeconds / r.delivered) * 1e6, format: (n) => `${n.toFixed(0)} us`, higherIsBetter: false },
  ],
  open: [
    { name: 'open loop 2000 msg/s, p50', of: (r) => r.latencyMs?.p50 ?? NaN, format: (n) => `${n.toFixed(1)} ms`, higherIsBetter: false },
    { name: 'open loop 2000 msg/s, p99', of: (r) => r.latencyMs?.p99 ?? NaN, format: (n) => `${n.toFixed(1)} ms`, higherIsBetter: false },
    { name: 'open loop, lost of sent', of: (r) => r.lost, format: (n) => `${n}`, higherIsBetter: false },
  ],
  fanout: [{ name: 'fan-out (rooms of 8), CPU per delivery', of: (r) => (r.serverCpuSeconds / r.delivered) * 1e6, format: (n) => `${n.toFixed(0)} us`, higherIsBetter: false }],
  storm: [
    { name: '5,000 connect + join, per second', of: (r) => r.perSecond ?? NaN, format: (n) => n.toFixed(0), higherIsBetter: true },
    { name: 'the next 5,000 (server warm), per second', of: (r) => r.perSecondWarm ?? NaN, format: (n) => n.toFixed(0), higherIsBetter: true },
  ],
  memory: [
    { name: 'memory per connection (RSS)', of: (r) => r.bytesPerConnection ?? NaN, format: (n) => `${(n / 1024).toFixed(1)} KB`, higherIsBetter: false },
    { name: 'heap per connection, after a full GC', of: (r) => r.heapBytesPerConnection ?? NaN, format: (n) => `${(n / 1024).toFixed(2)} KB`, higherIsBetter: false },
  ],
  idle: [{ name: '1,000 idle connections, server CPU per second', of: (r) => (r.serverCpuSeconds / r.seconds) * 1e3, format: (n) => `${n.toFixed(1)} ms`, higherIsBetter: false }],
  cross: [
    { name: 'two instances, 2000 msg/s: p99', of: (r) => r.latencyMs?.p99 ?? NaN, format: (n) => `${n.toFixed(1)} ms`, higherIsBetter: false },
    { name: 'two instances: relays lost', of: (r) => r.lost, format: (n) => `${n}`, higherIsBetter: false },
    { name: 'two instances: unhandled rejections', of: (r) => r.unhandledRejections, format: (n) => `${n}`, higherIsBetter: false },
    { name: 'two instances: publish-failure log lines', of: (r) => r.publishFailureLogs, format: (n) => `${n}`, higherIsBetter: false },
  ],
};

async function main(): Promise<void> {
  console.log(`relay: targets ${TARGETS.join(', ')}; tests ${TESTS.join(', ')}; ${ROUNDS} rounds; window ${WINDOW_MS / 1_000} s after ${WARMUP_MS / 1_000} s warm-up`);
  const anchorPings = ANCHOR_HEARTBEAT.length > 0 ? `every ${Number(ANCHOR_HEARTBEAT[0]) / 1_000} s, ${Number(ANCHOR_HEARTBEAT[1]) / 1_000} s to answer (meshmeet's)` : "socket.io's default (every 25 s, 20 s to answer)";
  console.log(`socket.io anchors' heartbeat: ${anchorPings}`);
  if (PROFILE_TOP > 0) console.log(`PROFILE=${PROFILE_TOP}: every server is profiled over each measured window; the profiler's own cost is in every figure of this invocation, so compare its profiles with each other, not its figures with an unprofiled run's`);
  const results = new Map<string, Measured[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const test of TESTS) {
      // Alternate the order every round, so no target always runs first.
      const order = round % 2 === 0 ? TARGETS : [...TARGETS].reverse();
      for (const target of order) {
        const result = await measure(target, test);
        if (!result) continue;
        const key = `${target}/${test}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        const figures = FIGURES[test].map((figure) => `${figure.name} ${figure.format(figure.of(result))}`).join(', ');
        console.log(`  round ${round + 1} ${target} ${test}: ${figures}; refusals ${result.refusals}; unhandled rejections ${result.unhandledRejections}; foreign ${result.foreignCores.toFixed(2)} cores`);
        if (result.profile) {
          console.log(`    profile, self time in us per ${PROFILE_UNIT[test]} (busy ${result.profile.busy.toFixed(1)}):`);
          for (const { name, self } of result.profile.top) console.log(`    ${self.toFixed(2).padStart(8)}  ${name}`);
        }
      }
    }
  }
  console.log('');
  console.log(`| test | ${TARGETS.join(' | ')} | ${TARGETS.filter((t) => t.startsWith('meshmeet')).map((t) => `${t} / bare`).join(' | ')} |`);
  console.log(`|---|${TARGETS.map(() => '---|').join('')}${TARGETS.filter((t) => t.startsWith('meshmeet')).map(() => '---|').join('')}`);
  for (const test of TESTS) {
    for (const figure of FIGURES[test]) {
      const value = (target: Target) => median((results.get(`${target}/${test}`) ?? []).map(figure.of));
      const cells = TARGETS.map((target) => (Number.isFinite(value(target)) ? figure.format(value(target)) : '-'));
      const ratios = TARGETS.filter((t) => t.startsWith('meshmeet')).map((target) => {
        const ratio = value(target) / value('bare');
        return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-';
      });
      console.log(`| ${figure.name} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
    }
  }
  const closedRate = (target: Target) => median((results.get(`${target}/closed`) ?? []).map(FIGURES.closed[0]!.of));
  const redisShare = closedRate('meshmeet-redis') / closedRate('meshmeet');
  if (Number.isFinite(redisShare)) console.log(`\nmeshmeet with Redis / in memory, closed-loop messages per second: ${redisShare.toFixed(2)}x`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

