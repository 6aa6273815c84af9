import { Module } from '@nestjs/common';
import { AddressBudgets } from '../limits/address-budgets.js';
import { TurnModule } from '../turn/turn.module.js';
import { SignalingGateway } from './signaling.gateway.js';
import { SignalingHandlers } from './signaling.handlers.js';
import { SignalingService } from './signaling.service.js';

@Module({
  imports: [TurnModule],
  providers: [SignalingGateway, SignalingService, SignalingHandlers, AddressBudgets],
  exports: [SignalingService],
})
export class SignalingModule {}
