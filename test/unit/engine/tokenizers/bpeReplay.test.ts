/**
 * The replays must end in exactly the tokenizer's tokens: BPE merges (from the merge ranks) and
 * WordPiece's greedy steps, for every distinct word of the 1 MB corpus, with both tokenizers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer, BUNDLED_TOKENIZERS } from '../../../../src/engine/tokenizers/load';
import type { MergeTrace } from '../../../../src/engine/tokenizers/types';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpus, describeChunk } from '../../../support/referenceCorpus';
import { bundledJsonPath } from '../../../support/rustReference';

/** The symbols after each BPE step are the previous ones with one adjacent pair joined. */
function checkBpeSteps(trace: Extract<MergeTrace, { kind: 'bpe' }>): void {
  let symbols = trace.initial;
  assert.equal(symbols.join(''), trace.word);
  for (const step of trace.steps) {
    const at = step.symbols.findIndex((s, i) => s !== symbols[i]);
    assert.ok(at >= 0, `step ${JSON.stringify(step)} changed nothing`);
    assert.deepEqual(step.pair, [symbols[at], symbols[at + 1]]);
    assert.deepEqual(step.symbols, [...symbols.slice(0, at), step.pair.join(''), ...symbols.slice(at + 2)]);
    symbols = step.symbols;
  }
}

function checkWordPieceSteps(trace: Extract<MergeTrace, { kind: 'wordpiece' }>): void {
  let pos = 0;
  for (const step of trace.steps) {
    assert.equal(step.start, pos, `steps of ${trace.word} are not contiguous`);
    pos = step.end;
  }
  if (trace.tokens[0] !== '[UNK]') assert.equal(pos, trace.word.length);
}

for (const name of BUNDLED_TOKENIZERS) {
  test(`${name}: the replay of every corpus word ends in the tokenizer's own tokens`, async () => {
    const tok = await loadTokenizer(name);
    const checked = new Set<string>();
    let words = 0;
    for (const chunk of buildCorpus().chunks) {
      // Added tokens (<|endoftext|>, [MASK], …) are cut out before the model: they have no replay.
      const tokens = tok.encode(chunk.text).tokens.filter((t) => !t.special);
      let k = 0;
      for (const { start, end, trace } of tok.trace(chunk.text)) {
        const mine = tokens.slice(k, k + trace.tokens.length);
        k += trace.tokens.length;
        for (const t of mine) {
          assert.ok(t.start >= start && t.end <= end, `${describeChunk(chunk)}: token ${t.token} [${t.start},${t.end}) outside its word [${start},${end})`);
        }
        if (checked.has(trace.word)) continue;
        checked.add(trace.word);
        words++;
        assert.deepEqual(trace.tokens, mine.map((t) => t.token), `${describeChunk(chunk)}: replay of ${JSON.stringify(trace.word)}`);
        if (trace.kind === 'bpe') checkBpeSteps(trace);
        else checkWordPieceSteps(trace);
      }
      assert.equal(k, tokens.length, `${describeChunk(chunk)}: the replays cover ${k} of ${tokens.length} tokens`);
    }
    assert.ok(words > 8_000, `only ${words} distinct words replayed`);
  });
}

test('GPT-2: " lowest" is replayed from the merge ranks, lowest rank first', async () => {
  const gpt2 = await loadTokenizer('gpt2');
  const [{ trace }] = gpt2.trace(' lowest');
  assert.equal(trace.kind, 'bpe');
  if (trace.kind !== 'bpe') return;
  assert.deepEqual(trace.initial, ['Ġ', 'l', 'o', 'w', 'e', 's', 't']);
  assert.deepEqual(
    trace.steps.map((s) => [s.pair.join('+'), s.rank]),
    [['e+s', 18], ['Ġ+l', 44], ['o+w', 66], ['es+t', 139], ['Ġl+ow', 1621], ['Ġlow+est', 8760]],
  );
  assert.deepEqual(trace.tokens, ['Ġlowest']);
  const [first] = gpt2.trace(' t');
  assert.deepEqual(first.trace.kind === 'bpe' && first.trace.steps[0], { pair: ['Ġ', 't'], rank: 0, symbols: ['Ġt'] });
});

test('BERT: unaffable → una, ##ffa, ##ble, longest match first', async () => {
  const bert = await loadTokenizer('bert-base-uncased');
  const [{ start, end, trace }] = bert.trace('Unaffable');
  assert.deepEqual([start, end], [0, 9]);
  assert.equal(trace.kind, 'wordpiece');
  if (trace.kind !== 'wordpiece') return;
  assert.deepEqual(trace.steps.map((s) => [s.piece, s.start, s.end]), [['una', 0, 3], ['##ffa', 3, 6], ['##ble', 6, 9]]);
  assert.deepEqual(trace.steps[0].tried, ['unaffable', 'unaffabl', 'unaffab', 'unaffa', 'unaff', 'unaf']);
  assert.deepEqual(trace.tokens, ['una', '##ffa', '##ble']);
  const long = bert.trace('x'.repeat(101))[0].trace;
  assert.deepEqual(long.tokens, ['[UNK]']);
});

test('a long pre-token (no regex split) is replayed in pieces that end in exactly its tokens', async () => {
  const json = JSON.parse(readFileSync(bundledJsonPath('gpt2'), 'utf8')) as Record<string, unknown>;
  json.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
  const path = join(mkdtempSync(join(tmpdir(), 'trex-replay-')), 'tokenizer.json');
  writeFileSync(path, JSON.stringify(json));
  const tok = await loadTokenizer(path);
  const text = buildCorpus().chunks.find((c) => c.source === 'english' && c.text.length > 3000)?.text ?? '';
  const traces = tok.trace(text);
  assert.ok(traces.length > 5, `one long word should give several pieces, got ${traces.length}`);
  assert.equal(traces[0].start, 0);
  assert.equal(traces[traces.length - 1].end, text.length);
  traces.forEach((t, i) => {
    if (i > 0) assert.equal(t.start, traces[i - 1].end, 'pieces are contiguous');
    assert.ok(t.trace.word.length <= 1024);
  });
  assert.deepEqual(traces.flatMap((t) => t.trace.tokens), tok.encode(text).tokens.map((t) => t.token));
});
