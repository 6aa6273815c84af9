import { describe, expect, it } from 'vitest';
import { shortcutFor, shortcutKey, type KeyPress } from './shortcuts.js';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  isComposing: false,
  repeat: false,
  target: null,
  ...extra,
});

describe('shortcutFor', () => {
  it('maps the single keys, in either case', () => {
    expect(shortcutFor(press('m'))).toBe('mic');
    expect(shortcutFor(press('M'))).toBe('mic');
    expect(shortcutFor(press('v'))).toBe('camera');
    expect(shortcutFor(press('c'))).toBe('chat');
    expect(shortcutFor(press('p'))).toBe('people');
    expect(shortcutFor(press('h'))).toBe('hand');
    expect(shortcutFor(press('?'))).toBe('help');
    expect(shortcutFor(press('x'))).toBeUndefined();
    expect(shortcutFor(press('Enter'))).toBeUndefined();
  });

  it('leaves the browser its own shortcuts and ignores held keys and input-method composition', () => {
    expect(shortcutFor(press('m', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutFor(press('c', { metaKey: true }))).toBeUndefined();
    expect(shortcutFor(press('v', { altKey: true }))).toBeUndefined();
    expect(shortcutFor(press('m', { repeat: true }))).toBeUndefined();
    expect(shortcutFor(press('m', { isComposing: true }))).toBeUndefined();
  });

  it('shows keys in upper case', () => {
    expect(shortcutKey('mic')).toBe('M');
    expect(shortcutKey('help')).toBe('?');
  });
});
