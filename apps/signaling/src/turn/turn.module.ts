import { Module } from '@nestjs/common';
import { TurnService } from './turn.service.js';

@Module({ providers: [TurnService], exports: [TurnService] })
export class TurnModule {}
