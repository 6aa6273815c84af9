import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module.js';
import { TurnModule } from '../turn/turn.module.js';
import { ProtocolExceptionFilter } from './protocol-exception.filter.js';
import { SignalingGateway } from './signaling.gateway.js';
import { SignalingService } from './signaling.service.js';

@Module({
  imports: [RoomsModule, TurnModule],
  providers: [SignalingGateway, SignalingService, ProtocolExceptionFilter],
  exports: [SignalingService],
})
export class SignalingModule {}
