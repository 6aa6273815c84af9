// Runs the pnpm version pinned in package.json's `packageManager`, bootstrapped with npx, so a
// machine with only Node and npm can build and test the project.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const { packageManager } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
export const PNPM_SPEC = packageManager.split('+')[0];

/** Runs a command in the repository root with inherited output; exits the process when it fails. */
export function run(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', ...options.env },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`\n✗ ${[command, ...args].join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  return Date.now() - started;
}

export function pnpm(args, options) {
  return run('npx', ['--yes', PNPM_SPEC, ...args], options);
}

export function step(title) {
  console.log(`\n▶ ${title}`);
}
