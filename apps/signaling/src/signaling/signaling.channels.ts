import type { ClientToServerEvents, ServerToClientEvents } from '@meshmeet/protocol';
import type { Server, Socket } from 'socket.io';
import type { ConnectionRateLimiter } from '../limits/rate-limit.js';

/** What the server remembers about a connection, in one small object. Set only by the server, never from client input. */
export interface SocketSession {
  participantId?: string;
  roomId?: string;
  /** The participant joined to listen only: it may not turn a source on. */
  receiveOnly?: boolean;
  /** The client's address (as trusted proxies report it, IPv6 per /64), read once at connection. */
  address?: string;
  /** The connection's token buckets; gone once it is being dropped for ignoring them. */
  limiter?: ConnectionRateLimiter;
  /** Relays of this connection waiting for a room lookup; later relays queue behind them, in order. */
  relaysWaiting?: { count: number; last: Promise<void> };
}

export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketSession>;
export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketSession>;

/** socket.io room names. Prefixed so a room id can never collide with a participant or socket id. */
export const roomChannel = (roomId: string) => `room:${roomId}`;
/**
 * The channel of one participant in one room: only the connection holding that participant joins it,
 * so a relay addressed through the sender's room cannot reach anyone outside that room.
 */
export const participantChannel = (roomId: string, participantId: string) => `participant:${roomId}:${participantId}`;
