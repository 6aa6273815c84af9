import type { Chat, ChatMessage } from '../call/chat.js';

/** Reactive view of the call's chat: its messages, whether the panel is open, and what is unread. */
export class ChatState {
  messages = $state.raw<ChatMessage[]>([]);
  unread = $state(0);
  open = $state(false);
  private readonly off: () => void;

  constructor(readonly chat: Chat) {
    this.off = chat.on('message', (message) => {
      this.messages = [...chat.messages];
      if (!message.own && !this.open) this.unread += 1;
    });
  }

  toggle(): void {
    this.open = !this.open;
    if (this.open) this.unread = 0;
  }

  close(): void {
    this.open = false;
  }

  send(text: string): boolean {
    return this.chat.send(text);
  }

  dispose(): void {
    this.off();
    this.chat.dispose();
  }
}
