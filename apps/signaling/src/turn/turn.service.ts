import { Inject, Injectable } from '@nestjs/common';
import type { IceServer } from '@meshmeet/protocol';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { turnCredential } from './turn-credentials.js';

/** The ICE servers a participant gets in its join reply; TURN entries carry its own short-lived credential. */
@Injectable()
export class TurnService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Whether a TURN server is configured (its credentials are budgeted per address). */
  get hasTurn(): boolean {
    return this.config.turnUrls.length > 0 && this.config.turnSecret !== undefined;
  }

  iceServersFor(participantId: string, { withTurn = true, now = Date.now() } = {}): IceServer[] {
    const servers: IceServer[] = [...this.config.iceServers];
    if (this.config.stunUrls.length > 0) servers.push({ urls: this.config.stunUrls });
    if (withTurn && this.config.turnUrls.length > 0 && this.config.turnSecret) {
      const { username, credential } = turnCredential(this.config.turnSecret, participantId, this.config.turnTtlSeconds, now);
      servers.push({ urls: this.config.turnUrls, username, credential });
    }
    return servers;
  }
}
