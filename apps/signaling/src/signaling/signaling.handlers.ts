import { Inject, Injectable } from '@nestjs/common';
import {
  CLIENT_EVENTS,
  PROTOCOL_VERSION,
  type ClientEventName,
  type ClientPayload,
  type ClientRequestName,
  type ErrorCode,
  type ServerPayload,
} from '@meshmeet/protocol';
import { PacketType } from 'socket.io-parser';
import type { Logger } from 'pino';
import { ProtocolError } from '../common/protocol.error.js';
import { LOGGER } from '../logging/logging.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RoomStore } from '../rooms/room-store.js';
import { replyWithError } from './error-reply.js';
import { participantChannel, roomChannel, type SignalingServer, type SignalingSocket } from './signaling.channels.js';
import { SignalingService } from './signaling.service.js';

/** Participants whose room this instance remembers (ids are never reused, so an entry never goes stale). */
const MAX_KNOWN_PARTICIPANTS = 50_000;

type Listener = (this: SignalingSocket, payload: unknown, ack?: unknown) => void;
/** socket.io adapter broadcast flags (socket.io-adapter's `BroadcastFlags`, reached through socket.io's own types). */
type BroadcastFlags = NonNullable<Parameters<SignalingServer['sockets']['adapter']['broadcast']>[1]['flags']>;
/** Adapter broadcast options of a relay (see `send`). */
const NOBODY = new Set<string>(); // never changed: adapters only read it
const ONLY_HERE: BroadcastFlags = { local: true };
const THROUGH_EVERY_INSTANCE: BroadcastFlags = {};
type RelayEvent = 'description' | 'candidate';
/** A validated relay as its sender wrote it. */
type Relay = ClientPayload<'description'> | ClientPayload<'candidate'>;

/**
 * Every client event, handled on the socket.io socket directly: Nest keeps modules, configuration and
 * the connection lifecycle, but its per-message pipeline (an rxjs stream per event and connection,
 * pipes, filters) cost more than the work itself. The protocol schemas validate every message, the
 * sender is always the server's record of the connection, and a relay can only reach a participant
 * of the sender's room: it goes to the connection this instance holds for that participant in that
 * room, or with several instances to the channel `participant:<room>:<id>`, which only the connection
 * holding that participant in that room joins.
 *
 * join, resume and leave are requests: answered through their acknowledgement. Relays and state
 * changes (description, candidate, media-state, hand) are not acknowledged; a refusal comes back as a
 * `signal-error` event naming the event. One listener function per event serves every connection.
 */
@Injectable()
export class SignalingHandlers {
  private server?: SignalingServer;
  /** participant id -> room id, learned from the store and kept (bounded, oldest first out). */
  private readonly knownRooms = new Map<string, string>();
  private readonly listeners: Record<ClientEventName, Listener>;
  /** The catch-all listener of every connection (`this` is the socket): the event's listener, if it has one. */
  private readonly dispatch: (this: SignalingSocket, event: string, payload: unknown, ack?: unknown) => void;

  constructor(
    private readonly signaling: SignalingService,
    private readonly rooms: RoomStore,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listeners' `this` is the socket
    const handlers = this;
    this.listeners = {
      join(payload, ack) {
        if (!handlers.signaling.allow(this, 'join', ack)) return;
        handlers.answer(this, 'join', payload, ack, (request) => handlers.signaling.join(this, request));
      },
      resume(payload, ack) {
        if (!handlers.signaling.allow(this, 'resume', ack)) return;
        handlers.answer(this, 'resume', payload, ack, (request) => handlers.signaling.resume(this, request));
      },
      leave(payload, ack) {
        if (!handlers.signaling.allow(this, 'leave', ack)) return;
        handlers.answer(this, 'leave', payload, ack, () => handlers.signaling.leave(this));
      },
      'ice-servers'(payload, ack) {
        if (!handlers.signaling.allow(this, 'ice-servers', ack)) return;
        handlers.answer(this, 'ice-servers', payload, ack, () => handlers.signaling.iceServersForCheck(this));
      },
      description(payload, ack) {
        if (!handlers.signaling.allow(this, 'description', ack)) return;
        try {
          handlers.relayDescription(this, payload);
        } catch (error) {
          handlers.fail(this, 'description', error);
        }
      },
      candidate(payload, ack) {
        if (!handlers.signaling.allow(this, 'candidate', ack)) return;
        try {
          handlers.relayCandidate(this, payload);
        } catch (error) {
          handlers.fail(this, 'candidate', error);
        }
      },
      'media-state'(payload, ack) {
        if (!handlers.signaling.allow(this, 'media-state', ack)) return;
        handlers.updateMediaState(this, payload).catch((error: unknown) => handlers.fail(this, 'media-state', error));
      },
      hand(payload, ack) {
        if (!handlers.signaling.allow(this, 'hand', ack)) return;
        handlers.updateHand(this, payload).catch((error: unknown) => handlers.fail(this, 'hand', error));
      },
    };
    const listeners: Record<string, Listener> = this.listeners;
    this.dispatch = function dispatch(event, payload, ack) {
      if (Object.hasOwn(listeners, event)) listeners[event]!.call(this, payload, ack);
    };
  }

  attach(server: SignalingServer): void {
    this.server = server;
  }

  /**
   * Registers the handlers on a new connection (after `SignalingService.connect` set up its rate limits):
   * one catch-all listener, the same function for every connection. A listener per event made each
   * socket's listener table a dictionary of ten entries (about 0.5 KB per connection in a heap
   * snapshot). socket.io calls it as the packet is decoded (its own per-event dispatch, a tick later,
   * then finds no listener); the parser has already dropped events the protocol does not name.
   */
  listen(socket: SignalingSocket): void {
    socket.onAny(this.dispatch);
  }

  /**
   * A request: validated (a client of another protocol version hears "reload", not "malformed"),
   * handled, and answered through its acknowledgement with the result or a typed error.
   */
  private answer<E extends ClientRequestName>(
    socket: SignalingSocket,
    event: E,
    payload: unknown,
    ack: unknown,
    handle: (request: (typeof CLIENT_EVENTS)[E]['payload']['_zod']['output']) => Promise<unknown>,
  ): void {
    if (typeof ack !== 'function') return this.refuse(socket, event, 'invalid_message');
    const reply = ack as (response: unknown) => void;
    const failed = (error: unknown) => this.fail(socket, event, error, reply);
    try {
      if (typeof payload === 'object' && payload !== null && 'protocol' in payload && typeof payload.protocol === 'number' && payload.protocol !== PROTOCOL_VERSION) {
        throw new ProtocolError('unsupported_protocol');
      }
      const parsed = CLIENT_EVENTS[event].payload.safeParse(payload);
      if (!parsed.success) throw new ProtocolError('invalid_message');
      handle(parsed.data).then(reply, failed);
    } catch (error) {
      failed(error);
    }
  }

  private relayDescription(socket: SignalingSocket, payload: unknown): void {
    const parsed = CLIENT_EVENTS.description.payload.safeParse(payload);
    if (!parsed.success) return this.refuse(socket, 'description', 'invalid_message');
    this.route(socket, 'description', parsed.data.to, parsed.data);
  }

  private relayCandidate(socket: SignalingSocket, payload: unknown): void {
    const parsed = CLIENT_EVENTS.candidate.payload.safeParse(payload);
    if (!parsed.success) return this.refuse(socket, 'candidate', 'invalid_message');
    this.route(socket, 'candidate', parsed.data.to, parsed.data);
  }

  /**
   * Delivers once `to` is known to be in the sender's room. The room of a participant is remembered,
   * so after the first message to someone this runs synchronously. A connection's relays stay in
   * the order it sent them: while a lookup is pending, later relays wait behind it.
   */
  private route(socket: SignalingSocket, event: RelayEvent, to: string, relay: Relay): void {
    const { participantId: from, roomId } = socket.data;
    if (from === undefined || roomId === undefined) return this.refuse(socket, event, 'not_in_room');
    if (to === from) return this.refuse(socket, event, 'unknown_participant');
    if (socket.data.relaysWaiting === undefined) {
      const holder = this.signaling.connectionHolding(to);
      if (holder !== undefined) {
        // Held here: the server's own record says which room it is in, nothing to look up or publish.
        if (holder.data.roomId !== roomId) return this.refuse(socket, event, 'unknown_participant');
        return this.send(holder.id, ONLY_HERE, from, relay);
      }
      const known = this.knownRooms.get(to);
      if (known !== undefined) {
        if (known !== roomId) return this.refuse(socket, event, 'unknown_participant');
        return this.sendElsewhere(roomId, from, relay);
      }
    }
    const waiting = (socket.data.relaysWaiting ??= { count: 0, last: Promise.resolve() });
    waiting.count += 1;
    waiting.last = waiting.last
      .then(() => this.lookUpRoom(to))
      .then((targetRoom) => {
        // Re-checked after the await: the connection may have left, or been taken over, meanwhile.
        if (!socket.connected || socket.data.participantId !== from || socket.data.roomId !== roomId) return;
        if (targetRoom !== roomId) return this.refuse(socket, event, 'unknown_participant');
        this.deliver(from, roomId, relay);
      })
      .catch((error: unknown) => this.fail(socket, event, error))
      .finally(() => {
        waiting.count -= 1;
        if (waiting.count === 0 && socket.data.relaysWaiting === waiting) socket.data.relaysWaiting = undefined;
      });
  }

  /**
   * To `relay.to` in `roomId`, stamped with the sender the server knows: straight to its connection
   * when this instance holds it (with Redis, nothing is published), else to its channel (published to
   * every instance with Redis). A resume on another instance takes the participant from a connection
   * here only once the eviction published by that instance arrives; until then relays still go to the
   * old connection, as a publication would too. The eviction is published before the room hears of the
   * resume, on the same Redis connection, so what a peer sends after `participant-resumed` reaches the
   * new connection.
   */
  private deliver(from: string, roomId: string, relay: Relay): void {
    const holder = this.signaling.connectionHolding(relay.to);
    if (holder !== undefined && holder.data.roomId === roomId) return this.send(holder.id, ONLY_HERE, from, relay);
    this.sendElsewhere(roomId, from, relay);
  }

  /**
   * To a participant of `roomId` this instance does not hold: through its channel, which only the
   * connection holding it in that room joins, on whichever instance. Without other instances nobody
   * holds it (its connection dropped and it waits for a resume) and the relay reaches nobody, as it
   * would through the channel.
   */
  private sendElsewhere(roomId: string, from: string, relay: Relay): void {
    if (!this.signaling.clustered) return;
    this.send(participantChannel(roomId, relay.to), THROUGH_EVERY_INSTANCE, from, relay);
  }

  /**
   * Through the adapter, to one socket.io room: a connection held here is addressed by its socket's own
   * room and kept on this instance (`local`: nothing published), a participant held elsewhere by its
   * channel. The adapter encodes the packet and builds its WebSocket frame once (socket.io-adapter's
   * `wsPreEncodedFrame`), which `socket.emit` does not: there engine.io prefixes the text, ws measures and
   * frames it, and the kernel write converts a JavaScript string (Node's `writevGeneric` with mixed
   * chunks), about 6 us per relay in a closed-loop profile against 2 us to make the frame once. This is
   * what socket.io's broadcast operator does for `server.to(room).emit`, without making one per relay.
   */
  private send(room: string, flags: BroadcastFlags, from: string, relay: Relay): void {
    let data: [event: 'description', payload: ServerPayload<'description'>] | [event: 'candidate', payload: ServerPayload<'candidate'>];
    if ('description' in relay) {
      data = ['description', { from, description: relay.description }];
      this.metrics.relayedCounts.description += 1;
    } else {
      data = ['candidate', { from, candidate: relay.candidate }];
      this.metrics.relayedCounts.candidate += 1;
    }
    this.requireServer().sockets.adapter.broadcast({ type: PacketType.EVENT, data }, { rooms: new Set([room]), except: NOBODY, flags });
  }

  private async lookUpRoom(participantId: string): Promise<string | undefined> {
    const known = this.knownRooms.get(participantId);
    if (known !== undefined) return known;
    const roomId = await this.rooms.roomOf(participantId);
    if (roomId === undefined) return undefined;
    if (this.knownRooms.size >= MAX_KNOWN_PARTICIPANTS) this.knownRooms.delete(this.knownRooms.keys().next().value!);
    this.knownRooms.set(participantId, roomId);
    return roomId;
  }

  /** The room sees the new state; the store keeps it for whoever joins later. */
  private async updateMediaState(socket: SignalingSocket, payload: unknown): Promise<void> {
    const parsed = CLIENT_EVENTS['media-state'].payload.safeParse(payload);
    if (!parsed.success) return this.refuse(socket, 'media-state', 'invalid_message');
    const from = socket.data.participantId;
    if (from === undefined) return this.refuse(socket, 'media-state', 'not_in_room');
    const { media } = parsed.data;
    if (socket.data.receiveOnly && (media.mic || media.camera || media.screen)) return this.refuse(socket, 'media-state', 'receive_only');
    const roomId = await this.rooms.setMedia(from, media);
    if (socket.data.participantId !== from) return; // left or taken over meanwhile
    socket.to(roomChannel(roomId)).emit('media-state', { from, media });
    this.metrics.relayedCounts['media-state'] += 1;
  }

  /** Raises or lowers the sender's own hand; the room sees it with the server's time, for ordering. */
  private async updateHand(socket: SignalingSocket, payload: unknown): Promise<void> {
    const parsed = CLIENT_EVENTS.hand.payload.safeParse(payload);
    if (!parsed.success) return this.refuse(socket, 'hand', 'invalid_message');
    const from = socket.data.participantId;
    if (from === undefined) return this.refuse(socket, 'hand', 'not_in_room');
    const { roomId, hand } = await this.rooms.setHand(from, parsed.data.raised);
    if (socket.data.participantId !== from) return;
    socket.to(roomChannel(roomId)).emit('hand', { from, hand });
    this.metrics.relayedCounts.hand += 1;
  }

  /**
   * Answers a refused message: through `ack` for a request, else with a `signal-error` event. An
   * unexpected failure is logged and answered as `internal_error`; it never escapes into socket.io.
   */
  private fail(socket: SignalingSocket, event: ClientEventName, error: unknown, ack?: (response: unknown) => void): void {
    if (!(error instanceof ProtocolError)) this.logger.error({ err: error, event }, 'message handler failed');
    const refusal = error instanceof ProtocolError ? error : new ProtocolError('internal_error');
    this.metrics.rejected.inc({ reason: refusal.code });
    if (socket.connected || ack) replyWithError(socket, ack ? [ack] : [], event, refusal);
  }

  private refuse(socket: SignalingSocket, event: ClientEventName, code: ErrorCode): void {
    this.fail(socket, event, new ProtocolError(code));
  }

  private requireServer(): SignalingServer {
    if (!this.server) throw new Error('SignalingHandlers used before the gateway initialised');
    return this.server;
  }
}
