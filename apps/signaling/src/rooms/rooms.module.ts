import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { MemoryRoomStore } from './memory-room.store.js';
import { PasscodeHasher } from './passcode.js';
import { RedisRoomStore } from './redis-room.store.js';
import { RoomStore } from './room-store.js';

/** Rooms, participants and sessions in memory, or in Redis (shared by every instance) when REDIS_URL is set. */
@Module({})
export class RoomsModule {
  static forRoot(config: Pick<AppConfig, 'redisUrl' | 'hasherLimits'>): DynamicModule {
    return {
      module: RoomsModule,
      global: true,
      providers: [
        { provide: PasscodeHasher, useFactory: () => new PasscodeHasher(config.hasherLimits) },
        { provide: RoomStore, useClass: config.redisUrl ? RedisRoomStore : MemoryRoomStore },
      ],
      exports: [RoomStore, PasscodeHasher],
    };
  }
}
