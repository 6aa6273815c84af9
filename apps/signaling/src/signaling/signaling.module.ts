import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module.js';
import { SignalingGateway } from './signaling.gateway.js';
import { SignalingService } from './signaling.service.js';

@Module({ imports: [RoomsModule], providers: [SignalingGateway, SignalingService] })
export class SignalingModule {}
