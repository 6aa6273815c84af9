/** What the watchdog uses of a client of the `redis` package. */
export interface WatchedClient {
  readonly isReady: boolean;
  ping(): Promise<unknown>;
  destroy(): void;
  connect(): Promise<unknown>;
}

/** How often each watched connection is probed. */
const PROBE_EVERY_MS = 1_000;

/**
 * Bounds how long commands wait on a Redis that stopped answering, with one timer per connection.
 *
 * A stopped or wedged Redis keeps its TCP connection open (the kernel even accepts what is written),
 * so nothing fails by itself: commands wait for ever. The client's own bound is a timeout per command,
 * which arms an `AbortSignal.timeout` for every command; those timers cost about a tenth of the
 * joins per second in Redis mode (bench:relay storm, 655 -> 726 per second without them) and sit in
 * a FinalizationRegistry long after their command is answered.
 *
 * Instead, every second the connection is sent a PING unless one is already waiting. Redis answers
 * each connection in order, so a PING unanswered after `deadlineMs` means every command sent before it
 * has waited at least that long too: the connection is dropped (its waiting commands fail at once with
 * the client's `DisconnectsClientError`) and opened again, which succeeds once Redis answers. A command
 * therefore waits at most about `deadlineMs` + one probe interval.
 */
export class RedisWatchdog {
  /** Times a connection was dropped because Redis stopped answering. */
  dropped = 0;
  private probeSentAt: number | undefined;
  private readonly timer: NodeJS.Timeout;
  private report: () => void = () => {};

  constructor(
    private readonly client: WatchedClient,
    private readonly deadlineMs = 5_000,
    probeEveryMs = PROBE_EVERY_MS,
  ) {
    this.timer = setInterval(() => this.check(), probeEveryMs);
    this.timer.unref();
  }

  /** Called each time a connection is dropped (the app's logger, once it exists). */
  reportTo(report: () => void): void {
    this.report = report;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    if (this.probeSentAt !== undefined) {
      if (performance.now() - this.probeSentAt < this.deadlineMs) return;
      this.probeSentAt = undefined;
      this.dropped += 1;
      this.report();
      this.client.destroy();
      // Errors surface as failed commands and in /readyz; the client retries by its reconnect strategy.
      this.client.connect().catch(() => {});
      return;
    }
    // While (re)connecting, the command client refuses commands at once and the publisher queues them,
    // bounded by PublishMonitor: nothing waits on an answer that could be late.
    if (!this.client.isReady) return;
    const sentAt = performance.now();
    this.probeSentAt = sentAt;
    const answered = () => {
      if (this.probeSentAt === sentAt) this.probeSentAt = undefined;
    };
    this.client.ping().then(answered, answered);
  }
}
