// `npm test`: everything CI checks, on a fresh machine with only Node and npm (and root for apt-get).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pnpm, run, step } from './pnpm.mjs';

const started = Date.now();
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const timings = [];
const timed = (name, fn) => {
  const t0 = Date.now();
  fn();
  timings.push([name, Date.now() - t0]);
};

// Debian packages the tests drive for real: Chromium and Firefox ESR (e2e), redis-server (shared state across instances),
// coturn (TURN relay test) and docker-compose (offline validation of docker-compose.yml; no engine needed).
const SYSTEM_PACKAGES = [
  { binary: chromium, pkg: 'chromium' },
  { binary: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
  { binary: '/usr/bin/redis-server', pkg: 'redis-server' },
  { binary: '/usr/bin/turnserver', pkg: 'coturn' },
  { binary: '/usr/bin/docker-compose', pkg: 'docker-compose' },
];

timed('system packages', () => {
  const missing = SYSTEM_PACKAGES.filter(({ binary }) => !existsSync(binary)).map(({ pkg }) => pkg);
  if (missing.length === 0) return;
  step(`Installing Debian packages: ${missing.join(', ')}`);
  if (process.getuid?.() !== 0) {
    console.error(`Missing: ${missing.join(', ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
});

timed('docker-compose.yml validation', () => {
  step('Validating docker-compose.yml offline (no Docker engine needed)');
  const env = join(mkdtempSync(join(tmpdir(), 'meshmeet-')), '.env');
  writeFileSync(env, `${readFileSync(new URL('../.env.example', import.meta.url), 'utf8')}\nTURN_SECRET=validation-only-0123456789abcdef\n`);
  run('docker-compose', ['--env-file', env, '-f', 'docker-compose.yml', 'config', '-q']);
  console.log('docker-compose.yml is valid');
});

timed('install', () => {
  step('Installing dependencies');
  pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
});

timed('build, typecheck, lint, unit + integration tests', () => {
  step('Build, typecheck, lint, unit and integration tests');
  pnpm(['exec', 'turbo', 'run', 'build', 'typecheck', 'lint', 'test', '--concurrency=2', '--output-logs=new-only']);
});

timed('npm start as a supervisor sees it', () => {
  step('npm start: exit status when its server is killed, restart without reinstalling or rebuilding');
  run(process.execPath, ['--test', '--test-reporter=spec', 'scripts/start.test.mjs']);
});

timed('end-to-end tests (Playwright, Chromium + Firefox)', () => {
  step('End-to-end tests (Playwright: Chromium, and Firefox ESR in mixed calls)');
  pnpm(['exec', 'turbo', 'run', 'e2e', '--output-logs=full']);
});

console.log('\n✓ All tests passed');
for (const [name, ms] of timings) console.log(`  ${name.padEnd(52)} ${(ms / 1000).toFixed(1)} s`);
console.log(`  ${'total'.padEnd(52)} ${((Date.now() - started) / 1000).toFixed(1)} s`);
