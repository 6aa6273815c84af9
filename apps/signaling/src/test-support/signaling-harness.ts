import type { AddressInfo } from 'node:net';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type JoinResponse,
  type JoinResult,
  type MediaState,
  type ServerToClientEvents,
} from '@meshmeet/protocol';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { createApp, ioAdapterOf, type CreateAppOptions } from '../app.factory.js';
import { type AppConfig, loadConfig } from '../config/config.schema.js';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../limits/rate-limit.js';
import type { SignalingIoAdapter } from '../signaling/signaling.io-adapter.js';
import { RoomStore } from '../rooms/room-store.js';
import type { SignalingSocket } from '../signaling/signaling.channels.js';
import { SignalingService } from '../signaling/signaling.service.js';

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Limits loose enough for tests that drive many messages from one socket; rate-limit tests pass the real ones. */
export const RELAXED_RATE_LIMITS: RateLimits = {
  perKind: Object.fromEntries(
    Object.entries(DEFAULT_RATE_LIMITS.perKind).map(([kind, spec]) => [kind, { capacity: spec.capacity * 1000, refillPerSecond: spec.refillPerSecond * 1000 }]),
  ) as RateLimits['perKind'],
  strikes: DEFAULT_RATE_LIMITS.strikes,
};

export const RELAXED_ADDRESS_BUDGETS: AppConfig['addressBudgets'] = {
  joinsPerMinute: 1_000_000,
  newRoomsPerHour: 1_000_000,
  passcodeAttemptsPerMinute: 1_000,
  turnCredentialsPerHour: 1_000_000,
};

/** A real signaling server on an ephemeral loopback port, plus helpers to drive it like a browser would. */
export class SignalingHarness {
  private readonly clients: TestClient[] = [];

  private constructor(
    readonly app: NestExpressApplication,
    readonly url: string,
    private readonly ioAdapter: SignalingIoAdapter,
  ) {}

  static async start(overrides: Partial<AppConfig> = {}, options: CreateAppOptions = {}): Promise<SignalingHarness> {
    const config: AppConfig = {
      ...loadConfig({ NODE_ENV: 'test', WEB_DIST: '', LOG_LEVEL: 'warn' }),
      port: 0,
      maxConnectionsPerIp: 10_000,
      rateLimits: RELAXED_RATE_LIMITS,
      // Every test client comes from 127.0.0.1; tests of the per-address budgets pass real ones.
      addressBudgets: RELAXED_ADDRESS_BUDGETS,
      // Short, so a dropped connection becomes a leave quickly; resume tests set their own.
      resumeGraceMs: 100,
      ...overrides,
    };
    const app = await createApp(config, options);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new SignalingHarness(app, `http://127.0.0.1:${port}`, ioAdapterOf(app)!);
  }

  get signaling(): SignalingService {
    return this.app.get(SignalingService);
  }

  get adapter(): SignalingIoAdapter {
    return this.ioAdapter;
  }

  async connect(options: Partial<ManagerOptions & SocketOptions> = {}): Promise<TestClient> {
    // Like a browser on the server's own page: an allowed Origin (the server refuses requests without one).
    const client: TestClient = io(this.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...options,
      extraHeaders: { origin: this.url, ...options.extraHeaders },
    });
    this.clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    return client;
  }

  async join(client: TestClient, roomId: string, name = 'Tester', media: MediaState = { mic: true, camera: true, screen: false }) {
    return client.timeout(2_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId, name, media });
  }

  /** Connects and joins, failing the test if the join is refused. */
  async participant(roomId: string, name = 'Tester', options: Partial<ManagerOptions & SocketOptions> = {}): Promise<{ client: TestClient; joined: JoinResult }> {
    const client = await this.connect(options);
    const response: JoinResponse = await this.join(client, roomId, name);
    if (!response.ok) throw new Error(`join refused: ${response.error.code}`);
    return { client, joined: response };
  }

  /** Disconnects every client this harness opened. */
  async disconnectAll(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await sleep(50);
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await this.app.close();
  }
}

/** Resolves with the next payload of `event`, or rejects after `ms`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: TestClient,
  event: E,
  ms = 2_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener as never);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    };
    client.once(event, listener as never);
  });
}

/** Collects every payload of `event` so a test can assert that something did NOT arrive. */
export function record<E extends keyof ServerToClientEvents>(client: TestClient, event: E) {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  client.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a message the server does not acknowledge (a relay or a state change) and resolves with the
 * `signal-error` the server answers it with; rejects when none comes within `ms`.
 */
export function refusal(client: TestClient, event: string, payload: unknown, ms = 2_000): Promise<Parameters<ServerToClientEvents['signal-error']>[0]> {
  const answer = nextEvent(client, 'signal-error', ms);
  (client.emit as (event: string, payload: unknown) => void)(event, payload);
  return answer;
}

/**
 * The store invariant, checked from outside across every instance: each participant is held by
 * exactly one live socket (the one the store names), or by none and has a deadline; every socket
 * that thinks it holds a participant is the one the store names; room and participant channels
 * contain only sockets that hold a participant of that room. Returns the violations found.
 */
export async function invariantViolations(instances: SignalingHarness[]): Promise<string[]> {
  const records = await instances[0]!.app.get(RoomStore).records();
  const sockets = instances.flatMap((instance) => [...(instance.adapter.io?.of('/').sockets.values() ?? [])]) as SignalingSocket[];
  const holders = new Map<string, SignalingSocket[]>();
  for (const socket of sockets) {
    const id = socket.data.participantId;
    if (id) holders.set(id, [...(holders.get(id) ?? []), socket]);
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  const problems: string[] = [];
  for (const record of records) {
    const held = holders.get(record.id) ?? [];
    if (record.connection !== undefined) {
      if (held.length !== 1 || held[0]!.id !== record.connection) {
        const named = instances.map((instance, i) => {
          const socket = instance.adapter.io?.of('/').sockets.get(record.connection!);
          return socket ? `instance ${i}: connected=${socket.connected} holds=${socket.data.participantId ?? '-'}` : `instance ${i}: gone`;
        });
        problems.push(`${record.id} held by ${record.connection} in the store (${named.join('; ')}), by [${held.map((s) => s.id).join(', ')}] live`);
      }
    } else if (held.length > 0) {
      problems.push(`${record.id} is away in the store but held by ${held.length} live socket(s)`);
    } else if (record.deadline === undefined) {
      problems.push(`${record.id} has neither a connection nor a deadline`);
    }
  }
  for (const [id, held] of holders) if (!byId.has(id)) problems.push(`${held.length} socket(s) hold ${id}, which the store does not know`);
  for (const instance of instances) {
    const io = instance.adapter.io!;
    for (const [channel, members] of io.of('/').adapter.rooms) {
      const [kind, id] = [channel.slice(0, channel.indexOf(':')), channel.slice(channel.indexOf(':') + 1)];
      if (kind !== 'room' && kind !== 'participant') continue;
      for (const socketId of members) {
        const data = io.of('/').sockets.get(socketId)?.data;
        // participant:<room>:<participant> (participant ids have no colon)
        const fits =
          kind === 'room'
            ? data?.roomId === id
            : data?.roomId === id.slice(0, id.lastIndexOf(':')) && data?.participantId === id.slice(id.lastIndexOf(':') + 1);
        if (!fits) problems.push(`socket ${socketId} listens on ${channel} without holding a participant there`);
      }
    }
  }
  return problems;
}
