/**
 * The paths a setting or a workspace names for a tokenizer: only regular files of a bounded size
 * are read (a device, a named pipe, a folder are refused before any open), text must be UTF-8,
 * and a file that is not JSON is reported by line and column without quoting what it holds.
 * The same for the files a folder's tokenizer is rebuilt from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, TokenizerError } from '../../../../src/engine/tokenizers/load';
import { jsonSyntaxError } from '../../../../src/engine/tokenizers/jsonSyntax';
import { MAX_TOKENIZER_FILE_BYTES } from '../../../../src/engine/tokenizers/tokenizerFiles';
import { MAX_MESSAGE_CHARS } from '../../../../src/engine/errorText';
import { seededRandom } from '../../../support/unicodeStress';

const dir = mkdtempSync(join(tmpdir(), 'trex-tokenizer-files-'));
const unix = process.platform !== 'win32';

function fifo(path: string): boolean {
  return unix && spawnSync('mkfifo', [path]).status === 0;
}

function folder(name: string, files: Record<string, string | ((path: string) => void)>): string {
  const at = join(dir, name);
  mkdirSync(at);
  for (const [file, content] of Object.entries(files)) {
    if (typeof content === 'string') writeFileSync(join(at, file), content);
    else content(join(at, file));
  }
  return at;
}

async function refused(spec: string, expected: RegExp, secret?: string): Promise<void> {
  await assert.rejects(loadTokenizer(spec), (e: unknown) => {
    assert.ok(e instanceof TokenizerError, `not a TokenizerError: ${String(e)}`);
    assert.match(e.message, expected);
    assert.ok(!/[\n\r]/.test(e.message) && e.message.length <= MAX_MESSAGE_CHARS, e.message);
    if (secret) assert.ok(!e.message.includes(secret), `the message quotes the file: ${e.message}`);
    return true;
  });
}

test('a device, a named pipe or a huge file is refused before it is read', { timeout: 60_000, skip: !unix }, async () => {
  await refused('/dev/zero', /^\/dev\/zero is not a regular file$/);
  const pipe = join(dir, 'pipe.json');
  if (fifo(pipe)) await refused(pipe, /pipe\.json is not a regular file$/);
  const huge = join(dir, 'huge.json');
  writeFileSync(huge, '');
  truncateSync(huge, MAX_TOKENIZER_FILE_BYTES + 1);
  await refused(huge, /huge\.json is larger than 128 MiB, the most a tokenizer file may be$/);
  const link = join(dir, 'zero.json');
  symlinkSync('/dev/zero', link);
  await refused(link, /zero\.json is not a regular file$/);
});

test('a file that is not JSON is reported by line and column, without its content', async () => {
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\n');
  await refused(passwd, /passwd is not valid JSON \(line 1, column 1: an unexpected character\)$/, 'root');
  const late = join(dir, 'late.json');
  writeFileSync(late, '{\n  "model": {\n    "vocab": {"secret": 1,}\n  }\n}');
  await refused(late, /late\.json is not valid JSON \(line 3, column 27: expected a property name\)$/, 'secret');
  const latin1 = join(dir, 'latin1.json');
  writeFileSync(latin1, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]));
  await refused(latin1, /latin1\.json is not UTF-8 text$/);
});

test('a folder whose vocabulary files are pipes, devices or not JSON gets the same refusals', { timeout: 60_000, skip: !unix }, async () => {
  await refused(folder('vocab-pipe', { 'vocab.txt': (p) => fifo(p) }), /vocab\.txt is not a regular file$/);
  await refused(folder('vocab-zero', { 'vocab.json': (p) => symlinkSync('/dev/zero', p), 'merges.txt': '' }), /vocab\.json is not a regular file$/);
  await refused(folder('merges-pipe', { 'vocab.json': '{"a": 0}', 'merges.txt': (p) => fifo(p) }), /merges\.txt is not a regular file$/);
  await refused(folder('vocab-not-json', { 'vocab.json': 'root:x:0:0', 'merges.txt': '' }), /vocab\.json is not valid JSON \(line 1, column 1: an unexpected character\)$/, 'root');
  await refused(folder('vocab-null-id', { 'vocab.json': '{"a": null}', 'merges.txt': '' }), /vocab\.json: the id of "a" is null, not an integer from 0 to 4294967295$/);
  await refused(folder('config-pipe', { 'vocab.txt': '[UNK]\n', 'tokenizer_config.json': (p) => fifo(p) }), /tokenizer_config\.json is not a regular file$/);
  await refused(folder('spm-pipe', { 'config.json': '{"model_type": "camembert"}', 'sentencepiece.bpe.model': (p) => fifo(p) }), /sentencepiece\.bpe\.model is not a regular file$/);
});

test('a special token named like an Object member is looked up in the vocabulary only', async () => {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a'].join('\n');
  await refused(folder('proto-unk', { 'vocab.txt': vocab, 'tokenizer_config.json': '{"unk_token": "constructor"}' }), /vocab\.txt has no constructor token$/);
  const tok = await loadTokenizer(folder('proto-vocab', { 'vocab.txt': `${vocab}\nconstructor\ntostring` }));
  assert.deepEqual(tok.encode('constructor toString a').tokens.map((t) => t.id), [6, 7, 5]);
});

test('jsonSyntaxError: the first error of a text, or none exactly when JSON.parse accepts it', () => {
  const cases: Array<[string, [number, number, string] | undefined]> = [
    ['{"a": [1, 2.5e-3, true, null, "x\\u00e9"]}', undefined],
    ['', [1, 1, 'an unexpected end of the file']],
    ['\ufeff{}', [1, 1, 'a byte order mark']],
    ['{"a": 1,}', [1, 9, 'expected a property name']],
    ['[1 2]', [1, 4, "expected ',' or ']'"]],
    ['{"a" 1}', [1, 6, "expected ':'"]],
    ['{"a": 01}', [1, 8, "expected ',' or '}'"]],
    ['"\\x"', [1, 2, 'an invalid escape in a string']],
    ['"a\nb"', [1, 3, 'a control character in a string']],
    ['{"a": "b', [1, 9, 'an unterminated string']],
    ['{}\n\n  x', [3, 3, 'more content after the JSON value']],
    ['[-]', [1, 2, 'an invalid number']],
    [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, undefined],
  ];
  for (const [text, expected] of cases) {
    const found = jsonSyntaxError(text);
    assert.deepEqual(found && [found.line, found.column, found.reason], expected, JSON.stringify(text.slice(0, 20)));
  }
  // Mutations of a valid document: an error is found exactly when JSON.parse refuses it.
  const random = seededRandom(99);
  const valid = JSON.stringify({ version: '1.0', model: { vocab: { a: 0, 'b\n': -1.5e3 }, merges: [['a', 'b'], 'c d'], ok: [true, false, null] } }, null, 1);
  for (let k = 0; k < 3000; k++) {
    const at = Math.floor(random() * valid.length);
    const insert = '{}[]":,0-e.\\ ntu'[Math.floor(random() * 16)];
    const text = random() < 0.5 ? valid.slice(0, at) + insert + valid.slice(at) : valid.slice(0, at) + valid.slice(at + 1);
    let parses = true;
    try {
      JSON.parse(text);
    } catch {
      parses = false;
    }
    assert.equal(jsonSyntaxError(text) === undefined, parses, JSON.stringify(text));
  }
  assert.ok(existsSync(dir));
});
