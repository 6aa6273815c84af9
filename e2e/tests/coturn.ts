import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROJECT_CONFIG = fileURLToPath(new URL('../../deploy/coturn/turnserver.conf', import.meta.url));

/**
 * The real coturn with the project's config. Test-only overrides: listen and relay on loopback and
 * allow the loopback peer (the project config denies loopback and private peers).
 */
export async function startCoturn(port: number, secret: string): Promise<ChildProcess> {
  const child = spawn(
    'turnserver',
    [
      '-c', PROJECT_CONFIG,
      `--static-auth-secret=${secret}`,
      '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
      '--allow-loopback-peers', '--allowed-peer-ip=127.0.0.1',
      '--no-tls', '--no-dtls', `--db=/tmp/meshmeet-e2e-turndb-${port}.sqlite`, `--pidfile=/tmp/meshmeet-e2e-turn-${port}.pid`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!/Total auth threads|IO method/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`turnserver did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  return child;
}
