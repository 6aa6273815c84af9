/**
 * What makes a display name acceptable, beyond its length. Names are shown to everyone in a room, so
 * they must render as something, must not impersonate by mixing look-alike scripts, and must not
 * smear over the interface with stacks of combining marks. Real names in every script pass: joiners
 * (ZWJ in emoji families, ZWNJ in Persian) are allowed where they join two visible characters.
 */

/** Joiners that shape real text (U+200C ZWNJ in Persian, U+200D ZWJ in emoji and Indic scripts). */
const JOINER = /[\u200c\u200d]/u;
/** Emoji tag characters (subdivision flags such as England's), valid only after U+1F3F4. */
const TAG = /[\u{e0020}-\u{e007f}]/u;
/** Control, format, unassigned, private-use and surrogate code points. */
const OTHER = /\p{C}/u;
const MARK = /\p{M}/u;
/** Something a reader sees: a letter, number, punctuation or symbol, except the blank braille pattern. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
/** Characters that take space but show nothing, Unicode's "default ignorable" ones included (U+3164). */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]/u;

export const MAX_MARKS_PER_CHARACTER = 4;

/** Scripts whose letters look like each other's: a name may not mix two of them (Latin "a", Cyrillic "а"). */
const SCRIPTS = [
  'Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Cherokee', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari',
  'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan',
  'Myanmar', 'Khmer', 'Ethiopic', 'Mongolian', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo',
].map((name) => ({ name, pattern: new RegExp(`\\p{Script=${name}}`, 'u') }));

/** CJK writing mixes scripts by nature, and any script may be written beside Latin except its look-alikes. */
const CJK_SETS = [new Set(['Han', 'Hiragana', 'Katakana']), new Set(['Han', 'Bopomofo']), new Set(['Han', 'Hangul'])];
const CONFUSABLE_WITH_LATIN = new Set(['Cyrillic', 'Greek', 'Armenian', 'Cherokee']);

function scriptOf(character: string): string {
  return SCRIPTS.find(({ pattern }) => pattern.test(character))?.name ?? `other:${character}`;
}

function mixesScripts(letters: string[]): boolean {
  const scripts = new Set(letters.map(scriptOf));
  if (scripts.size <= 1) return false;
  const withoutLatin = new Set([...scripts].filter((script) => script !== 'Latin'));
  if (CJK_SETS.some((set) => [...withoutLatin].every((script) => set.has(script)))) return false;
  if (withoutLatin.size === 1 && scripts.has('Latin')) return CONFUSABLE_WITH_LATIN.has([...withoutLatin][0]!);
  return true;
}

/** Why a (normalised, trimmed) name is not acceptable, or undefined when it is. */
export function displayNameProblem(name: string): string | undefined {
  const characters = [...name];
  let marks = 0;
  let visible = 0;
  const letters: string[] = [];
  for (let i = 0; i < characters.length; i++) {
    const character = characters[i]!;
    if (MARK.test(character)) {
      if (i === 0 || ++marks > MAX_MARKS_PER_CHARACTER) return 'too many combining marks';
      continue;
    }
    marks = 0;
    if (JOINER.test(character)) {
      const before = characters[i - 1];
      const after = characters[i + 1];
      const joins = (c: string | undefined) => c !== undefined && (VISIBLE.test(c) || MARK.test(c)) && !INVISIBLE.test(c);
      if (!joins(before) || !joins(after)) return 'a joiner must sit between two visible characters';
      continue;
    }
    if (TAG.test(character)) {
      const tagged = characters.slice(0, i).reverse().find((c) => !TAG.test(c));
      if (tagged !== '\u{1f3f4}') return 'no control or invisible formatting characters';
      continue;
    }
    if (OTHER.test(character)) return 'no control or invisible formatting characters';
    if (INVISIBLE.test(character)) {
      if (character !== ' ') return 'no invisible characters';
      continue;
    }
    if (VISIBLE.test(character)) visible += 1;
    if (/\p{L}/u.test(character)) letters.push(character);
  }
  if (visible === 0) return 'the name must show something';
  if (/ {2}/.test(name)) return 'no runs of spaces';
  if (mixesScripts(letters)) return 'letters from look-alike scripts may not be mixed';
  return undefined;
}
