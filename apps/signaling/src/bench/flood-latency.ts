/**
 * Benchmark: relay latency of a quiet "probe" room, without and with a flood from other rooms.
 *   pnpm --filter @meshmeet/signaling bench:flood
 * The server runs as its own process (the built dist/main.js, production rate limits); flooders run
 * in child processes so their sending does not share the probe's event loop. Everything is on
 * loopback and bounded: fixed probe count, flood limited in time and messages.
 */
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@meshmeet/protocol';
import { io, type Socket } from 'socket.io-client';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

// A busy but legitimate sender: within the candidate bucket (400 burst + 50/s).
const PROBES = 500;
const PROBE_INTERVAL_MS = 10;
const FLOODERS = 2;
const SOCKETS_PER_FLOODER = 10;
const FLOOD_MAX_MS = 15_000;
const FLOOD_MAX_MESSAGES = 2_000_000;

const candidate = (mid: string) => ({ candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: mid, sdpMLineIndex: 0 });

async function connect(url: string): Promise<Client> {
  const client: Client = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: url } });
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('connect_error', reject));
  return client;
}

async function joinAs(url: string, roomId: string): Promise<{ client: Client; id: string }> {
  const client = await connect(url);
  const response = await client.timeout(5_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId, name: 'bench', media: { mic: true, camera: true, screen: false } });
  if (!response.ok) throw new Error(response.error.code);
  return { client, id: response.self.id };
}

/** Child process: pairs of sockets in their own room, each sending candidates as fast as it can. */
async function flooder(url: string, index: number): Promise<void> {
  const deadline = Date.now() + FLOOD_MAX_MS;
  let sent = 0;
  let rejoins = 0;
  let stop = false;
  process.on('message', () => (stop = true));
  const pairs = await Promise.all(
    Array.from({ length: SOCKETS_PER_FLOODER / 2 }, async (_, i) => {
      const room = `flood-${index}-${i}`;
      return [await joinAs(url, room), await joinAs(url, room)] as const;
    }),
  );
  const senders = pairs.map(([a, b]) => ({ socket: a.client, to: b.id, room: `flood-${index}` }));
  while (!stop && Date.now() < deadline && sent < FLOOD_MAX_MESSAGES) {
    for (const sender of senders) {
      if (sender.socket.connected) {
        for (let k = 0; k < 50; k++) (sender.socket.emit as (e: string, p: unknown) => void)('candidate', { to: sender.to, candidate: candidate('0') });
        sent += 50;
      } else {
        // Disconnected for abuse: come back and continue, as a determined attacker would.
        const room = `${sender.room}-again-${rejoins++}`;
        const [a, b] = [await joinAs(url, room), await joinAs(url, room)];
        sender.socket = a.client;
        sender.to = b.id;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  process.send?.({ sent });
  process.exit(0);
}

async function probe(url: string, label: string): Promise<number[]> {
  const a = await joinAs(url, `probe-${label}`);
  const b = await joinAs(url, `probe-${label}`);
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  b.client.on('candidate', ({ candidate: c }) => {
    const at = sentAt.get(c.sdpMid ?? '');
    if (at !== undefined) latencies.push(performance.now() - at);
  });
  for (let i = 0; i < PROBES; i++) {
    sentAt.set(String(i), performance.now());
    a.client.emit('candidate', { to: b.id, candidate: candidate(String(i)) });
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
  const deadline = Date.now() + 5_000;
  while (latencies.length < PROBES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  a.client.disconnect();
  b.client.disconnect();
  if (latencies.length < PROBES) console.log(`  ${label}: only ${latencies.length}/${PROBES} probe messages arrived`);
  return latencies;
}

function summary(values: number[]) {
  const sorted = [...values].sort((x, y) => x - y);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? NaN, delivered: values.length };
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, [fileURLToPath(new URL('../main.js', import.meta.url))], {
    // Test mode: production's rate limits, without its PUBLIC_URL and metrics requirements; all sockets come from 127.0.0.1.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', WEB_DIST: '', LOG_LEVEL: 'error', MAX_CONNECTIONS_PER_IP: '10000', JOINS_PER_MINUTE_PER_ADDRESS: '1000000', NEW_ROOMS_PER_HOUR_PER_ADDRESS: '1000000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'));
    });
  });
  try {
    const quiet = summary(await probe(url, 'quiet'));
    const children = Array.from({ length: FLOODERS }, (_, i) => fork(fileURLToPath(import.meta.url), ['flooder', url, String(i)]));
    const floodSent = children.map((child) => new Promise<number>((resolve) => child.once('message', (m: { sent: number }) => resolve(m.sent))));
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the flood build up
    const flooded = summary(await probe(url, 'flooded'));
    for (const child of children) if (child.connected) child.send('stop');
    const sent = (await Promise.all(floodSent)).reduce((a, b) => a + b, 0);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const limited = /meshmeet_rate_limit_hits_total\{kind="candidate"\} (\d+)/.exec(metrics)?.[1] ?? '0';
    const dropped = /meshmeet_connections_dropped_total\{reason="rate_limit"\} (\d+)/.exec(metrics)?.[1] ?? '0';
    const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
    console.log(`probe room: ${PROBES} candidates, one every ${PROBE_INTERVAL_MS} ms`);
    console.log(`  without flood: p50 ${fmt(quiet.p50)}, p99 ${fmt(quiet.p99)}, max ${fmt(quiet.max)}, delivered ${quiet.delivered}/${PROBES}`);
    console.log(`  with flood:    p50 ${fmt(flooded.p50)}, p99 ${fmt(flooded.p99)}, max ${fmt(flooded.max)}, delivered ${flooded.delivered}/${PROBES}`);
    console.log(`  p99 ratio flooded/quiet: ${(flooded.p99 / quiet.p99).toFixed(2)}`);
    console.log(`flood: ${FLOODERS} processes x ${SOCKETS_PER_FLOODER} sockets sent ${sent} candidates; ${limited} refused as rate_limited, ${dropped} connections dropped for abuse`);
  } finally {
    server.kill('SIGTERM');
  }
}

if (process.argv[2] === 'flooder') void flooder(process.argv[3]!, Number(process.argv[4]));
else void main();
