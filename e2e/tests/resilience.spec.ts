import { RedisProcess, ServerProcess } from './server-process.js';
import { TcpBalancer } from './tcp-balancer.js';
import {
  closeAll,
  connectedPeers,
  dropSignaling,
  expect,
  expectFullMesh,
  expectNoErrors,
  expectVideoFlowing,
  inbound,
  join,
  type Person,
  remoteIds,
  test,
  tileOf,
  uniqueRoom,
} from './support.js';

const participantIds = remoteIds;

/** Links this page closed so far: a resume keeps every one, a rejoin or a leave closes some. */
const closedLinks = (person: Person) => person.page.evaluate(() => window.__e2e.closedPcs);

/** Signaling connections the page has opened so far. */
const socketsOpened = (person: Person) => person.page.evaluate(() => window.__e2e.sockets.length);

/** Whether the page shows the call as joined (not joining, not reconnecting). */
const joined = (person: Person) => person.page.locator('main.call[aria-busy="false"]').count().then((n) => n === 1);

test('a dropped signaling connection resumes as the same participant: no leave, media untouched', async ({ browser }) => {
  const room = uniqueRoom('drop');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  await expectFullMesh(people);
  const [ada, bob, cy] = people as [Person, Person, Person];
  const idsBefore = await Promise.all(people.map(participantIds));

  await dropSignaling(bob);
  // Bob shows "Reconnecting…", then is back: as the same participant (the others' tiles keep his id).
  await expect(bob.page.getByRole('status').filter({ hasText: 'Reconnecting' })).toBeVisible();
  await expect.poll(() => joined(bob)).toBe(true);
  expect(await Promise.all(people.map(participantIds))).toEqual(idsBefore);
  for (const person of people) expect(await closedLinks(person), `${person.name} kept every link`).toBe(0);
  await expectVideoFlowing(ada, 'Bob');
  await expectVideoFlowing(bob, 'Cy');
  // After the resume, the pair can still negotiate: a camera off/on round trip is seen by the others.
  await bob.page.getByRole('button', { name: 'Mute', exact: true, pressed: false }).click();
  for (const other of [ada, cy]) await expect(tileOf(other, 'Bob').getByTestId('muted')).toBeVisible();
  expectNoErrors(people);
  await closeAll(people);
});

test('the signaling server is killed and restarted: media keeps flowing, the roster comes back, the call goes on', async ({ browser }) => {
  const server = new ServerProcess(3102);
  await server.start();
  const room = uniqueRoom('restart');
  const open = (name: string) => join(browser, room, name, server.url);
  const people = [await open('Ada'), await open('Bob'), await open('Cy')];
  try {
    await expectFullMesh(people);
    for (const person of people) for (const other of people) if (other !== person) await expectVideoFlowing(person, other.name);

    const before = await Promise.all(people.map(async (p) => Promise.all(people.filter((o) => o !== p).map((o) => inbound(p, o.name)))));
    const idsBefore = await Promise.all(people.map(participantIds));
    await server.kill();
    const killedAt = Date.now();
    for (const person of people) await expect(person.page.getByRole('status').filter({ hasText: 'Reconnecting' })).toBeVisible();
    // The outage: every pair keeps decoding new frames while the server is gone.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const duringOutage: number[] = [];
    for (const [i, person] of people.entries()) {
      const others = people.filter((o) => o !== person);
      for (const [j, other] of others.entries()) {
        const now = await inbound(person, other.name);
        duringOutage.push(now.framesDecoded - before[i]![j]!.framesDecoded);
        expect(now.framesDecoded, `${person.name} decoding ${other.name} during the outage`).toBeGreaterThan(before[i]![j]!.framesDecoded + 20);
      }
    }
    console.log(`frames decoded per pair during the outage (${Date.now() - killedAt} ms): ${duringOutage.join(', ')}`);
    await server.start();
    const restartedAt = Date.now();
    // The in-memory server forgot everyone: each client rejoins by itself and the mesh is rebuilt.
    // Observed as: joined again, and everyone else now has a new id.
    for (const [i, person] of people.entries()) {
      await expect
        .poll(async () => (await joined(person)) && (await participantIds(person)).filter((id) => !idsBefore[i]!.includes(id)).length === 2, {
          timeout: 15_000,
        })
        .toBe(true);
    }
    await expectFullMesh(people);
    const rosterBackMs = Date.now() - restartedAt;
    console.log(
      `server down for ${restartedAt - killedAt} ms; roster and full mesh back ${rosterBackMs} ms after restart ` +
        `(${Date.now() - killedAt} ms after the kill)`,
    );
    expect(rosterBackMs).toBeLessThan(15_000);
    for (const person of people) {
      expect(await connectedPeers(person)).toHaveLength(2);
      await expect(person.page.locator('figure.tile:not(.self)')).toHaveCount(2);
      // The two links of the old identities were closed and replaced.
      expect(await closedLinks(person)).toBe(2);
    }
    for (const person of people) for (const other of people) if (other !== person) await expectVideoFlowing(person, other.name);

    // The call can still negotiate: a fourth participant joins and everyone sees everyone.
    const dee = await open('Dee');
    people.push(dee);
    await expectFullMesh(people);
    await expectVideoFlowing(dee, 'Ada');
    await expectVideoFlowing(people[0]!, 'Dee');
    // Each link is sized to its receiver's tile: four people in a 960x600 window get tiles of about
    // 470 px, so every link sends Dee's 640 px camera scaled down (to at most 480 px wide).
    await expect
      .poll(() =>
        dee.page.evaluate(async () => {
          const links = window.__e2e.pcs.filter((pc) => pc.connectionState !== 'closed');
          const scales = links.map((pc) => pc.getTransceivers()[1]?.sender.getParameters().encodings?.[0]?.scaleResolutionDownBy ?? 1);
          const widths: number[] = [];
          for (const pc of links) {
            (await pc.getStats()).forEach((s: Record<string, unknown>) => {
              if (s.type === 'outbound-rtp' && s.kind === 'video' && typeof s.frameWidth === 'number') widths.push(s.frameWidth);
            });
          }
          return { links: scales.length, allScaledDown: scales.every((scale) => scale > 1), widthsWithinTiles: widths.length === 3 && widths.every((width) => width > 0 && width <= 480) };
        }),
      )
      .toEqual({ links: 3, allScaledDown: true, widthsWithinTiles: true });
    expectNoErrors(people, /ERR_CONNECTION_REFUSED/);
  } finally {
    await closeAll(people);
    await server.kill();
  }
});

test('two instances behind Redis: the instance two of three are on is killed, they resume on the other without a glitch', async ({ browser }) => {
  const redis = new RedisProcess(16_481);
  await redis.start();
  // People open the balancer's address: that is the public origin of both instances.
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: `e2e-${Date.now()}:`, PUBLIC_URL: 'http://localhost:3105' };
  const [first, second] = [new ServerProcess(3103, env), new ServerProcess(3104, env)];
  await Promise.all([first.start(), second.start()]);
  const balancer = new TcpBalancer(3105, [first.port, second.port]);
  await balancer.start();
  const room = uniqueRoom('redis');
  const people: Person[] = [];
  const open = async (name: string) => {
    const person = await join(browser, room, name, balancer.url);
    people.push(person);
    return person;
  };
  try {
    balancer.target = 0; // Ada and Bob on the first instance
    await open('Ada');
    await open('Bob');
    balancer.target = 1; // Cy on the second
    await open('Cy');
    await expectFullMesh(people);
    for (const person of people) for (const other of people) if (other !== person) await expectVideoFlowing(person, other.name);
    const ids = await Promise.all(people.map(participantIds));
    const before = await Promise.all(people.map(async (p) => Promise.all(people.filter((o) => o !== p).map((o) => inbound(p, o.name)))));

    const socketsBefore = await Promise.all(people.map(socketsOpened));
    await first.kill();
    const killedAt = Date.now();
    // Ada and Bob reconnect through the balancer to the second instance (a new WebSocket) and resume
    // as themselves (ids unchanged, every link kept: checked below).
    for (const [i, person] of people.slice(0, 2).entries()) {
      await expect.poll(async () => (await socketsOpened(person)) > socketsBefore[i]! && (await joined(person)), { timeout: 15_000 }).toBe(true);
    }
    console.log(`instance killed: both of its participants resumed on the other after ${Date.now() - killedAt} ms`);
    const decoded: number[] = [];
    for (const [i, person] of people.entries()) {
      expect(await closedLinks(person), `${person.name} saw nobody leave`).toBe(0);
      const others = people.filter((o) => o !== person);
      for (const [j, other] of others.entries()) {
        const now = await inbound(person, other.name);
        decoded.push(now.framesDecoded - before[i]![j]!.framesDecoded);
        expect(now.framesDecoded, `${person.name} kept decoding ${other.name}`).toBeGreaterThan(before[i]![j]!.framesDecoded);
      }
    }
    console.log(`frames decoded per pair from the kill until both resumed: ${decoded.join(', ')}`);
    expect(await Promise.all(people.map(participantIds))).toEqual(ids);
    for (const person of people) for (const other of people) if (other !== person) await expectVideoFlowing(person, other.name);

    // Negotiation still works across the surviving instance: a fourth person joins.
    await open('Dee');
    await expectFullMesh(people);
    await expectVideoFlowing(people[0]!, 'Dee');
    expectNoErrors(people, /ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE/);
  } finally {
    await closeAll(people);
    await balancer.stop();
    await Promise.all([first.kill(), second.kill()]);
    await redis.stop();
  }
});
