/**
 * Hostile safetensors files and shard indexes: every problem is a SafetensorsError of one bounded
 * line (deep nesting, megabyte strings, newlines in names, folders where files should be, paths out
 * of the folder), and a few thousand seeded mutations of a real file each end in a SafetensorsError
 * or a valid result, quickly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MESSAGE_CHARS } from '../../../../src/engine/errorText';
import { seededRandom } from '../../../../src/engine/graph/weights';
import { SafetensorsError, SafetensorsFile } from '../../../../src/engine/models/safetensors';
import { encodeSafetensors, encodeValues } from '../../../../src/engine/models/safetensorsWriter';
import { Checkpoint, MAX_SHARD_INDEX_BYTES, MAX_SHARDS, toFloat16Bits, toFloat32 } from '../../../../src/engine/models/weights';

const dir = mkdtempSync(join(tmpdir(), 'trex-safetensors-hostile-'));
let count = 0;

/** A file with a hand-written header and `dataBytes` zero bytes of data. */
function rawFile(header: string, dataBytes = 0): Buffer {
  const json = Buffer.from(header, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.alloc(dataBytes)]);
}

function write(bytes: Uint8Array, name = `f${count++}.safetensors`): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function oneBoundedLine(pattern: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof SafetensorsError, `not a SafetensorsError: ${String(e).slice(0, 300)}`);
    assert.match(e.message, pattern);
    assert.ok(!/[\n\r\u2028\u2029]/.test(e.message), `not one line: ${e.message.slice(0, 200)}`);
    assert.ok(e.message.length <= MAX_MESSAGE_CHARS, `${e.message.length} characters`);
    return true;
  };
}

const deep = (depth: number, inner = '1'): string => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

test('hostile headers: deep nesting, megabyte strings, newlines and huge lists give one bounded line', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['data_offsets nested 5,000 deep', `{"a": {"dtype": "F32", "shape": [1], "data_offsets": ${deep(5000)}}}`, /tensor "a": data_offsets \[\[\[\[…\]\]\]\] is not a pair/],
    ['dtype nested 5,000 deep', `{"a": {"dtype": ${deep(5000)}, "shape": [1], "data_offsets": [0, 4]}}`, /unsupported dtype \[\[\[\[…\]\]\]\]/],
    ['shape nested 5,000 deep', `{"a": {"dtype": "F32", "shape": ${deep(5000)}, "data_offsets": [0, 4]}}`, /shape \[\[\[\[…\]\]\]\] is not a list/],
    ['a 5 MB dtype', `{"a": {"dtype": "${'F'.repeat(5_000_000)}", "shape": [1], "data_offsets": [0, 4]}}`, /unsupported dtype "F+… \(5000000 characters\)/],
    ['a newline in a tensor name', `{"line one\\nline two": {"dtype": "X", "shape": [1], "data_offsets": [0, 4]}}`, /tensor "line one\\nline two": unsupported dtype "X"/],
    ['a 1 MB tensor name', `{"${'n'.repeat(1_000_000)}": 3}`, /tensor "n+… \(1000000 characters\): entry is not an object/],
    ['a million-entry shape', `{"a": {"dtype": "F32", "shape": [${new Array(1_000_000).fill(1).join(',')}], "data_offsets": [0, 8]}}`, /holds 8 bytes but shape \[1,1,1,1,1,1,1,1,…\] of F32 needs 4/],
    ['a huge shape', `{"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}}`, /shape \[4294967296,4294967296\] is too large/],
    ['offsets past 2^53', `{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1e300]}}`, /data_offsets \[0,1e\+300\] is not a pair/],
    ['a __metadata__ key with a newline', `{"__metadata__": {"k\\ney": 5}}`, /__metadata__\."k\\ney" is not a string/],
    ['__metadata__ nested', `{"__metadata__": ${deep(5000, '{}')}}`, /__metadata__ is not an object/],
    ['JSON broken over lines', `{"a":\n\n\n {"dtype": "F32",\n\n`, /the header is not valid JSON \(.*\)$/],
    ['duplicate names (the last one wins, leaving a gap)', `{"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}, "a": {"dtype": "U8", "shape": [2], "data_offsets": [2, 4]}}`, /gap in the data section before tensor "a"/],
  ];
  for (const [what, header, pattern] of cases) {
    await assert.rejects(SafetensorsFile.open(write(rawFile(header, 8))), oneBoundedLine(pattern), what);
  }
});

test('folders, special names and newlines in paths are one-line SafetensorsErrors', async () => {
  const folder = join(dir, `model-${count++}.safetensors`);
  mkdirSync(folder);
  await assert.rejects(SafetensorsFile.open(folder), oneBoundedLine(/model-\d+\.safetensors is not a file \(a folder\)$/));
  const newline = write(new Uint8Array(3), 'bad\nname.safetensors');
  await assert.rejects(SafetensorsFile.open(newline), oneBoundedLine(/bad name\.safetensors: not a safetensors file \(3 bytes/));
  await assert.rejects(SafetensorsFile.open(write(new Uint8Array(0))), oneBoundedLine(/not a safetensors file \(0 bytes/));
});

test('shard indexes: names out of the folder, odd names, too many shards, folders and huge files are refused', async () => {
  const folder = join(dir, `sharded-${count++}`);
  mkdirSync(folder);
  mkdirSync(join(folder, 'shard-folder.safetensors'));
  writeFileSync(join(folder, 'model-1.safetensors'), encodeSafetensors({ a: { dtype: 'F32', shape: [1], bytes: encodeValues([1], 'F32') } }));
  const index = join(folder, 'model.safetensors.index.json');
  const open = (weightMap: unknown) => {
    writeFileSync(index, JSON.stringify({ weight_map: weightMap }));
    return Checkpoint.open({ kind: 'sharded', index });
  };
  const refused: Array<[unknown, RegExp]> = [
    ['../../etc/passwd', /weight_map\["a"\] is not a file name in the folder: "\.\.\/\.\.\/etc\/passwd"$/],
    ['/etc/passwd', /is not a file name in the folder: "\/etc\/passwd"/],
    ['..', /is not a file name in the folder: "\.\."/],
    ['.', /is not a file name in the folder: "\."$/],
    ['..\\..\\windows\\win.ini', /is not a file name in the folder/],
    ['model\u0000.safetensors', /is not a file name in the folder: "model\\u0000\.safetensors"/],
    ['x'.repeat(300), /is not a file name in the folder: "x+… \(300 characters\)/],
    [['model-1.safetensors'], /is not a file name in the folder: \["model-1\.safetensors"\]/],
    [deep(5000), /is not a file name in the folder: "\[+… \(10001 characters\)/],
  ];
  for (const [file, pattern] of refused) await assert.rejects(open({ a: file }), oneBoundedLine(pattern), String(file).slice(0, 40));
  await assert.rejects(open({ [`a\n${'b'.repeat(1000)}`]: '..' }), oneBoundedLine(/weight_map\["a\\nbbb+… \(1002 characters\)\] is not a file name/));
  await assert.rejects(open({ a: 'shard-folder.safetensors' }), oneBoundedLine(/shard-folder\.safetensors is not a file \(a folder\)$/));
  const many = Object.fromEntries(Array.from({ length: MAX_SHARDS + 1 }, (_, i) => [`t${i}`, `model-${i}.safetensors`]));
  await assert.rejects(open(many), oneBoundedLine(new RegExp(`names more than ${MAX_SHARDS} shard files$`)));
  const missing = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, `gone-${i}.safetensors`]));
  await assert.rejects(open(missing), oneBoundedLine(/lists shards that are missing from .*: gone-0\.safetensors, gone-1\.safetensors, gone-2\.safetensors and 47 more$/));
  await assert.rejects(open({ [`not\nthere`]: 'model-1.safetensors' }), oneBoundedLine(/maps "not\\nthere" to model-1\.safetensors, which has no such tensor/));
  writeFileSync(index, '{"weight_map":\n\n{"a": ');
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index }), oneBoundedLine(/cannot read the shard index .*index\.json: /));
  truncateSync(index, MAX_SHARD_INDEX_BYTES + 1);
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index }), oneBoundedLine(/is too large for a shard index/));
  const indexFolder = join(folder, 'index-folder.json');
  mkdirSync(indexFolder);
  await assert.rejects(Checkpoint.open({ kind: 'sharded', index: indexFolder }), oneBoundedLine(/index-folder\.json is a folder, not a shard index$/));
});

/** One seeded mutation of a valid file's bytes: byte flips, truncation, length field, or an edit of the header text. */
function mutate(original: Uint8Array, random: () => number): Uint8Array {
  const bytes = Uint8Array.from(original);
  const pick = (n: number): number => Math.floor(random() * n);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  switch (pick(7)) {
    case 0: for (let i = 0, n = 1 + pick(8); i < n; i++) bytes[pick(bytes.length)] ^= 1 << pick(8); return bytes;
    case 1: return bytes.subarray(0, pick(bytes.length));
    case 2: new DataView(bytes.buffer).setBigUint64(0, BigInt(Math.floor(random() * 2 ** 53)) >> BigInt(pick(53)), true); return bytes;
    case 3: bytes[8 + pick(headerLength)] = '{}[]",:0123456789-e.'.charCodeAt(pick(20)); return bytes;
    default: {
      const header = Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8');
      const numbers = ['0', '-1', '1e400', '4294967296', '9007199254740993', '1.5', 'null', '"F32"', '[]', '{}', '[0,0]', String(bytes.length)];
      const edited = header.replace(/-?\d+(\.\d+)?/g, (m) => (random() < 0.15 ? numbers[pick(numbers.length)] : m))
        .replace(/"(F32|F16|I64)"/g, (m) => (random() < 0.2 ? ['"F8"', '"f32"', '""', '5', '["F32"]'][pick(5)] : m))
        .replace(/"(shape|dtype|data_offsets)"/g, (m) => (random() < 0.1 ? '"__metadata__"' : m));
      const json = Buffer.from(edited);
      const out = new Uint8Array(8 + json.length + bytes.length - 8 - headerLength);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(bytes.subarray(8 + headerLength), 8 + json.length);
      return out;
    }
  }
}

test('3,000 seeded mutations of a valid file: each a SafetensorsError or a valid result, in well under 2 s', async () => {
  const original = encodeSafetensors({
    'wte.weight': { dtype: 'F32', shape: [4, 3], bytes: encodeValues(Array.from({ length: 12 }, (_, i) => i / 7), 'F32') },
    'h.0.b': { dtype: 'F16', shape: [5], bytes: encodeValues([1, 2, 3, 4, 5], 'F16') },
    pos: { dtype: 'I64', shape: [1, 2], bytes: encodeValues([0, 1], 'I64') },
  }, { format: 'pt' });
  const random = seededRandom(20260601);
  const path = join(dir, 'mutant.safetensors');
  let valid = 0;
  for (let i = 0; i < 3000; i++) {
    writeFileSync(path, mutate(original, random));
    const started = Date.now();
    try {
      const file = await SafetensorsFile.open(path);
      for (const name of file.names()) assert.equal((await file.read(name)).bytes.length, file.info(name).byteLength);
      await file.close();
      valid++;
    } catch (e) {
      oneBoundedLine(/./)(e);
    }
    assert.ok(Date.now() - started < 2000, `mutation ${i} took ${Date.now() - started} ms`);
  }
  assert.ok(valid > 0 && valid < 3000, `${valid} valid`);
});

test('conversions refuse bytes that are not whole elements instead of a RangeError', () => {
  for (const dtype of ['F32', 'F16', 'BF16', 'F64', 'I64'] as const) {
    assert.throws(() => toFloat32({ dtype, bytes: new Uint8Array(9) }), oneBoundedLine(new RegExp(`9 bytes are not a whole number of "${dtype}" elements`)), dtype);
  }
  assert.throws(() => toFloat16Bits({ dtype: 'F16', bytes: new Uint8Array(3) }), oneBoundedLine(/3 bytes are not a whole number of "F16" elements/));
  assert.throws(() => toFloat32({ dtype: 'F8' as never, bytes: new Uint8Array(3) }), oneBoundedLine(/not a whole number of "F8" elements/));
});
