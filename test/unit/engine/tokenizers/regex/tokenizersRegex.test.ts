/**
 * The linear-time regex engine (src/engine/tokenizers/regex/) against V8:
 *  - a seeded differential test: random patterns from a small grammar (classes, literals, greedy,
 *    lazy and counted quantifiers, alternation, groups, lookarounds, anchors) × random short
 *    strings (ASCII, accents, emoji, whitespace): every span of a full `g` scan must be V8's;
 *  - real pre-tokenizer patterns (GPT-2, Llama-3, GPT-4o, Qwen2, Bloom, DeepSeek), converted from
 *    Oniguruma by tokenizers.js, on the unicode stress text and a slice of the corpus;
 *  - linear time shown by counting the engine's steps (never by timing);
 *  - what it refuses (backreferences, lookbehinds it cannot decide, huge programs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRegex, RegexSearch, UnsupportedRegex, type Program } from '../../../../../src/engine/tokenizers/regex/compile';
import { hfRegex } from '../../../../../src/engine/tokenizers/hfTokenizers';
import { seededRandom, unicodeStressText } from '../../../../support/unicodeStress';
import { buildCorpus } from '../../../../support/referenceCorpus';

/** A JavaScript `g` scan with the engine: after an empty match, on by one code point. */
function engineScan(program: Program, text: string): { spans: number[]; steps: number } {
  const search = new RegexSearch(program, text);
  const spans: number[] = [];
  for (let from = 0; from <= text.length; ) {
    const m = search.find(from);
    if (!m) break;
    spans.push(m.start, m.end);
    from = m.end > m.start ? m.end : m.end + ((text.codePointAt(m.end) ?? 0) > 0xffff ? 2 : 1);
  }
  return { spans, steps: search.steps };
}

function nativeScan(regex: RegExp, text: string): number[] {
  const spans: number[] = [];
  for (const m of text.matchAll(regex)) spans.push(m.index, m.index + m[0].length);
  return spans;
}

/** Inside a surrogate pair: V8's `u` scan can report an empty match there (the spec and Rust cannot). */
function insidePair(text: string, at: number): boolean {
  return at > 0 && at < text.length && (text.charCodeAt(at - 1) & 0xfc00) === 0xd800 && (text.charCodeAt(at) & 0xfc00) === 0xdc00;
}

const ATOMS = [
  'a', 'b', 'c', ' ', 'é', '😀', '\\n', '[ab]', '[^a]', '\\s', '\\S', '\\p{L}', '.', '[\\s\\S]', '\\d', '\\w', '[😀-😂]',
  '[^\\p{L}\\s]', 'A', '[a-c😀]', '\\u{1F600}', '\\p{M}', '[^]', '\\x41',
];
const QUANTIFIERS = ['*', '+', '?', '{2}', '{1,}', '{0,2}', '{1,3}', '*?', '+?', '??', '{1,2}?', '{2,}?'];
const CHARS = ['a', 'b', 'c', ' ', 'é', '😀', '\n', 'A', '1', '😁', 'e\u0301', '\t', '.'];

/**
 * A random pattern. `loops` counts the quantified groups around it: at most two are nested, because
 * the reference itself (V8's backtracking) needs exponential time on deeper nests — one seed drew
 * `(?:(?:(?:.|A|…){0,2}){0,2}){2,}?…`, which V8 took 440 s to scan on a 12-character string. The
 * engine's own bound on such nests is shown by counting steps below.
 */
function randomPattern(random: () => number, depth: number, loops = 0): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const quantifier = (): string => (loops >= 2 ? '' : pick(QUANTIFIERS));
  const r = random();
  if (depth <= 0 || r < 0.3) return pick(ATOMS);
  if (r < 0.45) return randomPattern(random, depth - 1, loops) + randomPattern(random, depth - 1, loops);
  if (r < 0.55) return `${randomPattern(random, depth - 1, loops)}|${randomPattern(random, depth - 1, loops)}`;
  if (r < 0.75) return `${pick(['(', '(?:'])}${randomPattern(random, depth - 1, loops + 1)})${quantifier()}`;
  if (r < 0.8) return pick(ATOMS) + quantifier();
  if (r < 0.86) return `${pick(['(?=', '(?!'])}${randomPattern(random, depth - 1, loops)})`;
  if (r < 0.9) return `${pick(['(?<=', '(?<!'])}${pick(ATOMS)})`;
  if (r < 0.95) return pick(['^', '$', '\\b', '\\B']);
  // Eight options or more: matched by dispatching on the next character.
  if (r < 0.975) {
    const options = Array.from({ length: 8 + Math.floor(random() * 5) }, () => randomPattern(random, depth - 2, loops + 1));
    return `(?:${options.join('|')})${loops >= 2 ? '' : pick(['', ...QUANTIFIERS])}`;
  }
  return `(${randomPattern(random, depth - 1, loops)}|${randomPattern(random, depth - 1, loops)})`;
}

test('random patterns × random strings: every match span of a g scan is V8\'s', () => {
  const random = seededRandom(20250611);
  let cases = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (let p = 0; p < 2500; p++) {
    const source = randomPattern(random, 4);
    const flags = ['u', 'u', 'ui', 'um', 'us'][Math.floor(random() * 5)];
    const native = new RegExp(source, `${flags}g`);
    const program = compileRegex(source, flags);
    for (let t = 0; t < 10; t++) {
      let text = '';
      for (let n = Math.floor(random() * 12); n > 0; n--) text += CHARS[Math.floor(random() * CHARS.length)];
      const expected = nativeScan(native, text);
      if (expected.some((at) => insidePair(text, at))) {
        skipped++;
        continue;
      }
      cases++;
      const actual = engineScan(program, text).spans;
      if (actual.join() !== expected.join() && failures.length < 5) {
        failures.push(`/${source}/${flags} on ${JSON.stringify(text)}: engine ${actual.join()} V8 ${expected.join()}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(cases >= 20_000, `${cases} cases`);
  assert.ok(skipped < cases / 20, `${skipped} skipped of ${cases}`);
});

const REAL_PATTERNS: Record<string, string> = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  llama3: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  qwen2: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  gpt4o:
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  bloom: ' ?[^(\\s|[.,!?…。，、।۔،])]+',
  deepseekV3: "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  deepseekCjk: '[一-龥぀-ゟ゠-ヿ]+',
  deepseekPunct: '\\s?[!-/:-~！-／：-～‘-‟　-。]+',
  deepseekTrailing: '\\s+$',
  digits: '\\p{N}{1,3}',
  wordBoundaries: '\\b\\w+\\b|^\\s+|\\s+$',
  intersection: '[[a-z]&&[^aeiou]]+|[\\w&&[^\\d]]+',
  words: '\\b(?:the|and|of|to|in|is|that|for|it|with|as|was|on|be|by|this|are|or|from|at|an|but|not|all|le|la|les|de|des|et|où|café)\\b|\\s+',
};

test('real pre-tokenizer patterns, converted by tokenizers.js: the engine matches V8 on stress text and corpus', () => {
  const corpus = buildCorpus().chunks.map((c) => c.text).join('\n');
  const texts = [unicodeStressText(60_000, 7), corpus.slice(0, 200_000), corpus.slice(-150_000)];
  for (const [name, pattern] of Object.entries(REAL_PATTERNS)) {
    const native = hfRegex(pattern);
    const program = compileRegex(native.source, native.flags);
    for (const text of texts) {
      const expected = nativeScan(native, text);
      const actual = engineScan(program, text).spans;
      if (actual.join() !== expected.join()) {
        const i = actual.findIndex((x, k) => x !== expected[k]);
        assert.fail(`${name}: first difference at span value ${i}: engine ${actual[i]} V8 ${expected[i]} near ${JSON.stringify(text.slice(Math.max(0, (expected[i] ?? 0) - 20), (expected[i] ?? 0) + 20))}`);
      }
    }
  }
});

test('v-flag classes (set operations) are decided by V8', () => {
  for (const source of ['[\\p{L}--[a-z]]+', '[[a-z]&&[^aeiou]]+', '[\\p{N}x]+']) {
    const native = new RegExp(source, 'vg');
    const text = unicodeStressText(5_000, 3);
    assert.equal(engineScan(compileRegex(source, 'v'), text).spans.join(), nativeScan(native, text).join(), source);
  }
});

/**
 * Steps of a whole scan: a memoized state is expanded at most once per (node, position, fresh
 * loops), so a scan costs O(program × text). The bound checked is 4 × (nodes + memo slots) per
 * character, for 10k and 100k characters — and steps grow linearly between the two.
 */
test('pathological patterns take a number of steps linear in the text (no timing)', () => {
  const cases: Array<[string, (n: number) => string]> = [
    ['(a+)+$', (n) => `${'a'.repeat(n)}!`],
    ['(a|a)*b', (n) => 'a'.repeat(n)],
    ['(a|aa)+$', (n) => `${'a'.repeat(n)}!`],
    ['\\s*\\s*\\s*x', (n) => ' '.repeat(n)],
    ['(?:a*)*b', (n) => 'a'.repeat(n)],
    ['(?:a|b|ab)*c', (n) => 'ab'.repeat(n / 2)],
    ['(?=(a+))a*b', (n) => 'a'.repeat(n)],
    ['(?!(?:a|aa)+$)a', (n) => 'a'.repeat(n)],
    ['(?:a{1,5}){1,5}y', (n) => 'a'.repeat(n)],
    ['\\s+(?!\\S)|\\s+', (n) => `${' '.repeat(n)}x`],
  ];
  for (const [source, make] of cases) {
    const program = compileRegex(source, 'u');
    const size = program.op.length + program.slots;
    const steps = [10_000, 100_000].map((n) => {
      const { spans, steps: count } = engineScan(program, make(n));
      const short = make(20);
      assert.equal(engineScan(program, short).spans.join(), nativeScan(new RegExp(source, 'ug'), short).join(), source);
      assert.ok(count <= 4 * size * (n + 1), `${source}: ${count} steps for ${n} characters, program ${size}`);
      return { count, spans };
    });
    assert.ok(steps[1].count <= 10.5 * steps[0].count, `${source}: ${steps[0].count} → ${steps[1].count} steps`);
  }
});

test('constructs the engine does not run are refused, not run by V8', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['(a)\\1', 'u', /backreference/],
    ['(?<x>a)\\k<x>', 'u', /backreference/],
    ['(?<=a+)b', 'u', /lookbehind other than fixed characters/],
    ['(?<!a|b*)c', 'u', /lookbehind other than fixed characters/],
    ['[\\q{abc}]', 'v', /string literal/],
    ['\\p{RGI_Emoji}', 'v', /string property/],
    ['a{20000}', 'u', /count above/],
    ['(?:(?:a{100}){100}){100}', 'u', /larger than/],
    [`${'('.repeat(150)}a${')'.repeat(150)}`, 'u', /nested deeper/],
    ['a', '', /without the u or v flag/],
    ['a', 'uy', /flag "y"/],
  ];
  for (const [source, flags, why] of refused) {
    assert.throws(() => compileRegex(source, flags), (e: unknown) => e instanceof UnsupportedRegex && why.test(e.message), source);
  }
  // Fixed lookbehinds (tokenizers.js writes \b, ^ and \A with them) are run exactly.
  const program = compileRegex('(?<=ab|😀)c(?<!x{2})', 'u');
  assert.equal(engineScan(program, 'abc 😀c xxc').spans.join(), '2,3,6,7');
});
