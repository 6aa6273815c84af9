import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { REDIS, type RedisConnections } from '../redis/redis.module.js';

/** What a client address may do only so often, however many connections it opens and closes. */
export type BudgetKind = 'join' | 'new-room' | 'passcode' | 'turn';

/**
 * Per-address budgets (rate-limiter-flexible). Per-connection buckets cannot stop a client that
 * reconnects to reset them; these are keyed by client address and, with Redis, shared by every
 * instance. If Redis fails, each instance falls back to its own memory budget rather than letting
 * everything through.
 */
@Injectable()
export class AddressBudgets {
  private readonly limiters: Record<BudgetKind, RateLimiterAbstract>;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REDIS) redis: RedisConnections | undefined) {
    const { joinsPerMinute, newRoomsPerHour, passcodeAttemptsPerMinute, turnCredentialsPerHour } = config.addressBudgets;
    const specs: Record<BudgetKind, { points: number; duration: number }> = {
      join: { points: joinsPerMinute, duration: 60 },
      'new-room': { points: newRoomsPerHour, duration: 3_600 },
      passcode: { points: passcodeAttemptsPerMinute, duration: 60 },
      turn: { points: turnCredentialsPerHour, duration: 3_600 },
    };
    const limiter = (kind: BudgetKind): RateLimiterAbstract => {
      const spec = { ...specs[kind], keyPrefix: `${config.redisPrefix}budget:${kind}` };
      if (!redis) return new RateLimiterMemory(spec);
      return new RateLimiterRedis({
        ...spec,
        storeClient: redis.command,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(spec),
      });
    };
    this.limiters = { join: limiter('join'), 'new-room': limiter('new-room'), passcode: limiter('passcode'), turn: limiter('turn') };
  }

  /** Takes one unit; false when the address has used its budget. */
  async take(kind: BudgetKind, key: string): Promise<boolean> {
    try {
      await this.limiters[kind].consume(key, 1);
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  }

  /** Gives a unit back (a right passcode does not count as a guess). */
  async giveBack(kind: BudgetKind, key: string): Promise<void> {
    await this.limiters[kind].reward(key, 1);
  }
}
