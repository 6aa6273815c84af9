import { createHmac } from 'node:crypto';
import { type Page } from '@playwright/test';
import { startCoturn } from './coturn.js';
import { ServerProcess } from './server-process.js';
import { closeAll, expect, expectFullMesh, expectNoErrors, expectVideoFlowing, join, type Person, remoteIds, test, uniqueRoom } from './support.js';

const TURN_PORT = 34_781;
const SECRET = 'e2e-turn-secret-0123456789abcdef';

/** Candidates a relay-only RTCPeerConnection gathers with the given TURN server (and the errors it reports). */
function gatherRelay(page: Page, server: RTCIceServer) {
  return page.evaluate(async (iceServer) => {
    const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' });
    const types: string[] = [];
    const errors: number[] = [];
    pc.addEventListener('icecandidate', ({ candidate }) => candidate?.type && types.push(candidate.type));
    pc.addEventListener('icecandidateerror', (event) => errors.push((event as RTCPeerConnectionIceErrorEvent).errorCode));
    pc.createDataChannel('probe');
    await pc.setLocalDescription();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    pc.close();
    return { types, errors };
  }, server);
}

test('a relay-only call through the real coturn with credentials from the app; expired and forged ones are refused', async ({ browser }) => {
  const coturn = await startCoturn(TURN_PORT, SECRET);
  const server = new ServerProcess(3106, {
    TURN_URLS: `turn:127.0.0.1:${TURN_PORT}?transport=udp`,
    TURN_SECRET: SECRET,
    ICE_TRANSPORT_POLICY: 'relay',
  });
  await server.start();
  const people: Person[] = [];
  try {
    const room = uniqueRoom('turn');
    people.push(await join(browser, room, 'Ada', server.url), await join(browser, room, 'Bob', server.url));
    await expectFullMesh(people);
    await expectVideoFlowing(people[0]!, 'Bob');
    await expectVideoFlowing(people[1]!, 'Ada');

    const [ada] = people as [Person];
    // Ada's server-assigned id, as Bob's page shows it on her tile.
    const [adaId] = await remoteIds(people[1]!);
    const path = await ada.page.evaluate(async () => {
      const pc = window.__e2e.pcOf('Bob')!;
      const stats = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(String(s.id), s));
      const transport = [...stats.values()].find((s) => s.type === 'transport');
      const pair = stats.get(String(transport?.selectedCandidatePairId));
      const config = pc.getConfiguration();
      return {
        local: stats.get(String(pair?.localCandidateId))?.candidateType,
        remote: stats.get(String(pair?.remoteCandidateId))?.candidateType,
        policy: config.iceTransportPolicy,
        turn: config.iceServers?.[0] as RTCIceServer,
      };
    });
    expect(path).toMatchObject({ local: 'relay', remote: 'relay', policy: 'relay' });
    // The credential is the app's: `<expiry>:<participant id>`, never the shared secret.
    expect(path.turn.username).toMatch(new RegExp(`^\\d+:${adaId}$`));
    expect(path.turn.credential).not.toBe(SECRET);

    const probe = await ada.context.newPage();
    await probe.goto(server.url);
    const valid = await gatherRelay(probe, path.turn);
    expect(valid.types).toContain('relay');
    const forged = await gatherRelay(probe, { ...path.turn, credential: Buffer.from('not the right hmac').toString('base64') });
    expect(forged.types).toEqual([]);
    expect(forged.errors).toContain(401);
    const expiredUser = `${Math.floor(Date.now() / 1000) - 60}:${adaId}`;
    const expired = await gatherRelay(probe, {
      urls: path.turn.urls,
      username: expiredUser,
      credential: createHmac('sha1', SECRET).update(expiredUser).digest('base64'),
    });
    expect(expired.types).toEqual([]);
    expect(expired.errors).toContain(401);
    console.log(`TURN: valid credential -> ${valid.types.join(',')}; forged -> errors ${forged.errors.join(',')}; expired -> errors ${expired.errors.join(',')}`);
    expectNoErrors(people);
  } finally {
    await closeAll(people);
    await server.kill();
    coturn.kill('SIGKILL');
  }
});
