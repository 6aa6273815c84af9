import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The built server (turbo builds it before `test`).
export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a command with a clean environment plus `env`, collecting its output. */
export function startProcess(command: string, args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

export function startServer(env: Record<string, string>, main = MAIN): Started {
  return startProcess(process.execPath, [main], { HOST: '127.0.0.1', PORT: '0', WEB_DIST: '', LOG_FORMAT: 'json', ...env });
}

/** What a production server needs besides the defaults (its public address, a protected /metrics). */
export const PRODUCTION_ENV = { NODE_ENV: 'production', PUBLIC_URL: 'http://localhost:3000', METRICS_TOKEN: 'test-metrics-token-0123456789' };

/** socket.io-client options for a client of a production server started with PRODUCTION_ENV (its Origin). */
export const clientOptions = () => ({
  transports: ['websocket'],
  reconnection: false,
  forceNew: true,
  extraHeaders: { origin: PRODUCTION_ENV.PUBLIC_URL },
});

export async function listeningUrl(server: Started): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const match = /running at (http:\/\/\S+)/.exec(server.output());
    if (match?.[1]) return match[1].replace('localhost', '127.0.0.1');
    if (server.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server did not start:\n${server.output()}`);
}

/** A throwaway redis-server on a loopback port (Debian's redis-server; installed by `npm test`). */
export async function startRedis(port: number): Promise<{ url: string; stop: () => Promise<void>; freeze: () => void; thaw: () => void }> {
  const redis = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const deadline = Date.now() + 10_000;
  while (!/Ready to accept connections/.test(redis.output())) {
    if (Date.now() > deadline || redis.child.exitCode !== null) throw new Error(`redis-server did not start:\n${redis.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    // A wedged Redis: the process stops, its connections stay open and answer nothing.
    freeze: () => redis.child.kill('SIGSTOP'),
    thaw: () => redis.child.kill('SIGCONT'),
    stop: async () => {
      redis.child.kill('SIGCONT');
      redis.child.kill('SIGKILL');
      await redis.exited;
    },
  };
}
