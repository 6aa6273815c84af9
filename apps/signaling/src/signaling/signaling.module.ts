import { Module } from '@nestjs/common';
import { AddressBudgets } from '../limits/address-budgets.js';
import { TurnModule } from '../turn/turn.module.js';
import { ProtocolExceptionFilter } from './protocol-exception.filter.js';
import { SignalingGateway } from './signaling.gateway.js';
import { SignalingService } from './signaling.service.js';

@Module({
  imports: [TurnModule],
  providers: [SignalingGateway, SignalingService, ProtocolExceptionFilter, AddressBudgets],
  exports: [SignalingService],
})
export class SignalingModule {}
