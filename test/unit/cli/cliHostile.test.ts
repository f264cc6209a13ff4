/**
 * The rule "no user input ends in exit 70 / internal error": `trex` run as a user runs it
 * (node bin/trex.js, stdin a real pipe) on hostile invocations. Each row says the exit code it
 * must give; a failure must be exactly one stderr line of at most 600 characters, with no
 * "internal error" and no stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_MESSAGE_CHARS } from '../../../src/engine/errorText';
import { MAX_INPUT_BYTES } from '../../../src/cli/input';
import { tempDir, tinyModelDir } from '../../support/tinyModels';
import { REPO_ROOT } from '../../support/repoRoot';

const BIN = join(REPO_ROOT, 'bin', 'trex.js');
const env = { ...process.env, TREX_CACHE_DIR: tempDir('trex-hostile-cache-'), HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_CACHE: tempDir('trex-hostile-hf-'), HF_HUB_OFFLINE: '1' };

/** What trex reads on stdin: nothing (closed at once), bytes, or bytes written after a pause (a pipe still empty when trex starts). */
type Stdin = { bytes: string | Buffer; delayMs?: number };

interface Row {
  name: string;
  args: string[];
  stdin?: Stdin;
  exit: 0 | 1 | 2;
  /** What the one stderr line must say, for a failure. */
  says?: RegExp;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function trex(args: string[], stdin: Stdin = { bytes: '' }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined); // trex may stop reading (too large) and exit first
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    const write = (): void => {
      child.stdin.end(stdin.bytes);
    };
    if (stdin.delayMs) setTimeout(write, stdin.delayMs);
    else write();
  });
}

// ── fixtures ──
const dir = tempDir('trex-hostile-');
const emptyDir = join(dir, 'empty');
mkdirSync(emptyDir);
const notModel = join(dir, 'not-a-model');
mkdirSync(notModel);
writeFileSync(join(notModel, 'config.json'), '{}');
const plainFile = join(dir, 'notes.txt');
writeFileSync(plainFile, 'just text\n');
const dangling = join(dir, 'dangling');
symlinkSync(join(dir, 'nowhere'), dangling);
symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
const gpt2 = tinyModelDir('gpt2');
const bert = tinyModelDir('bert');
const long = (n: number): string => 'x'.repeat(n);
/** ~200 kB of prose: many lines, many words. */
const text200k = 'Le chat mange des croquettes. The cat eats. '.repeat(4600);

const rows: Row[] = [
  // ── unknown commands and options ──
  { name: 'unknown command', args: ['explode'], exit: 2, says: /unknown command "explode"/ },
  { name: 'empty command', args: [''], exit: 2, says: /unknown command ""/ },
  { name: 'a 5,000-character command', args: [long(5000)], exit: 2, says: /unknown command "x+….*\(5000 characters\)/ },
  { name: 'a 5,000-character option', args: ['tokenize', `--${long(5000)}`], exit: 2, says: /unknown option --x+/ },
  { name: 'an option without its value', args: ['generate', '--model'], exit: 2, says: /--model needs a value/ },

  // ── bad option values: NaN, negative, huge, empty, fractional ──
  { name: '--merges NaN', args: ['learn-bpe', '--merges', 'NaN', 'x'], exit: 2, says: /--merges must be a whole number from 0 to 5000, got "NaN"/ },
  { name: '--merges negative', args: ['learn-bpe', '--merges', '-1', 'x'], exit: 2, says: /--merges must be/ },
  { name: '--merges huge', args: ['learn-bpe', '--merges', '1e9', 'x'], exit: 2, says: /--merges must be/ },
  { name: '--merges empty', args: ['learn-bpe', '--merges', '', 'x'], exit: 2, says: /--merges must be .*got ""/ },
  { name: '--num-beams 1000', args: ['generate', '--model', gpt2, '--strategy', 'beam', '--num-beams', '1000', 'x'], exit: 2, says: /--num-beams must be a whole number from 1 to 16, got "1000"/ },
  { name: '--num-beams 0', args: ['generate', '--model', gpt2, '--num-beams', '0', 'x'], exit: 2, says: /--num-beams must be/ },
  { name: '--max-new-tokens 1e9', args: ['generate', '--model', gpt2, '--max-new-tokens', '1e9', 'x'], exit: 2, says: /--max-new-tokens must be a whole number from 1 to 2048/ },
  { name: '--max-new-tokens NaN', args: ['generate', '--model', gpt2, '--max-new-tokens', 'NaN', 'x'], exit: 2, says: /--max-new-tokens must be/ },
  { name: '--max-new-tokens 2.5', args: ['generate', '--model', gpt2, '--max-new-tokens', '2.5', 'x'], exit: 2, says: /--max-new-tokens must be/ },
  { name: '--top-k huge', args: ['generate', '--model', gpt2, '--strategy', 'sample', '--top-k', '99999999', 'x'], exit: 2, says: /--top-k must be a whole number from 0 to 1000/ },
  { name: '--show-top-k huge', args: ['generate', '--model', gpt2, '--show-top-k', '1e6', 'x'], exit: 2, says: /--show-top-k must be/ },
  { name: '--temperature 0', args: ['generate', '--model', gpt2, '--strategy', 'sample', '--temperature', '0', 'x'], exit: 2, says: /--temperature must be a number > 0/ },
  { name: '--temperature Infinity', args: ['generate', '--model', gpt2, '--temperature', 'Infinity', 'x'], exit: 2, says: /--temperature must be/ },
  { name: '--top-p 0', args: ['generate', '--model', gpt2, '--top-p', '0', 'x'], exit: 2, says: /--top-p must be/ },
  { name: '--seed -1', args: ['generate', '--model', gpt2, '--seed', '-1', 'x'], exit: 2, says: /--seed must be a whole number from 0 to 4294967295/ },
  { name: '--length-penalty NaN', args: ['generate', '--model', gpt2, '--length-penalty', 'NaN', 'x'], exit: 2, says: /--length-penalty must be a number/ },
  { name: '--stop empty', args: ['generate', '--model', gpt2, '--stop', '', 'x'], exit: 2, says: /--stop must be a text of 1 to 200 characters/ },
  { name: '--stop of 5,000 characters', args: ['generate', '--model', gpt2, '--stop', long(5000), 'x'], exit: 2, says: /--stop must be/ },
  { name: '--strategy empty', args: ['generate', '--model', gpt2, '--strategy', '', 'x'], exit: 2, says: /--strategy must be one of greedy, beam, sample/ },
  { name: '--precision int2', args: ['logits', '--model', gpt2, '--precision', 'int2', 'x'], exit: 2, says: /--precision must be one of float32, int8, int4, got "int2"/ },
  { name: '--device empty', args: ['logits', '--model', gpt2, '--device', '', 'x'], exit: 2, says: /--device must be one of/ },
  { name: 'fill-mask --top-k 0', args: ['fill-mask', '--model', bert, '--top-k', '0', 'x [MASK]'], exit: 2, says: /--top-k must be a whole number from 1 to 1000/ },
  { name: 'fill-mask --targets ×1000', args: ['fill-mask', '--model', bert, '--targets', Array(1000).fill('w').join(','), 'x [MASK]'], exit: 2, says: /--targets takes at most 100 words/ },
  { name: 'logits --top-k huge', args: ['logits', '--model', gpt2, '--top-k', '1e12', 'x'], exit: 2, says: /--top-k must be/ },
  { name: 'perplexity --window 1', args: ['perplexity', '--model', gpt2, '--window', '1', 'x'], exit: 2, says: /--window must be a whole number from 2 to 65536/ },
  { name: 'perplexity --window beyond the context', args: ['perplexity', '--model', gpt2, '--window', '60000', 'le chat'], exit: 1, says: /the window must be a whole number from 2 to 64 tokens/ },
  { name: 'perplexity --stride 0', args: ['perplexity', '--model', gpt2, '--stride', '0', 'x'], exit: 2, says: /--stride must be/ },
  { name: 'attention --layer beyond the model', args: ['attention', '--model', gpt2, '--layer', '99', 'x'], exit: 2, says: /--layer 99 does not exist: .* has layers 0 to 1/ },
  { name: 'attention --head -1', args: ['attention', '--model', gpt2, '--head', '-1', 'x'], exit: 2, says: /--head must be a whole number/ },

  // ── stdin: empty, 200 kB, a slow pipe, too large ──
  { name: 'tokenize, 0 bytes piped', args: ['tokenize', '--json'], exit: 0 },
  { name: 'tokenize, 200 kB piped', args: ['tokenize', '--json'], stdin: { bytes: text200k }, exit: 0 },
  { name: 'tokenize, a pipe still empty when trex starts', args: ['tokenize'], stdin: { bytes: 'hi\n', delayMs: 300 }, exit: 0 },
  { name: 'learn-bpe, a slow pipe', args: ['learn-bpe', '--json'], stdin: { bytes: 'low lower lowest', delayMs: 300 }, exit: 0 },
  { name: 'tokenize, more than the stdin bound', args: ['tokenize'], stdin: { bytes: Buffer.alloc(MAX_INPUT_BYTES + 1, 0x61) }, exit: 1, says: /stdin holds more than 16 MiB/ },
  { name: 'bpe without a word', args: ['bpe'], exit: 2, says: /bpe needs a WORD/ },
  { name: 'logits, 0 bytes piped', args: ['logits', '--model', gpt2], exit: 1, says: /the text gives no tokens/ },
  { name: 'logits, 200 kB piped', args: ['logits', '--model', gpt2], stdin: { bytes: text200k }, exit: 1, says: /reads at most 64/ },
  { name: 'attention, 0 bytes piped', args: ['attention', '--model', gpt2], exit: 1, says: /the text gives no tokens/ },
  { name: 'perplexity, 0 bytes piped', args: ['perplexity', '--model', gpt2], exit: 1, says: /no token to score/ },
  { name: 'fill-mask, 0 bytes piped', args: ['fill-mask', '--model', bert], exit: 1, says: /no mask in the text/ },
  { name: 'fill-mask, 200 kB piped (a slow pipe)', args: ['fill-mask', '--model', bert], stdin: { bytes: text200k, delayMs: 200 }, exit: 1, says: /no mask in the text/ },
  { name: 'generate, 200 kB piped (the prompt is cut to the context)', args: ['generate', '--model', gpt2, '--max-new-tokens', '2'], stdin: { bytes: text200k }, exit: 0 },

  // ── paths: missing, unreadable, the wrong kind ──
  { name: 'a missing tokenizer file', args: ['tokenize', '--tokenizer', join(dir, 'absent.json'), 'x'], exit: 1, says: /cannot read .*absent\.json/ },
  { name: 'a dangling symlink as tokenizer', args: ['tokenize', '--tokenizer', dangling, 'x'], exit: 1 },
  { name: 'a symlink loop as tokenizer', args: ['tokenize', '--tokenizer', join(dir, 'loop-a'), 'x'], exit: 1 },
  { name: 'a path through a file', args: ['tokenize', '--tokenizer', join(plainFile, 'tokenizer.json'), 'x'], exit: 1 },
  { name: 'an empty folder as tokenizer', args: ['tokenize', '--tokenizer', emptyDir, 'x'], exit: 1, says: /no tokenizer\.json in the folder/ },
  { name: 'an empty tokenizer name', args: ['tokenize', '--tokenizer', '', 'x'], exit: 1 },
  { name: 'a 5,000-character tokenizer path', args: ['tokenize', '--tokenizer', join(dir, long(5000)), 'x'], exit: 1 },
  { name: 'a missing model folder', args: ['logits', '--model', join(dir, 'absent'), 'x'], exit: 1, says: /no model folder/ },
  { name: 'a file as model folder', args: ['logits', '--model', plainFile, 'x'], exit: 1, says: /is not a folder/ },
  { name: 'an empty folder as model', args: ['generate', '--model', emptyDir, 'x'], exit: 1, says: /no config\.json/ },
  { name: 'a folder with config.json {} as model', args: ['fill-mask', '--model', notModel, 'x [MASK]'], exit: 1, says: /has no "model_type"/ },
  { name: 'the repository as model', args: ['model-card', '--model', REPO_ROOT], exit: 1, says: /no config\.json/ },
  { name: 'a dangling symlink as model', args: ['attention', '--model', dangling, 'x'], exit: 1 },
  { name: 'a model path with a line break', args: ['model-card', '--model', `${dir}/a\nb`], exit: 1, says: /no model folder .*a b/ },
  { name: 'an empty --model', args: ['perplexity', '--model', '', 'x'], exit: 2, says: /--model ID\|PATH is required/ },
  { name: 'a Hub id not in the cache, offline', args: ['logits', '--model', 'nobody/no-such-model', 'x'], exit: 1 },
];

// ── hostile file contents: the audit's tokenizer.json, config.json and safetensors defects ──
const bundledGpt2 = (): Record<string, unknown> => JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'tokenizers', 'gpt2.json'), 'utf8')) as Record<string, unknown>;
const wordpieceToy = (): Record<string, unknown> => JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'wordpiece-toy', 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
let files = 0;

/** A tokenizer.json: `edit` changes a copy of `base` (or returns the file's whole text). */
function tokenizerFile(base: () => Record<string, unknown>, edit: (json: Record<string, unknown>) => void | string): string {
  const json = base();
  const text = edit(json);
  const path = join(dir, `tokenizer-${files++}.json`);
  writeFileSync(path, typeof text === 'string' ? text : JSON.stringify(json));
  return path;
}

/** A copy of the tiny GPT-2 with config.json edited. */
function modelWithConfig(edit: (config: Record<string, unknown>) => void): string {
  const folder = join(dir, `model-${files++}`);
  cpSync(gpt2, folder, { recursive: true });
  const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
  edit(config);
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  return folder;
}

/** A copy of the tiny GPT-2 whose model.safetensors is one tensor with this header (4 data bytes). */
function modelWithHeader(header: string): string {
  const folder = join(dir, `model-${files++}`);
  cpSync(gpt2, folder, { recursive: true });
  const json = Buffer.from(header, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(join(folder, 'model.safetensors'), Buffer.concat([length, json, Buffer.alloc(4)]));
  return folder;
}

const nested = (depth: number, inner: string): string => '['.repeat(depth) + inner + ']'.repeat(depth);
/** A pre-tokenizer Sequence nested `depth` deep, as text (JSON.stringify itself overflows on it). */
const sequence = (depth: number): string => '{"type":"Sequence","pretokenizers":['.repeat(depth) + '{"type":"Whitespace"}' + ']}'.repeat(depth);

const contentRows: Row[] = [
  { name: 'a Split regex that backtracks catastrophically, on 30 a', args: ['tokenize', '--tokenizer', tokenizerFile(bundledGpt2, (j) => { j.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false }, j.pre_tokenizer] }; }), `${'a'.repeat(30)}!`], exit: 0 },
  { name: 'an empty-match Replace on a text with an emoji', args: ['tokenize', '--tokenizer', tokenizerFile(bundledGpt2, (j) => { j.normalizer = { type: 'Replace', pattern: { Regex: 'x*' }, content: '-' }; }), 'a😀b'], exit: 0 },
  { name: 'letters past V8\'s backtracking stack (2^20 + 10)', args: ['tokenize'], stdin: { bytes: 'a'.repeat((1 << 20) + 10) }, exit: 0 },
  { name: '"pretokenizers": "x"', args: ['tokenize', '--tokenizer', tokenizerFile(bundledGpt2, (j) => { j.pre_tokenizer = { type: 'Sequence', pretokenizers: 'x' }; }), 'x'], exit: 1, says: /pre_tokenizer\.pretokenizers/ },
  { name: 'a Sequence nested 5,000 deep', args: ['tokenize', '--tokenizer', tokenizerFile(bundledGpt2, (j) => JSON.stringify({ ...j, pre_tokenizer: 'NESTED' }).replace('"NESTED"', sequence(5000))), 'x'], exit: 1, says: /nested/ },
  { name: 'TemplateProcessing with "single": "x"', args: ['tokenize', '--special', '--tokenizer', tokenizerFile(wordpieceToy, (j) => { j.post_processor = { type: 'TemplateProcessing', single: 'x', pair: [], special_tokens: {} }; }), 'x'], exit: 1, says: /post_processor\.single/ },
  { name: 'a null vocabulary id', args: ['tokenize', '--tokenizer', tokenizerFile(wordpieceToy, (j) => { (j.model as { vocab: Record<string, unknown> }).vocab.un = null; }), 'un'], exit: 1, says: /model\.vocab/ },
  { name: 'an unk_token missing from the vocabulary, needed', args: ['tokenize', '--tokenizer', tokenizerFile(wordpieceToy, (j) => { (j.model as Record<string, unknown>).unk_token = '<nope>'; }), 'zzz qqq'], exit: 1, says: /unk_token "<nope>" is not in the vocabulary/ },
  { name: 'a template id past the vocabulary', args: ['tokenize', '--special', '--tokenizer', tokenizerFile(wordpieceToy, (j) => { j.post_processor = { type: 'BertProcessing', cls: ['[CLS]', 2], sep: ['[SEP]', 99999] }; }), 'un'], exit: 1, says: /special token "\[SEP\]" has id 99999/ },
  { name: 'a tokenizer file of passwd lines (content never quoted)', args: ['tokenize', '--tokenizer', tokenizerFile(bundledGpt2, () => 'root:x:0:0:root:/root:/bin/bash\n'), 'x'], exit: 1, says: /^(?!.*root:x).*not valid JSON \(line 1, column 1/ },
  { name: '/dev/zero as tokenizer', args: ['tokenize', '--tokenizer', '/dev/zero', 'x'], exit: 1, says: /not a regular file/ },
  { name: 'config.json n_layer 1e8', args: ['logits', '--model', modelWithConfig((c) => { c.n_layer = 1e8; }), 'x'], exit: 1, says: /"n_layer"/ },
  { name: 'config.json n_positions disagreeing with the weights', args: ['logits', '--model', modelWithConfig((c) => { c.n_positions = 128; }), 'x'], exit: 1, says: /"n_positions" is 128 but "wpe\.weight" in model\.safetensors has 64 rows/ },
  { name: 'config.json n_embd disagreeing with the weights', args: ['generate', '--model', modelWithConfig((c) => { c.n_embd = 64; }), 'x'], exit: 1, says: /"n_embd"/ },
  { name: 'a safetensors header nested 5,000 deep', args: ['logits', '--model', modelWithHeader(`{"a":{"dtype":${nested(5000, '"F32"')},"shape":[1],"data_offsets":[0,4]}}`), 'x'], exit: 1, says: /model\.safetensors/ },
  { name: 'a 5 MB dtype', args: ['model-card', '--model', modelWithHeader(`{"a":{"dtype":"${'F'.repeat(5_000_000)}","shape":[1],"data_offsets":[0,4]}}`)], exit: 1, says: /\(5000000 characters\)/ },
  { name: 'a tensor name with a line break', args: ['logits', '--model', modelWithHeader('{"a\\nb":{"dtype":"X","shape":[1],"data_offsets":[0,4]}}'), 'x'], exit: 1, says: /"a\\nb"/ },
];

function assertOneLine(r: Run, row: Row): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `${row.name}: exactly one stderr line, got ${JSON.stringify(r.stderr.slice(0, 2000))}`);
  assert.ok(lines[0].length <= MAX_MESSAGE_CHARS, `${row.name}: ${lines[0].length} characters`);
  assert.match(lines[0], /^trex: /);
  assert.doesNotMatch(lines[0], /internal error|\bat .*\(.*:\d+:\d+\)/, row.name);
  if (row.says) assert.match(lines[0], row.says, row.name);
}

for (const row of [...rows, ...contentRows]) {
  test(`trex on hostile input: ${row.name} → exit ${row.exit}`, async () => {
    const r = await trex(row.args, row.stdin);
    assert.notEqual(r.code, 70, `${row.name}: ${r.stderr}`);
    assert.equal(r.code, row.exit, `${row.name}: exit code (stderr: ${r.stderr.slice(0, 600)})`);
    if (row.exit === 0) assert.equal(r.stderr, '', row.name);
    else assertOneLine(r, row);
  });
}

test('trex with a folder as stdin says so in one line (exit 1)', () => {
  const fd = openSync(emptyDir, 'r');
  const r = spawnSync(process.execPath, [BIN, 'tokenize'], { cwd: REPO_ROOT, env, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
  closeSync(fd);
  assert.equal(r.status, 1, r.stderr);
  assertOneLine({ code: r.status, stdout: r.stdout, stderr: r.stderr }, { name: 'a folder as stdin', args: [], exit: 1, says: /stdin is a folder/ });
});

test('trex reads a pipe whole: 200 kB written slowly give the tokens of the same text redirected from a file', async () => {
  const file = join(dir, 'text200k.txt');
  writeFileSync(file, text200k);
  const piped = await trex(['tokenize', '--json'], { bytes: text200k, delayMs: 100 });
  assert.equal(piped.code, 0, piped.stderr);
  const fd = openSync(file, 'r');
  const fromFile = spawnSync(process.execPath, [BIN, 'tokenize', '--json'], { cwd: REPO_ROOT, env, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  closeSync(fd);
  assert.equal(fromFile.status, 0, fromFile.stderr);
  const ids = (JSON.parse(piped.stdout) as { ids: number[] }).ids;
  assert.ok(ids.length > 40_000, `${ids.length} tokens`);
  assert.deepEqual(ids, (JSON.parse(fromFile.stdout) as { ids: number[] }).ids);
});
