import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@meshmeet/protocol';
import { io, type Socket } from 'socket.io-client';
import { BASE_URL } from '../playwright.config.js';
import { clickJoin, closeAll, expect, openLobby, test, uniqueRoom, waitJoined } from './support.js';

test('the ninth person is told the room is full', async ({ browser }) => {
  const room = uniqueRoom();
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  // Eight lightweight participants (plain socket.io clients) fill the room without eight browsers.
  for (let i = 0; i < 8; i++) {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(BASE_URL, {
      transports: ['websocket'],
      reconnection: false,
      // A non-browser client sends the app's Origin like a browser on its page would.
      extraHeaders: { origin: BASE_URL },
    });
    sockets.push(socket);
    const response = await socket.timeout(5_000).emitWithAck('join', {
      protocol: PROTOCOL_VERSION,
      roomId: room,
      name: `Seat ${i + 1}`,
      media: { mic: false, camera: false, screen: false },
    });
    expect(response.ok).toBe(true);
  }
  const ninth = await openLobby(browser, room, 'Ninth');
  await clickJoin(ninth);
  await expect(ninth.page.getByRole('alert')).toHaveText('This room is full: 8 people are in it, the most a call here can have.');
  await expect(ninth.page.getByRole('button', { name: 'Start a new room' })).toBeVisible();
  await expect(ninth.page.getByRole('button', { name: 'Join' })).toBeEnabled();

  // When a seat frees up (an explicit leave; a dropped connection keeps its seat during the resume
  // grace period), the same person can join.
  const leaving = sockets.pop()!;
  await leaving.timeout(5_000).emitWithAck('leave', {});
  leaving.disconnect();
  await clickJoin(ninth);
  await waitJoined(ninth);
  for (const socket of sockets) socket.disconnect();
  await closeAll([ninth]);
});
