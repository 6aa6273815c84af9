import { CHAT_MESSAGE_MAX_LENGTH } from '@meshmeet/protocol';
import { Emitter } from '../emitter.js';
import { randomId } from '../random-id.js';
import type { Call } from './call.js';

export interface ChatMessage {
  id: string;
  /** Participant id of the sender (the link it arrived on, never a field the sender wrote). */
  from: string;
  /** The sender's name when the message arrived. */
  name: string;
  text: string;
  /** When this browser received (or sent) it. */
  at: Date;
  own: boolean;
}

export interface ChatEvents extends Record<string, unknown> {
  message: ChatMessage;
}

/** Messages kept in the panel; older ones are dropped. */
const HISTORY = 500;
/** Ids remembered per sender to drop a repeated message. */
const SEEN_PER_SENDER = 200;

/**
 * The call's chat: messages go to every other participant over each link's data channel, never
 * through the server, so someone who joins later starts with an empty chat.
 */
export class Chat extends Emitter<ChatEvents> {
  readonly messages: ChatMessage[] = [];
  private readonly seen = new Map<string, string[]>();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly call: Call) {
    super();
    this.unsubscribe = [
      call.on('peer-message', ({ from, message }) => {
        if (message.type !== 'chat') return;
        const seen = this.seen.get(from.id) ?? [];
        if (seen.includes(message.id)) return;
        seen.push(message.id);
        if (seen.length > SEEN_PER_SENDER) seen.shift();
        this.seen.set(from.id, seen);
        this.add({ id: message.id, from: from.id, name: from.name, text: message.text, at: new Date(), own: false });
      }),
      call.on('participant-left', (remote) => this.seen.delete(remote.id)),
    ];
  }

  /** Sends `text` to everyone in the call; false when it is empty or too long. */
  send(text: string): boolean {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > CHAT_MESSAGE_MAX_LENGTH) return false;
    const id = randomId(12);
    for (const remote of this.call.remotes.values()) remote.send({ v: 1, type: 'chat', id, text: trimmed });
    this.add({ id, from: this.call.local.id, name: this.call.local.name, text: trimmed, at: new Date(), own: true });
    return true;
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.clear();
  }

  private add(message: ChatMessage): void {
    this.messages.push(message);
    if (this.messages.length > HISTORY) this.messages.shift();
    this.emit('message', message);
  }
}
