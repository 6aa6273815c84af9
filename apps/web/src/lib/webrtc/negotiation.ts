/**
 * The decisions of the perfect negotiation pattern, as pure functions so they can be unit-tested.
 * https://developer.mozilla.org/en-US/docs/Web/API/WebRTC_API/Perfect_negotiation
 */

/**
 * Exactly one side of every pair is polite. Both sides compute this from the same two
 * server-assigned ids, so they always agree.
 */
export function isPolite(selfId: string, remoteId: string): boolean {
  if (selfId === remoteId) throw new Error('a participant cannot be its own peer');
  return selfId < remoteId;
}

export interface DescriptionContext {
  type: 'offer' | 'answer';
  makingOffer: boolean;
  signalingState: RTCSignalingState;
  isSettingRemoteAnswerPending: boolean;
  polite: boolean;
}

export interface DescriptionDecision {
  offerCollision: boolean;
  /** The impolite peer ignores a colliding offer; the polite one rolls back (implicitly) and accepts it. */
  ignoreOffer: boolean;
}

export function decideOnDescription(context: DescriptionContext): DescriptionDecision {
  const readyForOffer =
    !context.makingOffer && (context.signalingState === 'stable' || context.isSettingRemoteAnswerPending);
  const offerCollision = context.type === 'offer' && !readyForOffer;
  return { offerCollision, ignoreOffer: !context.polite && offerCollision };
}

/**
 * Holds remote ICE candidates until a remote description exists: `addIceCandidate` before
 * `setRemoteDescription` fails. Bounded so a misbehaving peer cannot grow it without limit.
 */
export class CandidateQueue<C> {
  private items: C[] = [];

  constructor(private readonly capacity = 200) {}

  push(candidate: C): boolean {
    if (this.items.length >= this.capacity) return false;
    this.items.push(candidate);
    return true;
  }

  drain(): C[] {
    const drained = this.items;
    this.items = [];
    return drained;
  }

  get size(): number {
    return this.items.length;
  }
}
