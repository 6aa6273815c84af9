import { spawn } from 'node:child_process';
import { Bot } from '@meshmeet/bot';
import { BASE_URL } from '../playwright.config.js';
import { closeAll, connectedPeers, expect, expectAudioFlowing, expectNoErrors, expectVideoFlowing, inbound, join, type Person, test, tileOf, uniqueRoom } from './support.js';

const botCli = new URL('../../tools/bot/dist/cli.js', import.meta.url).pathname;

test('two Chromium people and werift reference bots in one call: the bots offer and answer, everyone decodes everyone, echo returns your own picture, bots leave cleanly', async ({ browser }) => {
  const room = uniqueRoom('bot');
  const link = `${BASE_URL}/r/${room}`;
  const ada = await join(browser, room, 'Ada');
  // The pattern bot joins after Ada (it makes the first offer), the echo bot before Bob (it answers his).
  const pattern = new Bot({ link, name: 'Pattern', mode: 'pattern', hostAddresses: ['127.0.0.1'], log: () => {} });
  await pattern.join();
  const echo = new Bot({ link, name: 'Echo', mode: 'echo', hostAddresses: ['127.0.0.1'], log: () => {} });
  await echo.join();
  const bob = await join(browser, room, 'Bob');
  const people: Person[] = [ada, bob];
  for (const person of people) {
    await expect.poll(() => connectedPeers(person), { timeout: 20_000 }).toEqual(['Echo', 'Pattern', person === ada ? 'Bob' : 'Ada'].sort());
  }

  // Both browsers decode the bot's test pattern and hear its tone.
  for (const person of people) {
    await expectVideoFlowing(person, 'Pattern');
    await expectAudioFlowing(person, 'Pattern');
  }
  // The bots receive both browsers' cameras and microphones.
  for (const bot of [pattern, echo]) {
    for (const name of ['Ada', 'Bob']) {
      await expect.poll(() => bot.receivedFrom()[name]?.camera.frames ?? 0, { message: `${bot.id} gets ${name}'s camera`, timeout: 15_000 }).toBeGreaterThan(20);
      await expect.poll(() => bot.receivedFrom()[name]?.mic.packets ?? 0, { message: `${bot.id} gets ${name}'s microphone`, timeout: 15_000 }).toBeGreaterThan(20);
    }
  }
  // Echo: each browser decodes its own camera coming back from the echo bot.
  for (const person of people) await expectVideoFlowing(person, 'Echo');
  // The data channel works with a non-browser peer too: pings are answered (a chat reaches the bot).
  for (const bot of [pattern, echo]) for (const peer of bot.peers.values()) await expect.poll(() => peer.dataChannelOpen, { timeout: 10_000 }).toBe(true);
  expect([...pattern.problems, ...echo.problems]).toEqual([]);

  // Leaving is clean: the tiles go at once (a leave, not a dropped connection).
  await pattern.leave();
  await echo.leave();
  for (const person of people) {
    await expect(tileOf(person, 'Pattern')).toHaveCount(0, { timeout: 3_000 });
    await expect(tileOf(person, 'Echo')).toHaveCount(0, { timeout: 3_000 });
  }
  expectNoErrors(people);
  await closeAll(people);
});

test('the bot command puts listeners into a call from a room link, and they leave when it ends', async ({ browser }) => {
  const room = uniqueRoom('botcli');
  const ada = await join(browser, room, 'Ada');
  const run = spawn(process.execPath, [botCli, `${BASE_URL}/r/${room}`, '--count', '2', '--mode', 'listen', '--name', 'Listener', '--duration', '12', '--loopback'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => run.on('exit', resolve));
  try {
    for (const name of ['Listener 1', 'Listener 2']) {
      await expect(tileOf(ada, name).getByTestId('listening')).toBeVisible({ timeout: 15_000 });
      await expect.poll(() => connectedPeers(ada), { timeout: 20_000 }).toContain(name);
    }
    // Listeners send nothing.
    expect((await inbound(ada, 'Listener 1')).framesDecoded).toBe(0);
    expect(await exited, output).toBe(0);
    for (const name of ['Listener 1', 'Listener 2']) await expect(tileOf(ada, name)).toHaveCount(0, { timeout: 3_000 });
    // Each listener received Ada's camera and microphone.
    expect(output).toMatch(/"Ada":\{"mic":\{"packets":[1-9]\d*/);
    expect(output).toMatch(/"camera":\{"packets":[1-9]\d*,"frames":[1-9]\d*/);
  } finally {
    run.kill('SIGKILL');
  }
  expectNoErrors([ada]);
  await closeAll([ada]);
});
