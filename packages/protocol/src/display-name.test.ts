import { describe, expect, it } from 'vitest';
import { DisplayNameSchema } from './schemas.js';

const accepted = (name: string) => DisplayNameSchema.safeParse(name).success;

describe('display names', () => {
  it.each([
    ['Latin with accents', 'Zoë Ångström'],
    ['decomposed accents (normalised to NFC)', 'Zoe\u0308'],
    ['Arabic', 'فاطمة الزهراء'],
    ['Persian with ZWNJ', 'می\u200cخواهم'],
    ['Hebrew with niqqud', 'שָׁלוֹם'],
    ['Devanagari', 'प्रिया शर्मा'],
    ['Tamil', 'தமிழ்செல்வி'],
    ['Thai', 'สมชาย ใจดี'],
    ['Chinese', '李小龙'],
    ['Japanese', '山田 たろう カタカナ'],
    ['Korean', '김민준'],
    ['Greek', 'Αλέξανδρος'],
    ['Cyrillic', 'Наталья'],
    ['Latin beside Chinese', 'Wei 李'],
    ['emoji family (ZWJ)', 'Mum 👨\u200d👩\u200d👧\u200d👦'],
    ['emoji with skin tone and variation selector', 'Sam 👍🏽 ❤\ufe0f'],
    ['subdivision flag', 'Alex 🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}'],
    ['digits and punctuation', "O'Brien-Smith 2"],
  ])('accepts %s', (_label, name) => {
    expect(accepted(name), name).toBe(true);
  });

  it('normalises to NFC and trims', () => {
    expect(DisplayNameSchema.parse('  Zoe\u0308 ')).toBe('Zoë');
  });

  it.each([
    ['Hangul filler only', '\u3164'],
    ['braille blank only', '\u2800\u2800'],
    ['Hangul fillers around nothing', '\u115f\u1160'],
    ['zero-width space', 'Ada\u200bLovelace'],
    ['only a joiner', '\u200d'],
    ['a joiner at the end', 'Ada\u200d'],
    ['a joiner beside a space', 'Ada \u200cBob'],
    ['right-to-left override', 'Ada\u202eecalevol'],
    ['stack of combining marks', `Z${'\u0336\u0317\u0324\u0301\u0300'.repeat(3)}algo`],
    ['combining mark with nothing under it', '\u0301Ada'],
    ['Latin and Cyrillic look-alikes', 'Аdа'],
    ['Latin and Greek look-alikes', 'Αdam'],
    ['Cyrillic and Greek', 'Νаталья'],
    ['stray tag characters', 'Ada\u{e0067}'],
    ['control character', 'bad\u0000name'],
    ['only spaces', '   '],
    ['runs of spaces', 'Ada      Lovelace'],
  ])('refuses %s', (_label, name) => {
    expect(accepted(name), JSON.stringify(name)).toBe(false);
  });
});
