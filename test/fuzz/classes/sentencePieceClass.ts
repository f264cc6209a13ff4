/**
 * SentencePiece cases: a folder with config.json (camembert, xlm-roberta, or another model_type)
 * and a `.model` file, from which the engine rebuilds a tokenizer; then the tokenizer checks of
 * tokenizerChecks.ts. The model is edited as protobuf (pieces, scores, types, trainer and
 * normalizer fields, the precompiled charsmap's bytes, lengths, varints, wire types) or as bytes.
 * A model the harness's own protobuf reader finds malformed must not load.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../../src/engine/tokenizers/load';
import { applyByteEdits, randomByteEdits, randomByteEdit, type ByteEdit } from '../mutate/byteEdits';
import { applyProtoEdits, type BytesSpec, type ProtoEdit } from '../mutate/protoEdits';
import { encodeProto, parseProto, type ProtoField } from '../mutate/protobuf';
import { InvariantViolation } from '../outcome';
import type { Rng } from '../prng';
import type { SentencePieceRecipe } from '../recipe';
import { once, repoFile } from '../seeds';
import type { CaseContext, ClassDef } from './classDef';
import { exerciseTokenizer } from './tokenizerChecks';

const CAMEMBERT = 'test/fixtures/camembert-spm/sentencepiece.bpe.model';
const MESSAGES = new Set([1, 2, 3]);

export const SENTENCEPIECE_BASES: ReadonlyArray<readonly [string, number]> = [
  [`file:${CAMEMBERT}`, 3], ['gen:sp-small', 4], ['gen:sp-identity', 4], ['gen:sp-tiny', 2],
];

function camembertFields(): ProtoField[] {
  return once('sp:camembert', () => parseProto(repoFile(CAMEMBERT), (n) => MESSAGES.has(n)));
}

/** The camembert model with only its first `pieces` pieces, and without its charsmap when `identity`. */
function trimmed(pieces: number, identity: boolean): ProtoField[] {
  let kept = 0;
  return camembertFields()
    .filter((f) => f.n !== 1 || kept++ < pieces)
    .map((f) => (f.n === 3 && identity ? { n: 3, wire: 2, children: [{ n: 1, wire: 2, bytes: Buffer.from('identity') }, { n: 3, wire: 0, varint: 1n }] } : f));
}

export function sentencePieceBase(name: string): ProtoField[] {
  return once(`sp:${name}`, () => {
    switch (name) {
      case 'gen:sp-small': return trimmed(300, false);
      case 'gen:sp-identity': return trimmed(300, true);
      case 'gen:sp-tiny': return trimmed(8, true);
      default: return camembertFields();
    }
  });
}

export function sentencePieceBytes(recipe: SentencePieceRecipe): Uint8Array {
  const base = recipe.base.startsWith('file:') && recipe.proto.length === 0 ? repoFile(recipe.base.slice(5)) : encodeProto(applyProtoEdits(sentencePieceBase(recipe.base), recipe.proto));
  return applyByteEdits(base, recipe.bytes);
}

/** Why the harness's own reader refuses the model, if it does. */
function protoProblem(bytes: Uint8Array): string | undefined {
  try {
    parseProto(bytes, (n) => MESSAGES.has(n));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const childIndex = (f: ProtoField, n: number): number => (f.children ?? []).findIndex((c) => c.n === n);

function pieceEdit(rng: Rng, fields: ProtoField[]): ProtoEdit {
  const pieceAt = fields.map((f, i) => (f.n === 1 ? i : -1)).filter((i) => i >= 0);
  const i = rng.chance(0.4) ? pieceAt[rng.int(Math.min(5, pieceAt.length))] : rng.pick(pieceAt);
  const f = fields[i];
  const which = rng.pick([1, 2, 3]);
  const j = childIndex(f, which);
  const at = j >= 0 ? [i, j] : [i, (f.children ?? []).length];
  const text: BytesSpec = rng.pick<BytesSpec>([{ utf8: '' }, { utf8: '<s>' }, { utf8: '<mask>' }, { utf8: '▁' }, { utf8: ' ' }, { utf8: '\u0000' }, { hex: 'ff' }, { hex: 'c3' }, { hex: 'eda080' }, { repeat: 0x61, times: 100_000 }, { utf8: '<unk>' }]);
  if (rng.chance(0.25)) {
    return rng.pick<ProtoEdit>([{ op: 'delete', path: [i] }, { op: 'dup', path: [i], times: rng.pick([1, 3, 50_000]) }, { op: 'delete', path: at }, { op: 'wire', path: at, wire: rng.pick([0, 1, 2, 5]) }]);
  }
  if (j < 0) return which === 1 ? { op: 'insert', path: at, n: 1, wire: 2, value: text } : { op: 'insert', path: at, n: which, wire: which === 2 ? 5 : 0, value: which === 2 ? { hex: '0000c07f' } : '6' };
  if (which === 1) return { op: 'bytes', path: at, value: text };
  if (which === 2) return { op: 'fixed32', path: at, value: rng.pick<number | 'NaN' | 'Infinity' | '-Infinity'>(['NaN', 'Infinity', '-Infinity', 3.4e38, -3.4e38, 0, -1e-45]) };
  return { op: 'varint', path: at, value: rng.pick(['0', '2', '3', '4', '5', '6', '99', '-1', '2147483648', '18446744073709551615']) };
}

function trainerEdit(rng: Rng, fields: ProtoField[]): ProtoEdit {
  const t = fields.findIndex((f) => f.n === 2);
  if (t < 0) return { op: 'insert', path: [fields.length], n: 2, wire: 2, value: { hex: '1801' } };
  const pieces = fields.filter((f) => f.n === 1).length;
  const [n, values] = rng.pick<[number, string[]]>([[3, ['2', '3', '4', '0', '99', '-1']], [40, ['-1', String(pieces), '2147483647', '4294967295', '18446744073709551615', '1', '2']], [35, ['1', '2']]]);
  const j = childIndex(fields[t], n);
  if (rng.chance(0.1)) return { op: 'delete', path: [t] };
  if (j < 0) return { op: 'insert', path: [t, (fields[t].children ?? []).length], n, wire: 0, value: rng.pick(values) };
  return { op: 'varint', path: [t, j], value: rng.pick(values) };
}

function normalizerEdit(rng: Rng, fields: ProtoField[]): ProtoEdit {
  const nz = fields.findIndex((f) => f.n === 3);
  if (nz < 0) return { op: 'insert', path: [fields.length], n: 3, wire: 2, value: { hex: '1204deadbeef' } };
  const c = childIndex(fields[nz], 2);
  if (c >= 0 && rng.chance(0.7)) {
    const size = fields[nz].children?.[c].bytes?.length ?? 0;
    const edits: ByteEdit[] = rng.chance(0.3)
      ? [{ op: 'set', at: rng.int(4), byte: rng.pick([0, 0xff, 0x7f, 1]) }]
      : rng.chance(0.2) ? [{ op: 'truncate', at: rng.int(size) }] : randomByteEdits(rng, size, rng.range(1, 4));
    return rng.chance(0.85) ? { op: 'patch', path: [nz, c], edits } : { op: 'bytes', path: [nz, c], value: rng.pick<BytesSpec>([{ hex: '00000000' }, { hex: 'ffffffff' }, { hex: '' }, { repeat: 0xff, times: 1000 }, { hex: '08000000' }]) };
  }
  if (rng.chance(0.2)) return { op: 'delete', path: [nz] };
  const name = childIndex(fields[nz], 1);
  return name >= 0 ? { op: 'bytes', path: [nz, name], value: rng.pick<BytesSpec>([{ utf8: '' }, { utf8: 'nfkc' }, { hex: 'ff' }]) } : { op: 'insert', path: [nz, 0], n: 3, wire: 0, value: '0' };
}

function structureEdit(rng: Rng, fields: ProtoField[]): ProtoEdit {
  const i = rng.int(fields.length);
  const children = fields[i].children ?? [];
  const path = children.length && rng.chance(0.5) ? [i, rng.int(children.length)] : [i];
  return rng.pick<ProtoEdit>([
    { op: 'length', path, delta: rng.pick([1, -1, 5, -5, 1000, -100000]) },
    { op: 'overlong', path },
    { op: 'wire', path, wire: rng.int(8) },
    { op: 'number', path, n: rng.pick([0, 99, 2 ** 29 - 1, 1, 2, 3]) },
    { op: 'insert', path: [rng.int(fields.length + 1)], n: rng.pick([99, 4, 5, 1]), wire: rng.pick([0, 1, 2, 5]), value: rng.chance(0.5) ? '18446744073709551615' : { hex: 'ffffffffffffffff' } },
  ]);
}

export function generateSentencePiece(rng: Rng, index: number): SentencePieceRecipe {
  const pristine = index < SENTENCEPIECE_BASES.length * 2;
  const base = pristine ? SENTENCEPIECE_BASES[index % SENTENCEPIECE_BASES.length][0] : rng.weighted(SENTENCEPIECE_BASES);
  const modelType = pristine ? (index < SENTENCEPIECE_BASES.length ? 'camembert' : 'xlm-roberta') : rng.weighted([['camembert', 45], ['xlm-roberta', 45], ['bert', 2], ['t5', 2], ['', 1]] as const);
  const fileName = rng.weighted([['sentencepiece.bpe.model', 85], ['spiece.model', 5], ['tokenizer.model', 5], ['sentencepiece.model', 5]] as const);
  const recipe: SentencePieceRecipe = { cls: 'sentencepiece', base, modelType, fileName: pristine ? 'sentencepiece.bpe.model' : fileName, proto: [], bytes: [], note: pristine ? 'unmutated seed' : '' };
  if (pristine) return recipe;
  const fields = sentencePieceBase(base);
  const kinds: string[] = [];
  do {
    const kind = rng.weighted([['piece', 35], ['trainer', 15], ['normalizer', 20], ['structure', 15], ['dumb', 15]] as const);
    kinds.push(kind);
    switch (kind) {
      case 'piece': recipe.proto.push(pieceEdit(rng, fields)); break;
      case 'trainer': recipe.proto.push(trainerEdit(rng, fields)); break;
      case 'normalizer': recipe.proto.push(normalizerEdit(rng, fields)); break;
      case 'structure': recipe.proto.push(structureEdit(rng, fields)); break;
      default: {
        const size = once(`splen:${base}`, () => encodeProto(fields).length);
        recipe.bytes.push(...(rng.chance(0.3) ? [randomByteEdit(rng, size, [0, Math.min(size, 64)])] : randomByteEdits(rng, size, rng.range(1, 3))));
      }
    }
  } while (kinds.length < 4 && rng.chance(0.35));
  recipe.note = kinds.join('+');
  return recipe;
}

export const sentencePieceClass: ClassDef<SentencePieceRecipe> = {
  cls: 'sentencepiece',
  pristine: SENTENCEPIECE_BASES.length * 2,
  generate: generateSentencePiece,
  files: (recipe) => new Map([['config.json', Buffer.from(JSON.stringify({ model_type: recipe.modelType }))], [recipe.fileName, sentencePieceBytes(recipe)]]),
  async run(recipe: SentencePieceRecipe, ctx: CaseContext): Promise<void> {
    const bytes = sentencePieceBytes(recipe);
    writeFileSync(join(ctx.dir, 'config.json'), JSON.stringify({ model_type: recipe.modelType }));
    const file = join(ctx.dir, recipe.fileName);
    writeFileSync(file, bytes);
    const stamp = ctx.stamp();
    utimesSync(file, stamp, stamp);
    const problem = protoProblem(bytes);
    ctx.begin();
    const tok = await loadTokenizer(ctx.dir);
    if (problem) throw new InvariantViolation(`a malformed SentencePiece model loaded: ${problem}`);
    exerciseTokenizer(tok, tok.info.vocabSize);
  },
};
