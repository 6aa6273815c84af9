import { Module } from '@nestjs/common';
import { RoomsService } from './rooms.service.js';
import { SessionsService } from './sessions.service.js';

@Module({ providers: [RoomsService, SessionsService], exports: [RoomsService, SessionsService] })
export class RoomsModule {}
