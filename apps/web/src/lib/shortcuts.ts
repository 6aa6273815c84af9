/** What a keyboard shortcut does in a call. */
export type ShortcutAction = 'mic' | 'camera' | 'chat' | 'people' | 'hand' | 'help';

export interface Shortcut {
  key: string;
  action: ShortcutAction;
  description: string;
}

/** Single keys, as Jitsi Meet has them: they work only while no text field has the focus. */
export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'm', action: 'mic', description: 'Mute or unmute your microphone' },
  { key: 'v', action: 'camera', description: 'Turn your camera off or on' },
  { key: 'c', action: 'chat', description: 'Open or close the chat' },
  { key: 'p', action: 'people', description: 'Show or hide the people in the call' },
  { key: 'h', action: 'hand', description: 'Raise or lower your hand' },
  { key: '?', action: 'help', description: 'Show these shortcuts' },
];

/** The key to show next to an action (in a tooltip, in `aria-keyshortcuts`). */
export const shortcutKey = (action: ShortcutAction): string => SHORTCUTS.find((shortcut) => shortcut.action === action)!.key.toUpperCase();

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing: boolean;
  repeat: boolean;
  target: EventTarget | null;
}

/** Where typing a letter must type it: text fields, editable content, and the options of a select. */
function isTypingInto(target: EventTarget | null): boolean {
  if (typeof Element === 'undefined' || !(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
  return false;
}

/**
 * The shortcut a key press means, if any. Nothing while typing, with a modifier (the browser's own
 * shortcuts win), while an input method composes, or when the key is held down.
 */
export function shortcutFor(press: KeyPress): ShortcutAction | undefined {
  if (press.ctrlKey || press.metaKey || press.altKey || press.isComposing || press.repeat) return undefined;
  if (isTypingInto(press.target)) return undefined;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  return SHORTCUTS.find((shortcut) => shortcut.key === key)?.action;
}
