/** `trex`, run as a user runs it (node bin/trex.js): JSON shapes, exit codes, one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrex, type TrexRun } from '../../support/trexCli';
import { REPO_ROOT } from '../../support/repoRoot';

function trex(args: string[], input?: string): TrexRun {
  return runTrex(args, { input });
}

function assertOneLineError(r: { code: number | null; stderr: string; stdout: string }, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `more than one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, 'a stack trace');
}

test('the CLI is built', () => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: run node scripts/build.mjs');
});

test('tokenize --json: tokenizer, ids, tokens, UTF-16 offsets', () => {
  const r = trex(['tokenize', '--json', 'Hello world 😀']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    tokenizer: 'gpt2',
    ids: [15496, 995, 30325, 222],
    tokens: ['Hello', 'Ġworld', 'ĠðŁĺ', 'Ģ'],
    offsets: [[0, 5], [5, 11], [11, 14], [12, 14]],
  });
});

test('tokenize reads stdin; --special adds [CLS]/[SEP]; --tokenizer picks BERT', () => {
  const r = trex(['tokenize', '--tokenizer', 'bert-base-uncased', '--special', '--json'], 'Naïve café\n');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    tokenizer: 'bert-base-uncased',
    ids: [101, 15743, 7668, 102],
    tokens: ['[CLS]', 'naive', 'cafe', '[SEP]'],
    offsets: [[0, 0], [0, 5], [6, 10], [0, 0]],
  });
});

test('tokenize without --json prints a readable table', () => {
  const r = trex(['tokenize', 'Hello world']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /GPT-2 \(byte-level BPE\): 2 tokens for 11 characters/);
  assert.match(r.stdout, /995\s+"Ġworld"\s+␣world\s+5\s+11/);
});

test('bpe --json: merge steps with pair, rank and symbols, ending in the tokens', () => {
  const r = trex(['bpe', '--json', 'lower']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { kind: string; steps: Array<{ pair: string[]; rank: number; symbols: string[] }>; tokens: string[] };
  assert.equal(out.kind, 'bpe');
  assert.deepEqual(out.tokens, ['lower']);
  assert.ok(out.steps.length >= 2);
  for (const s of out.steps) assert.deepEqual(Object.keys(s).sort(), ['pair', 'rank', 'symbols']);
  assert.deepEqual(out.steps[out.steps.length - 1].symbols, ['lower']);
});

test('bpe --json with BERT gives WordPiece steps', () => {
  const r = trex(['bpe', '--tokenizer', 'bert-base-uncased', '--json', 'unaffable']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { kind: string; steps: Array<{ piece: string; start: number; end: number }>; tokens: string[] };
  assert.equal(out.kind, 'wordpiece');
  assert.deepEqual(out.tokens, ['una', '##ffa', '##ble']);
  assert.deepEqual(out.steps.map((s) => [s.piece, s.start, s.end]), [['una', 0, 3], ['##ffa', 3, 6], ['##ble', 6, 9]]);
});

test('learn-bpe --json --merges N', () => {
  const r = trex(['learn-bpe', '--json', '--merges', '3'], 'low low low low low lower lower lowest newer newer newer wider wider');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { merges: Array<{ merged: string; frequency: number }> };
  assert.deepEqual(out.merges.map((m) => [m.merged, m.frequency]), [['lo', 8], ['low', 8], ['er', 7]]);
  const text = trex(['learn-bpe', 'abc abc abd']);
  assert.match(text.stdout, /1\. a \+ b → ab {2}\(frequency 3\)/);
});

test('--help', () => {
  const r = trex(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage:/);
  assert.match(r.stdout, /trex tokenize/);
});

test('user mistakes: one line on stderr, non-zero exit, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trex-cli-'));
  const broken = join(dir, 'tokenizer.json');
  writeFileSync(broken, '{ not json');
  const unigram = join(dir, 'unigram.json');
  writeFileSync(unigram, JSON.stringify({ model: { type: 'Unigram', vocab: [['a', 0]], unk_id: 4 } }));
  assertOneLineError(trex(['tokenize', '--tokenizer', 'nope', 'x']), 1, /^trex: unknown tokenizer "nope"/);
  assertOneLineError(trex(['tokenize', '--tokenizer', dir, 'x']), 1, /is not valid JSON/);
  assertOneLineError(trex(['tokenize', '--tokenizer', join(dir, 'absent.json'), 'x']), 1, /cannot read .*absent\.json/);
  assertOneLineError(trex(['tokenize', '--tokenizer', unigram, 'x']), 1, /the Unigram "unk_id" 4 is not in the vocabulary of 1/);
  assertOneLineError(trex(['tokenize', '--frobnicate', 'x']), 2, /unknown option --frobnicate/);
  assertOneLineError(trex(['tokenize', '--tokenizer']), 2, /--tokenizer needs a value/);
  assertOneLineError(trex(['explode']), 2, /unknown command "explode"/);
  assertOneLineError(trex(['learn-bpe', '--merges', 'many', 'x']), 2, /--merges must be a whole number/);
  assertOneLineError(trex(['bpe', '--json']), 2, /bpe needs a WORD/);
});
