/**
 * Safetensors cases: the checkpoint is opened as a model folder's weights are (one file, or an
 * index and its shards) and every tensor is read. `ok` requires what the reader promises: each
 * tensor lies within its file where the header puts it, holds numel × dtype-size bytes, reads
 * back as exactly those bytes (F32 values bit for bit), and the file obeys the format's rules
 * (the harness's own oracle): opening a file the rules forbid is `wrong`.
 */
import { basename, join } from 'node:path';
import { SafetensorsError } from '../../../src/engine/models/safetensors';
import { Checkpoint, FLOAT_DTYPES, type WeightFiles } from '../../../src/engine/models/weights';
import type { SafetensorsDtype } from '../../../src/engine/models/safetensors';
import { InvariantViolation } from '../outcome';
import type { SafetensorsRecipe } from '../recipe';
import { writeCaseFiles } from './caseFiles';
import type { CaseContext, ClassDef } from './classDef';
import { safetensorsFiles } from './safetensorsFiles';
import { generateSafetensors } from './safetensorsMutations';
import { oracleSafetensors, oracleShardIndex, ORACLE_DTYPE_SIZES, type OracleTensor } from './safetensorsOracle';
import { INDEX_NAME, SAFETENSORS_BASES } from './safetensorsSeeds';

function fail(rule: string, details: string): never {
  throw new InvariantViolation(rule, details);
}

/** Tensor name → (file name, tensor, data start) as the oracle reads the files; fails the case when they are invalid. */
function expectedTensors(files: ReadonlyMap<string, Uint8Array>): Map<string, { file: string; t: OracleTensor; dataStart: number }> {
  const out = new Map<string, { file: string; t: OracleTensor; dataStart: number }>();
  const index = files.get(INDEX_NAME);
  const readShard = (name: string) => {
    const verdict = oracleSafetensors(files.get(name) as Uint8Array);
    if (!verdict.ok) fail(`a checkpoint opened although a file breaks the format: ${verdict.why.replace(/^[^:]*: /, '')}`, `${name}: ${verdict.why}`);
    return verdict;
  };
  if (!index) {
    const v = readShard('model.safetensors');
    for (const [name, t] of v.tensors) out.set(name, { file: 'model.safetensors', t, dataStart: v.dataStart });
    return out;
  }
  const verdict = oracleShardIndex(index, new Set([...files.keys()].filter((f) => f !== INDEX_NAME)));
  if (!verdict.ok) fail(`a checkpoint opened although its index is invalid: ${verdict.why.replace(/\[.*\]/, '[…]')}`, verdict.why);
  const shards = new Map([...new Set(verdict.map.values())].map((f) => [f, readShard(f)]));
  for (const [name, file] of verdict.map) {
    const shard = shards.get(file) as { tensors: Map<string, OracleTensor>; dataStart: number };
    const t = shard.tensors.get(name);
    if (!t) fail('a checkpoint opened although its index maps a tensor to a shard that lacks it', `"${name}" → ${file}`);
    out.set(name, { file, t, dataStart: shard.dataStart });
  }
  return out;
}

/** Would the oracle accept these files (for counting refusals of valid files)? */
function oracleAccepts(files: ReadonlyMap<string, Uint8Array>): boolean {
  try {
    expectedTensors(files);
    return true;
  } catch {
    return false;
  }
}

async function checkCheckpoint(checkpoint: Checkpoint, files: ReadonlyMap<string, Uint8Array>, dir: string): Promise<void> {
  const expected = expectedTensors(files);
  const names = checkpoint.names();
  const same = names.length === expected.size && names.every((n) => expected.has(n));
  if (!same) fail("tensor names differ from the header's", `${JSON.stringify(names.slice(0, 5))}… (${names.length}), header ${expected.size}`);
  for (const name of names) {
    const info = checkpoint.info(name);
    const { file, t, dataStart } = expected.get(name) as { file: string; t: OracleTensor; dataStart: number };
    const bytes = files.get(file) as Uint8Array;
    const numel = t.shape.reduce((a, b) => a * b, 1);
    const size = ORACLE_DTYPE_SIZES[t.dtype];
    if (info.file !== join(dir, file) && basename(info.file) !== file) fail('tensor said to be in another file', `"${name}" in ${info.file}, not ${file}`);
    if (info.dtype !== t.dtype || JSON.stringify(info.shape) !== JSON.stringify(t.shape)) fail("tensor dtype or shape differs from the header's", `"${name}": ${info.dtype} ${JSON.stringify(info.shape)} instead of ${t.dtype} ${JSON.stringify(t.shape)}`);
    if (info.numel !== numel || info.byteLength !== numel * size) fail('tensor byte length is not numel × dtype size', `"${name}": numel ${info.numel}, ${info.byteLength} bytes; expected ${numel} × ${size}`);
    if (info.fileOffset !== dataStart + t.begin || info.fileOffset + info.byteLength > bytes.length) fail('tensor placed outside the file or away from its header offsets', `"${name}": at ${info.fileOffset} (+${info.byteLength}) in a ${bytes.length}-byte file; expected ${dataStart + t.begin}`);
    const raw = await checkpoint.read(name);
    if (Buffer.compare(Buffer.from(raw.bytes), Buffer.from(bytes.subarray(info.fileOffset, info.fileOffset + info.byteLength))) !== 0) fail("tensor bytes read differ from the file's", `"${name}"`);
    if (FLOAT_DTYPES.includes(t.dtype as SafetensorsDtype)) {
      const { data } = await checkpoint.readFloat32(name);
      if (data.length !== numel) fail('readFloat32 gave another number of values than elements', `"${name}": ${data.length} for ${numel}`);
      if (t.dtype === 'F32') {
        const stored = Buffer.from(raw.bytes);
        const bits = new Uint32Array(data.buffer, data.byteOffset, numel);
        for (let i = 0; i < numel; i++) if (stored.readUInt32LE(i * 4) !== bits[i]) fail('an F32 value changed on reading', `"${name}" value ${i}`);
      }
    } else {
      const refused = await checkpoint.readFloat32(name).then(() => false, (e: unknown) => e instanceof SafetensorsError || Promise.reject(e));
      if (!refused) fail('an integer or boolean tensor was read as a float weight', `"${name}" (${t.dtype})`);
    }
  }
}

export const safetensorsClass: ClassDef<SafetensorsRecipe> = {
  cls: 'safetensors',
  pristine: SAFETENSORS_BASES.length,
  generate: generateSafetensors,
  files: safetensorsFiles,
  async run(recipe: SafetensorsRecipe, ctx: CaseContext): Promise<void> {
    const files = safetensorsFiles(recipe);
    writeCaseFiles(ctx.dir, files);
    if (oracleAccepts(files)) ctx.markValid();
    const weights: WeightFiles = files.has(INDEX_NAME) ? { kind: 'sharded', index: join(ctx.dir, INDEX_NAME) } : { kind: 'single', file: join(ctx.dir, 'model.safetensors') };
    ctx.begin();
    const checkpoint = await Checkpoint.open(weights);
    try {
      await checkCheckpoint(checkpoint, files, ctx.dir);
    } finally {
      await checkpoint.close();
    }
  },
};
