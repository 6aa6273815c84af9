// Tests of `npm start` (scripts/start.mjs) as a supervisor sees it: run with `node --test scripts/`.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Starts `node scripts/start.mjs` and resolves once the server prints its address. */
function start() {
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no server within 240 s:\n${output}`)), 240_000);
    const onData = (chunk) => {
      output += chunk.toString();
      if (/running at http/.test(output)) {
        clearTimeout(timer);
        resolve(Date.now() - startedAt);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`npm start exited before listening:\n${output}`)));
  });
  return { child, exited, listening, output: () => output };
}

const serverPid = (parentPid) => Number(execFileSync('pgrep', ['-P', String(parentPid), '-f', 'dist/main.js']).toString().trim().split('\n')[0]);

test('npm start exits with 128 + the signal when its server is killed, and restarts without reinstalling or rebuilding', { timeout: 300_000 }, async () => {
  const first = start();
  await first.listening;
  process.kill(serverPid(first.child.pid), 'SIGKILL');
  assert.deepEqual(await first.exited, { code: 137, signal: null });

  const second = start();
  const restartMs = await second.listening;
  assert.match(second.output(), /Dependencies unchanged since the last start: not reinstalling/);
  assert.match(second.output(), /Sources unchanged since the last build: not rebuilding/);
  console.log(`npm start of a built checkout listened after ${restartMs} ms`);
  // A supervisor's SIGTERM: the server shuts down gracefully, and the exit status says which signal.
  second.child.kill('SIGTERM');
  const { code } = await second.exited;
  assert.ok(code === 0 || code === 143, `exit code ${code}`);
});
