/** What the UI shows for a pair: `failed` means repeated ICE restarts did not help. */
export type LinkHealth = 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** How long ICE may stay `disconnected` before this pair restarts ICE. */
export const ICE_DISCONNECTED_RESTART_MS = 3_000;
/** ICE restarts in a row without reaching `connected` before the pair is shown as failed. */
export const MAX_ICE_RESTARTS = 3;

export interface IceRestartActions {
  restartIce(): void;
  healthChanged(health: LinkHealth): void;
  /** Injected so tests can drive time. */
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * When to restart ICE on one pair: after `disconnected` lasts 3 s (it often recovers by itself) or
 * at once on `failed`; after 3 restarts in a row that never reach `connected`, give up and report
 * the pair as failed. Never touches other pairs.
 */
export class IceRestartPolicy {
  private restarts = 0;
  private timer: unknown;
  health: LinkHealth = 'connecting';
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly actions: IceRestartActions) {
    this.setTimer = actions.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = actions.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  onIceState(state: RTCIceConnectionState): void {
    this.clearTimer(this.timer);
    this.timer = undefined;
    if (state === 'connected' || state === 'completed') {
      this.restarts = 0;
      this.setHealth('connected');
    } else if (state === 'disconnected') {
      this.timer = this.setTimer(() => this.restart(), ICE_DISCONNECTED_RESTART_MS);
    } else if (state === 'failed') {
      this.restart();
    }
  }

  dispose(): void {
    this.clearTimer(this.timer);
  }

  private restart(): void {
    if (this.restarts >= MAX_ICE_RESTARTS) {
      this.setHealth('failed');
      return;
    }
    this.restarts += 1;
    this.setHealth('reconnecting');
    this.actions.restartIce();
  }

  private setHealth(health: LinkHealth): void {
    if (this.health === health) return;
    this.health = health;
    this.actions.healthChanged(health);
  }
}
