import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { MemoryRoomStore } from './memory-room.store.js';
import { MemorySessionStore } from './memory-session.store.js';
import { RedisRoomStore } from './redis-room.store.js';
import { RoomStore, SessionStore } from './room-store.js';

/** Rooms and sessions in memory, or in Redis (shared by every instance) when REDIS_URL is set. */
@Module({})
export class RoomsModule {
  static forRoot(config: Pick<AppConfig, 'redisUrl'>): DynamicModule {
    const providers = config.redisUrl
      ? [RedisRoomStore, { provide: RoomStore, useExisting: RedisRoomStore }, { provide: SessionStore, useExisting: RedisRoomStore }]
      : [
          { provide: RoomStore, useClass: MemoryRoomStore },
          { provide: SessionStore, useClass: MemorySessionStore },
        ];
    return { module: RoomsModule, global: true, providers, exports: [RoomStore, SessionStore] };
  }
}
