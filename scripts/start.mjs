// `npm start`: install, build, and run the single process that serves the app on http://localhost:3000.
// Install and build are skipped when their inputs have not changed since the last start, so a restart
// of a built checkout listens again within a few seconds.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pnpm, step } from './pnpm.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(root, 'node_modules', '.meshmeet-start.json');
const SKIP = new Set(['node_modules', 'dist', '.turbo', '.git', 'test-results', 'playwright-report']);

/** `path` and every file under it (not dependencies or outputs), as "path size mtime" lines. */
function listing(path) {
  if (!existsSync(path)) return [];
  const stats = statSync(path);
  if (!stats.isDirectory()) return [`${relative(root, path)} ${stats.size} ${stats.mtimeMs}`];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => (SKIP.has(entry.name) ? [] : listing(join(path, entry.name))));
}

const fingerprint = (lines) => createHash('sha256').update(lines.sort().join('\n')).digest('hex');
const workspaces = ['packages/protocol', 'apps/signaling', 'apps/web'].map((dir) => join(root, dir));
const manifests = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', ...workspaces.map((dir) => relative(root, join(dir, 'package.json')))];
const installInputs = fingerprint(manifests.map((file) => `${file} ${readFileSync(join(root, file), 'utf8')}`));
const buildInputs = fingerprint([...workspaces.flatMap(listing), ...listing(join(root, 'tsconfig.base.json'))]);
const built = ['apps/signaling/dist/main.js', 'apps/web/dist/index.html', 'packages/protocol/dist/index.js'].every((file) => existsSync(join(root, file)));

let stamp = {};
try {
  stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
} catch {
  // first start
}

if (stamp.install === installInputs && existsSync(join(root, 'node_modules'))) {
  step('Dependencies unchanged since the last start: not reinstalling');
} else {
  step('Installing dependencies');
  pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
}
if (stamp.install === installInputs && stamp.build === buildInputs && built) {
  step('Sources unchanged since the last build: not rebuilding');
} else {
  step('Building the web client and the signaling server');
  pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
}
writeFileSync(STAMP, JSON.stringify({ install: installInputs, build: buildInputs }));

step('Starting meshmeet (in-memory rooms; Ctrl+C to stop)');
const server = spawn(process.execPath, ['apps/signaling/dist/main.js'], { cwd: root, stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
// A server killed by a signal is a failure to a supervisor: exit as a shell would, 128 + its number.
server.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
