import {
  AckResponseSchema,
  CLIENT_EVENTS,
  ERROR_MESSAGES,
  type ClientAck,
  type ClientPayload,
  type IceServersResponse,
  PROTOCOL_VERSION,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type IceCandidate,
  type JoinResponse,
  type MediaState,
  type ServerEventName,
  type ServerPayload,
  type ServerToClientEvents,
  type SessionDescription,
} from '@meshmeet/protocol';
import { io, type Socket } from 'socket.io-client';
import { createLogger } from '../log.js';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

type Handler<E extends ServerEventName> = (payload: ServerPayload<E>) => void;

/** Why a request to the server failed, so callers can say something true about it. */
export class SignalingError extends Error {
  override name = 'SignalingError';

  constructor(readonly reason: 'unreachable' | 'timeout' | 'bad_reply', message: string) {
    super(message);
  }
}

const JOIN_TIMEOUT_MS = 8_000;
const LEAVE_ACK_TIMEOUT_MS = 1_000;
const log = createLogger('signaling');

/** A refused leave is worth a warning, not an exception (relays are refused through `signal-error`). */
function reportFailure(event: string) {
  return (response: unknown) => {
    const parsed = AckResponseSchema.safeParse(response);
    if (parsed.success && !parsed.data.ok) log.warn(`server refused "${event}": ${parsed.data.error.code}`);
  };
}

/**
 * Moves signaling messages between this browser and the server. Knows nothing about WebRTC.
 * Every inbound message is validated against the protocol before any handler sees it.
 */
export class SignalingClient {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly handlers = new Map<ServerEventName, Set<Handler<never>>>();
  private readonly statusHandlers = new Set<(status: ConnectionStatus) => void>();
  private shutdownNotice: number | undefined;
  private leaving: Promise<void> | undefined;

  constructor(url: string = globalThis.location?.origin ?? 'http://localhost:3000') {
    this.socket = io(url, {
      // WebSocket first: one round trip less than the polling-then-upgrade handshake.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      autoConnect: false,
      // Back within a couple of seconds of the server: a restart should cost the roster little time.
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
    });
    for (const event of Object.keys(SERVER_EVENTS) as ServerEventName[]) {
      this.socket.on(event, ((payload: unknown) => this.dispatch(event, payload)) as never);
    }
    this.socket.on('connect', () => {
      this.upgradeAfterFallback();
      this.setStatus('connected');
    });
    this.socket.on('disconnect', (reason) => {
      this.setStatus('disconnected');
      // socket.io does not reconnect by itself after a server-side disconnect; after a shutdown
      // notice that disconnect is a restart (or a move to another instance), so reconnect.
      if (reason === 'io server disconnect' && this.shutdownNotice !== undefined) {
        const delay = this.shutdownNotice;
        this.shutdownNotice = undefined;
        setTimeout(() => this.socket.connect(), delay);
      }
    });
    this.on('server-shutdown', ({ reconnectAfterMs }) => {
      // Spread reconnects so a restarted server is not hit by every client at once.
      this.shutdownNotice = reconnectAfterMs + Math.floor(Math.random() * 500);
    });
    this.socket.io.on('reconnect_attempt', () => this.setStatus('connecting'));
  }

  /**
   * With `tryAllTransports`, a WebSocket attempt that fails (the server was still down) makes
   * engine.io-client drop "websocket" from that connection's transports and fall back to polling,
   * and a connection that starts on polling only upgrades to transports still in that list: it would
   * stay on HTTP long-polling for good once the server is back. So a connection that lands on polling
   * probes the WebSocket upgrade itself, the same probe engine.io runs after a polling handshake; where
   * WebSockets really are blocked the probe fails quietly and polling goes on. The probe is internal to
   * engine.io-client (`_probe` and `_onError` in
   * https://github.com/socketio/socket.io/blob/main/packages/engine.io-client/lib/socket.ts): without
   * it, nothing is done.
   */
  private upgradeAfterFallback(): void {
    const engine = this.socket.io.engine as unknown as { transport: { name: string }; upgrading?: boolean; _probe?: (name: string) => void };
    if (engine.transport.name !== 'polling' || engine.upgrading || typeof engine._probe !== 'function') return;
    log.debug('connected over HTTP long-polling after a failed WebSocket attempt: trying the WebSocket again');
    engine._probe('websocket');
  }

  /** The transport in use: "websocket", or "polling" where WebSockets cannot get through. */
  get transport(): string | undefined {
    return this.socket.io.engine?.transport.name;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.socket.off('connect', onConnect);
        reject(new SignalingError('unreachable', error.message));
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
      this.setStatus('connecting');
      this.socket.connect();
    });
  }

  /**
   * Closes the connection; after a leave, only once the server has acknowledged it. socket.io hands an
   * event to its handler a tick after reading it and drops it if the connection closed meanwhile, so a
   * leave written in the same segment as the disconnect would be lost (the others would wait out the
   * grace period instead of seeing the person leave).
   */
  disconnect(): void {
    if (this.leaving) void this.leaving.then(() => this.socket.disconnect());
    else this.socket.disconnect();
  }

  on<E extends ServerEventName>(event: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  onStatus(handler: (status: ConnectionStatus) => void): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  /** Joins `roomId`; `receiveOnly` joins to listen only (media must then be all off). */
  join(roomId: string, name: string, media: MediaState, passcode?: string, receiveOnly = false): Promise<JoinResponse> {
    return this.request('join', { protocol: PROTOCOL_VERSION, roomId, name, media, ...(passcode ? { passcode } : {}), ...(receiveOnly ? { receiveOnly } : {}) });
  }

  resume(token: string): Promise<JoinResponse> {
    return this.request('resume', { protocol: PROTOCOL_VERSION, token });
  }

  /** The ICE servers a call would use, TURN credentials included, for the self-test before a call. */
  iceServersForCheck(): Promise<IceServersResponse> {
    return this.request('ice-servers', {});
  }

  /** A request (join, resume, ice-servers): the validated reply, or a SignalingError saying what went wrong. */
  private async request<E extends 'join' | 'resume' | 'ice-servers'>(event: E, payload: ClientPayload<E>): Promise<ClientAck<E>> {
    let raw: unknown;
    try {
      raw = await (this.socket.timeout(JOIN_TIMEOUT_MS) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<unknown> }).emitWithAck(event, payload);
    } catch {
      throw new SignalingError('timeout', `the server did not answer "${event}" in time`);
    }
    const parsed = CLIENT_EVENTS[event].ack.safeParse(raw);
    if (parsed.success) return parsed.data as ClientAck<E>;
    // A server of another protocol version answers with another shape: say so plainly.
    const version = (raw as { protocol?: unknown } | null)?.protocol;
    if (typeof version === 'number' && version !== PROTOCOL_VERSION) {
      return { ok: false, error: { code: 'unsupported_protocol', message: ERROR_MESSAGES.unsupported_protocol } } as ClientAck<E>;
    }
    throw new SignalingError('bad_reply', `the server answered "${event}" with an unexpected message`);
  }

  /** Tells the server this person leaves; `disconnect()` waits for the answer (at most a second). */
  leave(): void {
    if (!this.socket.connected) return;
    this.leaving = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LEAVE_ACK_TIMEOUT_MS);
      this.socket.emit('leave', {}, (response: unknown) => {
        clearTimeout(timer);
        reportFailure('leave')(response);
        resolve();
      });
    }).finally(() => (this.leaving = undefined));
  }

  /**
   * Negotiation messages are never buffered across an outage (socket.io would replay them after the
   * reconnect, before our resume): they would be stale. Negotiation is redone after a resume instead.
   */
  sendDescription(to: string, description: SessionDescription): void {
    if (this.socket.connected) this.socket.emit('description', { to, description });
  }

  sendCandidate(to: string, candidate: IceCandidate): void {
    if (this.socket.connected) this.socket.emit('candidate', { to, candidate });
  }

  /** False when not connected: the server keeps the hand, and a rejoin sends it again. */
  sendHand(raised: boolean): boolean {
    if (!this.socket.connected) return false;
    this.socket.emit('hand', { raised });
    return true;
  }

  /** False when not connected: the caller sends the state again after the resume. */
  sendMediaState(media: MediaState): boolean {
    if (!this.socket.connected) return false;
    this.socket.emit('media-state', { media });
    return true;
  }

  private dispatch<E extends ServerEventName>(event: E, payload: unknown): void {
    const parsed = SERVER_EVENTS[event].safeParse(payload);
    if (!parsed.success) {
      log.warn(`dropped an invalid "${event}" message from the server`);
      return;
    }
    for (const handler of this.handlers.get(event) ?? []) (handler as Handler<E>)(parsed.data as ServerPayload<E>);
  }

  private setStatus(status: ConnectionStatus): void {
    for (const handler of this.statusHandlers) handler(status);
  }
}
