import { expect, test } from '@playwright/test';
import { ServerProcess } from './server-process.js';
import {
  closeAll,
  connectedPeers,
  expectFullMesh,
  expectNoErrors,
  expectVideoFlowing,
  inbound,
  join,
  tileOf,
  uniqueRoom,
  type Person,
} from './support.js';

const participantIds = (person: Person) =>
  person.page.evaluate(() => [...window.__meshmeet!.call.participants.keys()].sort());

const counters = (person: Person) =>
  person.page.evaluate(() => {
    const call = window.__meshmeet!.call;
    return { resumes: call.resumes, rejoins: call.rejoins, removals: call.removals, status: call.status };
  });

test('a dropped signaling connection resumes as the same participant: no leave, media untouched', async ({ browser }) => {
  const room = uniqueRoom('drop');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  await expectFullMesh(people);
  const [ada, bob, cy] = people as [Person, Person, Person];
  const bobId = await bob.page.evaluate(() => window.__meshmeet!.call.selfId);
  const idsBefore = await Promise.all(people.map(participantIds));
  const pcsBefore = await ada.page.evaluate(() => [...window.__meshmeet!.call.participants.values()].map((p) => p.link.pc));
  await ada.page.evaluate((pcs) => ((window as unknown as { pcsBefore: unknown }).pcsBefore = pcs), pcsBefore);

  await bob.page.evaluate(() => window.__meshmeet!.call.signaling.simulateNetworkDrop());
  await expect.poll(() => counters(bob)).toMatchObject({ resumes: 1, rejoins: 0, status: 'joined' });

  expect(await bob.page.evaluate(() => window.__meshmeet!.call.selfId)).toBe(bobId);
  expect(await Promise.all(people.map(participantIds))).toEqual(idsBefore);
  for (const person of people) expect((await counters(person)).removals).toBe(0);
  await expectVideoFlowing(ada, 'Bob');
  await expectVideoFlowing(bob, 'Cy');
  // After the resume, the pair can still negotiate: a camera off/on round trip is seen by the others.
  await bob.page.getByRole('button', { name: 'Mute microphone' }).click();
  for (const other of [ada, cy]) await expect(tileOf(other, 'Bob').getByTestId('muted')).toBeVisible();
  expectNoErrors(people);
  await closeAll(people);
});

test('the signaling server is killed and restarted: media keeps flowing, the roster comes back, the call goes on', async ({ browser }) => {
  const server = new ServerProcess(3102);
  await server.start();
  const room = uniqueRoom('restart');
  const open = async (name: string) => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`/r/${room}`);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => page.evaluate(() => window.__meshmeet?.call.status)).toBe('joined');
    return { name, context, page, errors } satisfies Person;
  };
  const people = [await open('Ada'), await open('Bob'), await open('Cy')];
  try {
    await expectFullMesh(people);
    for (const person of people) for (const other of people) if (other !== person) await expectVideoFlowing(person, other.name);

    const before = await Promise.all(people.map(async (p) => Promise.all(people.filter((o) => o !== p).map((o) => inbound(p, o.name)))));
    await server.kill();
    const killedAt = Date.now();
    for (const person of people) await expect(person.page.getByRole('status').filter({ hasText: 'Reconnecting' })).toBeVisible();
    // The outage: every pair keeps decoding new frames while the server is gone.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (const [i, person] of people.entries()) {
      const others = people.filter((o) => o !== person);
      for (const [j, other] of others.entries()) {
        const now = await inbound(person, other.name);
        expect(now.framesDecoded, `${person.name} decoding ${other.name} during the outage`).toBeGreaterThan(before[i]![j]!.framesDecoded + 20);
      }
    }
    await server.start();
    const restartedAt = Date.now();
    // The in-memory server forgot everyone: each client rejoins by itself and the mesh is rebuilt.
    for (const person of people) {
      await expect.poll(() => counters(person), { timeout: 15_000 }).toMatchObject({ rejoins: 1, status: 'joined' });
    }
    await expectFullMesh(people);
    const rosterBackMs = Date.now() - restartedAt;
    console.log(`server down for ${restartedAt - killedAt} ms; roster and full mesh back ${rosterBackMs} ms after restart`);
    expect(rosterBackMs).toBeLessThan(15_000);
    for (const person of people) {
      expect(await connectedPeers(person)).toHaveLength(2);
      await expect(person.page.locator('figure.tile:not(.self)')).toHaveCount(2);
      expect(await counters(person)).toMatchObject({ rejoins: 1, removals: 2 });
    }
    for (const person of people) for (const other of people) if (other !== person) await expectVideoFlowing(person, other.name);

    // The call can still negotiate: a fourth participant joins and everyone sees everyone.
    const dee = await open('Dee');
    people.push(dee);
    await expectFullMesh(people);
    await expectVideoFlowing(dee, 'Ada');
    await expectVideoFlowing(people[0]!, 'Dee');
    expectNoErrors(people, /ERR_CONNECTION_REFUSED/);
  } finally {
    await closeAll(people);
    await server.kill();
  }
});
