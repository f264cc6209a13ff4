/**
 * Model folders as a hostile user makes them: folders, links, loops, devices and named pipes where
 * files should be, empty files, a shard index pointing out of the folder, a tokenizer of another
 * model. Each ends, quickly (a pipe must not block a read for ever), in a one-line user error
 * naming the file — never a system error, a TypeError or the runtime's out-of-bounds message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MESSAGE_CHARS } from '../../../../src/engine/errorText';
import { GraphBuildError } from '../../../../src/engine/graph/modelGraph';
import { ModelConfigError } from '../../../../src/engine/models/config';
import { ModelDirError, readModelCard } from '../../../../src/engine/models/modelDir';
import { SafetensorsError } from '../../../../src/engine/models/safetensors';
import { OnnxRuntimeBackend } from '../../../../src/engine/runtime/onnxRuntime';
import { openModel } from '../../../../src/engine/tasks/openModel';
import { REPO_ROOT } from '../../../support/repoRoot';

const USER_ERRORS = [ModelConfigError, ModelDirError, SafetensorsError, GraphBuildError];
const root = mkdtempSync(join(tmpdir(), 'trex-hostile-dir-'));
const MODEL = join(REPO_ROOT, 'models', 'trex-gpt2-kjv');
const pipes = process.platform !== 'win32';
let count = 0;

/** A copy of the built-in GPT-2 with `edit` applied to the folder. */
function hostile(edit: (dir: string) => void): string {
  const dir = join(root, `m${count++}`);
  cpSync(MODEL, dir, { recursive: true });
  edit(dir);
  return dir;
}

const replace = (name: string, by: (path: string) => void) => (dir: string): void => {
  rmSync(join(dir, name), { recursive: true, force: true });
  by(join(dir, name));
};
const folder = (path: string): void => mkdirSync(path);
const loop = (path: string): void => symlinkSync(path, path);
const dangling = (path: string): void => symlinkSync(join(path, '..', 'nowhere'), path);
const pipe = (path: string): void => void execFileSync('mkfifo', [path]);
const device = (path: string): void => symlinkSync('/dev/zero', path);
const empty = (path: string): void => writeFileSync(path, '');

const cases: Array<[string, (dir: string) => void, RegExp, boolean?]> = [
  ['config.json is a folder', replace('config.json', folder), /config\.json is a folder, not a config\.json$/],
  ['config.json links to itself', replace('config.json', loop), /cannot read .*config\.json: ELOOP$/],
  ['config.json is empty', replace('config.json', empty), /config\.json is not valid JSON \(Unexpected end of JSON input\)$/],
  ['config.json is /dev/zero', replace('config.json', device), /config\.json is not a regular file \(a device, pipe or socket\)/, pipes],
  ['config.json is a named pipe', replace('config.json', pipe), /config\.json is not a regular file/, pipes],
  ['model.safetensors is a folder', replace('model.safetensors', folder), /model\.safetensors is not a file \(a folder\)$/],
  ['model.safetensors links to itself', replace('model.safetensors', loop), /cannot open .*model\.safetensors: ELOOP$/],
  ['model.safetensors is a dangling link', replace('model.safetensors', dangling), /cannot open .*model\.safetensors: ENOENT$/],
  ['model.safetensors is empty', replace('model.safetensors', empty), /model\.safetensors: not a safetensors file \(0 bytes/],
  ['model.safetensors is /dev/zero', replace('model.safetensors', device), /model\.safetensors is not a file \(a device, pipe or socket\)$/, pipes],
  ['model.safetensors is a named pipe', replace('model.safetensors', pipe), /model\.safetensors is not a file \(a device, pipe or socket\)$/, pipes],
  ['tokenizer.json is a folder', replace('tokenizer.json', folder), /tokenizer\.json is a folder; a model folder holds plain files$/],
  ['tokenizer.json is a named pipe', replace('tokenizer.json', pipe), /tokenizer\.json is not a regular file/, pipes],
  ['the shard index is a named pipe', (d) => { rmSync(join(d, 'model.safetensors')); pipe(join(d, 'model.safetensors.index.json')); }, /model\.safetensors\.index\.json is not a regular file .*, not a shard index$/, pipes],
  ['the shard index points out of the folder', (d) => {
    rmSync(join(d, 'model.safetensors'));
    writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'wte.weight': '../../etc/passwd' } }));
  }, /weight_map\["wte\.weight"\] is not a file name in the folder: "\.\.\/\.\.\/etc\/passwd"$/],
  ['a shard links to /etc/passwd', (d) => {
    rmSync(join(d, 'model.safetensors'));
    symlinkSync('/etc/passwd', join(d, 'model-00001-of-00001.safetensors'));
    writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'wte.weight': 'model-00001-of-00001.safetensors' } }));
  }, /model-00001-of-00001\.safetensors: (header length|not a safetensors file)/, pipes],
  ['the tokenizer belongs to another model', (d) => cpSync(join(REPO_ROOT, 'dist', 'tokenizers', 'gpt2.json'), join(d, 'tokenizer.json')), /tokenizer\.json has token ids up to 50256 but .*config\.json has "vocab_size" 4096: the tokenizer does not belong to this model$/],
  ['the tokenizer has one id past the embedding table (as many tokens as rows, ids sparse)', (d) => {
    const path = join(d, 'tokenizer.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as { model: { vocab: Record<string, number> } };
    const [token] = Object.keys(json.model.vocab).filter((t) => json.model.vocab[t] === 100);
    json.model.vocab[token] = 5000;
    writeFileSync(path, JSON.stringify(json));
  }, /tokenizer\.json has token ids up to 5000 but .*config\.json has "vocab_size" 4096: the tokenizer does not belong to this model$/],
];

/** Settles within `ms`, or fails: a read blocked on a pipe would otherwise hang the test run. */
function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms); });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function userError(pattern: RegExp, what: string) {
  return (e: unknown): boolean => {
    assert.ok(USER_ERRORS.some((type) => e instanceof type), `${what}: not a user error: ${String(e).slice(0, 300)}`);
    const message = (e as Error).message;
    assert.match(message, pattern, what);
    assert.ok(!/[\n\r]/.test(message) && message.length <= MAX_MESSAGE_CHARS, `${what}: not one bounded line`);
    return true;
  };
}

test('hostile model folders: the model card and openModel each end in a one-line user error naming the file, within seconds', async () => {
  const backend = new OnnxRuntimeBackend();
  const graphCacheDir = join(root, 'graphs');
  for (const [what, edit, pattern, runs = true] of cases) {
    if (!runs) continue;
    const dir = hostile(edit);
    if (!what.startsWith('the tokenizer ')) {
      await assert.rejects(within(5000, readModelCard(dir), what), userError(pattern, `${what} (card)`));
    }
    await assert.rejects(within(5000, openModel(dir, backend, { device: 'cpu', graphCacheDir }), what), userError(pattern, `${what} (open)`));
  }
});

test('a model folder that is a link loop, or unreadable, names the problem', async () => {
  const loopDir = join(root, `loop${count++}`);
  symlinkSync(loopDir, loopDir);
  await assert.rejects(readModelCard(loopDir), userError(/model folder .* cannot be read \(ELOOP\)$/, 'folder loop'));
});
