/**
 * Benchmark: does a flood of passcode-room joins from one address slow everyone else down?
 *   pnpm --filter @meshmeet/signaling bench:passcode
 * Runs the built server (dist/main.js) serving the built web client, behind a "proxy" (TRUST_PROXY=1:
 * the bench writes X-Forwarded-For), so the flood comes from 203.0.113.1 and the measured joins from
 * other addresses. Three phases in one run: idle (the anchor), a flood with the default budgets, and a
 * flood with the per-address budgets lifted (as if from thousands of addresses), where only the
 * bounded hashing queue protects the server. Each phase measures GET / (index.html), the app's
 * script, and a normal join, and prints p50/p99 and the ratio to the anchor. Bounded: each flood
 * lasts 3 s with at most 20 connections at once.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@meshmeet/protocol';
import { io, type Socket } from 'socket.io-client';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const FLOOD_MS = 3_000;
const FLOOD_CONCURRENCY = 20;
const MEASURE_EVERY_MS = 25;
const media = { mic: false, camera: false, screen: false };

function connect(url: string, address: string): Promise<Client> {
  const client: Client = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { origin: url, 'x-forwarded-for': address },
  });
  return new Promise((resolve, reject) => client.once('connect', () => resolve(client)).once('connect_error', reject));
}

/** Child process: connect, join a new passcode room, disconnect, again, FLOOD_CONCURRENCY at a time. */
async function flood(url: string): Promise<void> {
  const deadline = Date.now() + FLOOD_MS;
  const outcomes: Record<string, number> = {};
  let n = 0;
  await Promise.all(
    Array.from({ length: FLOOD_CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        try {
          const client = await connect(url, '203.0.113.1');
          const response = await client
            .timeout(10_000)
            .emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: `flood-${process.pid}-${n++}`, name: 'Flood', media, passcode: 'hunter22' });
          const code = response.ok ? 'ok' : response.error.code;
          outcomes[code] = (outcomes[code] ?? 0) + 1;
          client.disconnect();
        } catch {
          outcomes.refused_connection = (outcomes.refused_connection ?? 0) + 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }),
  );
  process.send!(outcomes);
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** GET /, GET the app's script, and a join of a normal room (connect + join + leave), repeatedly for `ms`. */
async function measure(url: string, script: string, ms: number) {
  const page: number[] = [];
  const asset: number[] = [];
  const join: number[] = [];
  const deadline = Date.now() + ms;
  let room = 0;
  while (Date.now() < deadline) {
    page.push(await timed(async () => (await fetch(`${url}/`)).text()));
    asset.push(await timed(async () => (await fetch(`${url}${script}`)).arrayBuffer()));
    join.push(
      await timed(async () => {
        // Each measured join is another person (another address): the budgets of one are not the point here.
        const client = await connect(url, `198.51.${100 + Math.floor(room / 250)}.${room % 250}`);
        const response = await client.timeout(10_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId: `normal-${room++ % 5}`, name: 'Normal', media });
        if (!response.ok) throw new Error(`normal join refused: ${response.error.code}`);
        await client.timeout(10_000).emitWithAck('leave', {});
        client.disconnect();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, MEASURE_EVERY_MS));
  }
  return { page, asset, join };
}

async function phase(name: string, env: Record<string, string>, anchor?: Awaited<ReturnType<typeof measure>>) {
  const port = 3300 + Math.floor(Math.random() * 500);
  const server: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('../main.js', import.meta.url))], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'error', TRUST_PROXY: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://localhost:${port}`;
  await new Promise<void>((resolve) => server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('running at') && resolve()));
  const html = await (await fetch(`${url}/`)).text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (!script) throw new Error('no built web client: run the build first');
  let outcomes: Record<string, number> = {};
  let flooder: ChildProcess | undefined;
  if (name !== 'idle') {
    flooder = fork(fileURLToPath(import.meta.url), ['flood', url]);
    flooder.once('message', (message) => (outcomes = message as Record<string, number>));
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the flood build up
  }
  const result = await measure(url, script, FLOOD_MS - 400);
  if (flooder) await new Promise((resolve) => flooder.once('exit', resolve));
  server.kill('SIGKILL');
  const line = (label: string, values: number[], base?: number[]) =>
    `  ${label.padEnd(11)} p50 ${percentile(values, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(values, 99).toFixed(1).padStart(6)} ms` +
    (base ? `  (p99 ${(percentile(values, 99) / percentile(base, 99)).toFixed(2)}x idle)` : '');
  console.log(`${name} (${result.join.length} samples)${name === 'idle' ? '' : `; flood outcomes ${JSON.stringify(outcomes)}`}`);
  console.log(line('index.html', result.page, anchor?.page));
  console.log(line('app script', result.asset, anchor?.asset));
  console.log(line('normal join', result.join, anchor?.join));
  return result;
}

if (process.argv[2] === 'flood') {
  await flood(process.argv[3]!);
} else {
  const lifted = { JOINS_PER_MINUTE_PER_ADDRESS: '1000000', NEW_ROOMS_PER_HOUR_PER_ADDRESS: '1000000' };
  const idle = await phase('idle', {});
  await phase('flood, default budgets', {}, idle);
  await phase('flood, budgets lifted (hash queue only)', lifted, idle);
}
