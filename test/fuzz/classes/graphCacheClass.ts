/**
 * Graph-cache cases: a tiny model's graph is built once per worker into a clean cache and its
 * logits kept; each case copies that cache, garbles or truncates the cached model.onnx, its
 * model.onnx.data (also keeping the size), and opens the model again in the same process. The
 * next open must rebuild or give a user error: logits other than the clean cache's are `wrong`.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyByteEdits, randomByteEdit, type ByteEdit } from '../mutate/byteEdits';
import { InvariantViolation } from '../outcome';
import type { Rng } from '../prng';
import type { GraphCacheRecipe, GraphCacheTarget } from '../recipe';
import type { CaseContext, ClassDef } from './classDef';
import { baseFolder, modelBase } from './modelBases';
import { checkedLogits, openFolder } from './modelRun';

const BASES = ['gpt2-tiny', 'bert-tiny'];

/** Per worker: the clean cache of each base and the logits it gives. */
const clean = new Map<string, { graphs: string; logits: Float32Array }>();

async function cleanCache(base: string, ctx: CaseContext): Promise<{ graphs: string; logits: Float32Array }> {
  const known = clean.get(base);
  if (known) return known;
  const dir = baseFolder(modelBase(base), ctx.keep, ctx.stamp);
  const graphs = join(ctx.keep, 'graph-cache-clean', base);
  rmSync(graphs, { recursive: true, force: true });
  const model = await openFolder(dir, graphs);
  try {
    const entry = { graphs, logits: await checkedLogits(model) };
    clean.set(base, entry);
    return entry;
  } finally {
    await model.session.release();
  }
}

function targetFile(graphs: string, target: GraphCacheTarget): string {
  const key = readdirSync(graphs).find((name) => existsSync(join(graphs, name, 'model.onnx')));
  if (!key) throw new Error('fuzz: the clean graph cache holds no graph');
  return join(graphs, key, target === 'onnx' ? 'model.onnx' : 'model.onnx.data');
}

/** Same-size garbles most often (the case a size check cannot catch), then truncation and extra bytes. */
function garble(rng: Rng, size: number): ByteEdit[] {
  switch (rng.weighted([['flip', 30], ['zero', 10], ['copy', 10], ['head', 10], ['truncate', 20], ['append', 8], ['empty', 4]] as const)) {
    case 'flip': return Array.from({ length: rng.range(1, 8) }, () => ({ op: 'flip', at: rng.int(size), mask: 1 << rng.int(8) }) as ByteEdit);
    case 'zero': { const at = rng.int(size); return Array.from({ length: Math.min(64, size - at) }, (_, i) => ({ op: 'set', at: at + i, byte: 0 }) as ByteEdit); }
    case 'copy': return [{ op: 'copy', from: rng.int(size), len: rng.range(4, 256), to: rng.int(size) }];
    case 'head': return [randomByteEdit(rng, size, [0, Math.min(size, 64)])];
    case 'truncate': return [{ op: 'truncate', at: rng.pick([0, 1, Math.floor(size / 2), size - 1, rng.int(size)]) }];
    case 'append': return [{ op: 'append', bytes: [0], times: rng.pick([1, 4, 1024]) }];
    default: return [{ op: 'truncate', at: 0 }];
  }
}

/** About the sizes of the tiny models' cached files (13 KB graph, 100–120 KB weights), for placing edits; a position past the end is clamped to it. */
const TYPICAL_SIZE: Record<GraphCacheTarget, number> = { onnx: 13_000, data: 100_000 };

export function generateGraphCache(rng: Rng, index: number): GraphCacheRecipe {
  const pristine = index < BASES.length;
  const base = pristine ? BASES[index] : rng.pick(BASES);
  const target: GraphCacheTarget = rng.weighted([['data', 55], ['onnx', 45]] as const);
  if (pristine) return { cls: 'graph-cache', base, target, remove: false, edits: [], note: 'unmutated seed' };
  const remove = rng.chance(0.08);
  const edits = remove ? [] : garble(rng, TYPICAL_SIZE[target]);
  return { cls: 'graph-cache', base, target, remove, edits, note: remove ? `${target} removed` : `${target}: ${edits.map((e) => e.op).join('+')}` };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export const graphCacheClass: ClassDef<GraphCacheRecipe> = {
  cls: 'graph-cache',
  pristine: BASES.length,
  generate: generateGraphCache,
  async run(recipe: GraphCacheRecipe, ctx: CaseContext): Promise<void> {
    const reference = await cleanCache(recipe.base, ctx);
    const graphs = join(ctx.dir, 'graphs');
    cpSync(reference.graphs, graphs, { recursive: true });
    const file = targetFile(graphs, recipe.target);
    if (recipe.remove) rmSync(file, { force: true });
    else if (existsSync(file)) writeFileSync(file, applyByteEdits(readFileSync(file), recipe.edits));
    ctx.begin();
    const model = await openFolder(baseFolder(modelBase(recipe.base), ctx.keep, ctx.stamp), graphs);
    try {
      const logits = await checkedLogits(model);
      if (logits.length !== reference.logits.length) throw new InvariantViolation('another number of logits than from a clean cache', `${logits.length} after garbling, ${reference.logits.length} clean`);
      const diff = maxAbsDiff(logits, reference.logits);
      if (!(diff <= 1e-5)) throw new InvariantViolation(`logits differ from a clean cache's after garbling the cached ${recipe.target === 'onnx' ? 'model.onnx' : 'model.onnx.data'}`, `by ${diff.toPrecision(3)}`);
    } finally {
      await model.session.release();
    }
  },
};
