import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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

  readonly rooms = new Gauge({ name: 'meshmeet_rooms', help: 'Rooms with at least one participant.', registers: [this.registry] });

  readonly participants = new Gauge({
    name: 'meshmeet_participants',
    help: 'Participants in all rooms.',
    registers: [this.registry],
  });

  readonly roomSize = new Histogram({
    name: 'meshmeet_room_size_participants',
    help: 'Participants in the room right after each join.',
    buckets: [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 50],
    registers: [this.registry],
  });

  readonly relayed = new Counter({
    name: 'meshmeet_messages_relayed_total',
    help: 'Messages delivered to other participants, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'meshmeet_' });
  }
}
