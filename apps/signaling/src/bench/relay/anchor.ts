/**
 * The relay benchmark's anchors, each the least a server can do for the same job, started as their own
 * process: `node dist/bench/relay/anchor.js bare|zod|peerjs PORT [PING_INTERVAL_MS PING_TIMEOUT_MS]`.
 * Prints "ready" once listening. The socket.io anchors ping as socket.io does by default (every 25 s,
 * 20 s to answer) unless given a heartbeat: pings cost a server CPU whether messages flow or not.
 *
 * - bare: socket.io 4.8 (the version meshmeet runs) relaying `signal` to a socket id and `state` to the
 *   sender's room; no validation, no acks for relays.
 * - zod: the same, validating every message with zod schemas of the same shapes as meshmeet's.
 * - peerjs: the `peer` package's server (its own WebSocket protocol, no rooms).
 */
import { createServer } from 'node:http';
import { PeerServer } from 'peer';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';

const [kind, portText, pingIntervalText, pingTimeoutText] = process.argv.slice(2);
const port = Number(portText);
const heartbeat = pingIntervalText && pingTimeoutText ? { pingInterval: Number(pingIntervalText), pingTimeout: Number(pingTimeoutText) } : {};

const JoinSchema = z.strictObject({ room: z.string().min(1).max(64) });
const CandidateSchema = z.strictObject({
  candidate: z.string().max(1_024),
  sdpMid: z.string().max(32).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(255).nullable().optional(),
});
const DescriptionSchema = z.strictObject({ type: z.enum(['offer', 'answer']), sdp: z.string().min(1).max(50_000) });
const SignalSchema = z.strictObject({
  to: z.string().min(1).max(64),
  data: z.union([z.strictObject({ candidate: CandidateSchema }), z.strictObject({ description: DescriptionSchema })]),
});
const StateSchema = z.strictObject({ data: z.strictObject({ media: z.strictObject({ mic: z.boolean(), camera: z.boolean(), screen: z.boolean() }) }) });

function socketIoAnchor(validate: boolean): void {
  const http = createServer();
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024, ...heartbeat });
  const parse = <T>(schema: z.ZodType<T>, payload: unknown): T | undefined => {
    if (!validate) return payload as T;
    const result = schema.safeParse(payload);
    return result.success ? result.data : undefined;
  };
  io.on('connection', (socket: Socket) => {
    let room: string | undefined;
    socket.on('join', (payload: unknown, ack: unknown) => {
      const request = parse(JoinSchema, payload);
      if (!request || typeof ack !== 'function') return;
      room = request.room;
      void socket.join(room);
      ack({ id: socket.id });
    });
    socket.on('signal', (payload: unknown) => {
      const message = parse(SignalSchema, payload);
      // Confined to the room: the target must be a socket in the sender's room.
      if (!message || !room || !io.sockets.adapter.rooms.get(room)?.has(message.to)) return;
      io.to(message.to).emit('signal', { from: socket.id, data: message.data });
    });
    socket.on('state', (payload: unknown) => {
      const message = parse(StateSchema, payload);
      if (message && room) socket.to(room).emit('state', { from: socket.id, data: message.data });
    });
  });
  http.listen(port, '127.0.0.1', () => console.log('ready'));
}

if (kind === 'bare') socketIoAnchor(false);
else if (kind === 'zod') socketIoAnchor(true);
else if (kind === 'peerjs') PeerServer({ port, host: '127.0.0.1', path: '/', concurrent_limit: 100_000 }, () => console.log('ready'));
else {
  console.error('usage: anchor.js bare|zod|peerjs PORT [PING_INTERVAL_MS PING_TIMEOUT_MS]');
  process.exit(2);
}
