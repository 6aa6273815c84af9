#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { Bot, type BotMode } from './bot.js';

const USAGE = `Usage: meshmeet-bot <room link> [--count N] [--mode pattern|echo|listen] [--name NAME] [--duration SECONDS] [--loopback]

Puts test participants into a meshmeet call (or load-tests a deployment): each joins the room link,
sends a moving test pattern and a tone (pattern), sends each person their own camera and microphone
back (echo), or only listens (listen); receives everyone; leaves cleanly on Ctrl+C or after --duration.
  --count N        how many bots (default 1; at most 16)
  --loopback       also gather 127.0.0.1 (a server and browsers on this machine only)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'pattern' },
    name: { type: 'string', default: 'Bot' },
    duration: { type: 'string' },
    loopback: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const fail = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
};

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const link = positionals[0] ?? fail('A room link is needed.');
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > 16) fail('--count must be a whole number from 1 to 16.');
const mode = values.mode as BotMode;
if (!['pattern', 'echo', 'listen'].includes(mode)) fail('--mode must be pattern, echo or listen.');
const duration = values.duration === undefined ? undefined : Number(values.duration);
if (duration !== undefined && !(duration > 0)) fail('--duration must be a number of seconds.');

const bots = Array.from({ length: count }, (_, i) => new Bot({ link, mode, name: count === 1 ? values.name : `${values.name} ${i + 1}`, hostAddresses: values.loopback ? ['127.0.0.1'] : [] }));

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const bot of bots) console.log(`${bot.id ?? '(not joined)'} received: ${JSON.stringify(bot.receivedFrom())}`);
  await Promise.all(bots.map((bot) => bot.leave()));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  // One after another: each newcomer offers to everyone already in, as the protocol says.
  for (const bot of bots) await bot.join();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  await stop(1);
}
if (duration !== undefined) setTimeout(() => void stop(0), duration * 1_000);
