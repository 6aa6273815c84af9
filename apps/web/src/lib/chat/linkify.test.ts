import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.js';

describe('linkify', () => {
  it('turns http and https URLs into links and keeps the rest as text', () => {
    expect(linkify('see https://example.org/a?b=1, then http://x.test.')).toEqual([
      { text: 'see ' },
      { text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { text: ', then ' },
      { text: 'http://x.test', href: 'http://x.test/' },
      { text: '.' },
    ]);
  });

  it('never makes links of other schemes or markup', () => {
    expect(linkify('javascript:alert(1) <a href="https://evil.test">x</a> data:text/html,hi')).toEqual([
      { text: 'javascript:alert(1) <a href="' },
      { text: 'https://evil.test', href: 'https://evil.test/' },
      { text: '">x</a> data:text/html,hi' },
    ]);
  });

  it('returns plain text unchanged', () => {
    expect(linkify('just words')).toEqual([{ text: 'just words' }]);
  });
});
