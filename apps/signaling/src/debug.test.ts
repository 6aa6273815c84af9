import { it } from 'vitest';
import { PROTOCOL_VERSION } from '@meshmeet/protocol';
import { RoomStore } from './rooms/room-store.js';
import { startRedis } from './test-support/processes.js';
import { RawClient } from './test-support/raw-client.js';
import { SignalingHarness, sleep, invariantViolations } from './test-support/signaling-harness.js';
it('debug', async () => {
  const redis = await startRedis(19_555);
  const config = { redisUrl: redis.url, redisPrefix: `dbg${Date.now()}:`, resumeGraceMs: 50 };
  const a = await SignalingHarness.start(config); const b = await SignalingHarness.start(config);
  let bad = 0;
  for (let i = 0; i < 30; i++) {
    const s1 = await RawClient.open(b.url);
    const r = (await s1.emit('join', { protocol: PROTOCOL_VERSION, roomId: 'x' + i, name: 'A', media: { audio: true, video: true } })) as any;
    const s3 = await RawClient.open(a.url);
    s3.emitAndDrop(['resume', { protocol: PROTOCOL_VERSION, token: r.resumeToken }]);
    await sleep(50);
    await a.signaling.settled(); await b.signaling.settled();
    const v = await invariantViolations([a, b]);
    if (v.length) { bad++; console.log(i, v, JSON.stringify(await a.app.get(RoomStore).records()), 'b sockets', [...b.adapter.io!.of('/').sockets.keys()], 'a sockets', [...a.adapter.io!.of('/').sockets.keys()]); }
    s1.close();
  }
  console.log('bad', bad);
  await a.stop(); await b.stop(); await redis.stop();
});
