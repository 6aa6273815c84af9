// `npm start`: install, build, and run the single process that serves the app on http://localhost:3000.
import { spawn } from 'node:child_process';
import { pnpm, step } from './pnpm.mjs';

step('Installing dependencies');
pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
step('Building the web client and the signaling server');
pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
step('Starting meshmeet (in-memory rooms; Ctrl+C to stop)');
const server = spawn(process.execPath, ['apps/signaling/dist/main.js'], {
  cwd: new URL('..', import.meta.url),
  stdio: 'inherit',
  env: process.env,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
