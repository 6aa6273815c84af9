import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REDIS, type RedisConnections } from '../redis/redis.module.js';
import { RoomStore } from '../rooms/room-store.js';

const RELAYED_KINDS = ['description', 'candidate', 'media-state', 'hand'] as const;
export type RelayedKind = (typeof RELAYED_KINDS)[number];
/** How often the event-loop delay histogram (`meshmeet_nodejs_eventloop_lag_*`) takes a sample. */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * Prometheus metrics. One registry per app instance (not prom-client's global one), so several
 * servers in one process (tests) do not clash.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly connectedSockets = new Gauge({
    name: 'meshmeet_connected_sockets',
    help: 'Open socket.io connections.',
    registers: [this.registry],
  });


  readonly roomSize = new Histogram({
    name: 'meshmeet_room_size_participants',
    help: 'Participants in the room right after each join.',
    buckets: [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 50],
    registers: [this.registry],
  });

  /**
   * Relays counted as plain numbers on the hot path (a prom-client child's `inc` hashes its labels on
   * every call) and handed to the counter below when Prometheus scrapes.
   */
  readonly relayedCounts: Record<RelayedKind, number> = { description: 0, candidate: 0, 'media-state': 0, hand: 0 };
  private readonly relayedReported: Record<RelayedKind, number> = { description: 0, candidate: 0, 'media-state': 0, hand: 0 };

  readonly relayed = new Counter({
    name: 'meshmeet_messages_relayed_total',
    help: 'Messages delivered to other participants, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: () => {
      for (const kind of RELAYED_KINDS) {
        const delta = this.relayedCounts[kind] - this.relayedReported[kind];
        if (delta === 0) continue;
        this.relayed.inc({ kind }, delta);
        this.relayedReported[kind] = this.relayedCounts[kind];
      }
    },
  });

  readonly rejected = new Counter({
    name: 'meshmeet_messages_rejected_total',
    help: 'Inbound messages refused, by reason (an error code, or unknown_event).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'meshmeet_rate_limit_hits_total',
    help: 'Messages refused by the per-connection rate limits, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly disconnectedForAbuse = new Counter({
    name: 'meshmeet_connections_dropped_total',
    help: 'Connections the server closed or refused, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly joinDuration = new Histogram({
    name: 'meshmeet_join_duration_seconds',
    help: 'Time the server takes to handle a join.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  constructor(rooms: RoomStore, @Inject(REDIS) redis: RedisConnections | undefined) {
    // The event-loop delay histogram samples with a libuv timer: at prom-client's default of every 10 ms
    // that timer alone cost an idle server 7 ms of CPU per second on a 2-core VM (72 us per wake-up), more
    // than 1,000 connections' heartbeats. Every 100 ms costs a tenth; the histogram still shows any delay
    // of the loop that overlaps a sample, and the lag gauge is measured at each scrape.
    collectDefaultMetrics({ register: this.registry, prefix: 'meshmeet_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    // Room and participant totals are read from the store when Prometheus scrapes, not on every join
    // and leave: with Redis that count walks every room. A failed read keeps the last value.
    const gauge = (name: string, help: string, read: (counts: { rooms: number; participants: number }) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          try {
            this.set(read(await rooms.counts()));
          } catch {
            // store unreachable: /readyz reports it
          }
        },
      });
    gauge('meshmeet_rooms', 'Rooms with at least one participant.', (counts) => counts.rooms);
    gauge('meshmeet_participants', 'Participants in all rooms.', (counts) => counts.participants);
    if (redis) this.publications(redis);
  }

  /** Publications to the other instances through Redis: failed ones are relays or broadcasts lost. */
  private publications({ publishes, watchdogs }: RedisConnections): void {
    let reported = 0;
    new Counter({
      name: 'meshmeet_redis_publish_failures_total',
      help: 'Publications to the other instances that failed (lost relays or broadcasts).',
      registers: [this.registry],
      collect() {
        this.inc(publishes.failed - reported);
        reported = publishes.failed;
      },
    });
    let dropped = 0;
    new Counter({
      name: 'meshmeet_redis_unresponsive_drops_total',
      help: 'Connections to Redis dropped and opened again because Redis stopped answering (what waited on them failed).',
      registers: [this.registry],
      collect() {
        const now = watchdogs.command.dropped + watchdogs.pub.dropped;
        this.inc(now - dropped);
        dropped = now;
      },
    });
    new Gauge({
      name: 'meshmeet_redis_publishes_in_flight',
      help: 'Publications to the other instances sent or queued and not yet confirmed by Redis.',
      registers: [this.registry],
      collect() {
        this.set(publishes.inFlight);
      },
    });
  }
}
