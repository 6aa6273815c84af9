// `npm test`: everything CI checks, on a fresh machine with only Node and npm (and root for apt-get).
import { existsSync } from 'node:fs';
import { pnpm, run, step } from './pnpm.mjs';

const started = Date.now();
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const timings = [];
const timed = (name, fn) => {
  const t0 = Date.now();
  fn();
  timings.push([name, Date.now() - t0]);
};

timed('system packages', () => {
  if (existsSync(chromium)) return;
  step(`Installing Debian's chromium (needed by the end-to-end tests)`);
  if (process.getuid?.() !== 0) {
    console.error(`Chromium is missing at ${chromium}. Install it with: sudo apt-get install -y chromium`);
    process.exit(1);
  }
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
});

timed('install', () => {
  step('Installing dependencies');
  pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
});

timed('build, typecheck, lint, unit + integration tests', () => {
  step('Build, typecheck, lint, unit and integration tests');
  pnpm(['exec', 'turbo', 'run', 'build', 'typecheck', 'lint', 'test', '--concurrency=2', '--output-logs=new-only']);
});

timed('end-to-end tests (Playwright, Chromium)', () => {
  step('End-to-end tests (Playwright, Chromium)');
  pnpm(['exec', 'turbo', 'run', 'e2e', '--output-logs=full']);
});

console.log('\n✓ All tests passed');
for (const [name, ms] of timings) console.log(`  ${name.padEnd(52)} ${(ms / 1000).toFixed(1)} s`);
console.log(`  ${'total'.padEnd(52)} ${((Date.now() - started) / 1000).toFixed(1)} s`);
