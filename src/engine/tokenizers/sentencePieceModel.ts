/**
 * A SentencePiece model file (`sentencepiece.bpe.model`, `spiece.model`): a protobuf `ModelProto`,
 * read by hand — only the fields a tokenizer is rebuilt from:
 *
 *   ModelProto      1 pieces (repeated)   2 trainer_spec   3 normalizer_spec
 *   SentencePiece   1 piece   2 score (float)   3 type (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte)
 *   TrainerSpec     3 model_type (1 unigram, 2 BPE, 3 word, 4 char)   35 byte_fallback   40 unk_id
 *   NormalizerSpec  1 name   2 precompiled_charsmap   3 add_dummy_prefix   4 remove_extra_whitespaces
 *
 * Every length and offset is checked against the buffer: a truncated or foreign file is a
 * one-line TokenizerError, never a read past the end.
 */
import { TokenizerError } from './errors';

export interface SentencePiece {
  piece: string;
  score: number;
  /** 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte. */
  type: number;
}

export interface SentencePieceModel {
  pieces: SentencePiece[];
  /** 1 unigram, 2 BPE, 3 word, 4 char. */
  modelType: number;
  unkId: number;
  byteFallback: boolean;
  normalizerName: string;
  /** The normalizer's compiled rules (empty for the identity normalizer). */
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
}

export const SENTENCEPIECE_MODEL_TYPES: Record<number, string> = { 1: 'Unigram', 2: 'BPE', 3: 'word', 4: 'char' };

type Field = { number: number; wire: 0; value: bigint } | { number: number; wire: 1 | 5; value: DataView } | { number: number; wire: 2; value: Uint8Array };

class Reader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
  ) {}

  private fail(what: string): never {
    throw new TokenizerError(`${this.where} is not a SentencePiece model (${what} at byte ${this.pos})`);
  }

  private varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.bytes.length) this.fail('truncated varint');
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    return this.fail('varint too long');
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.bytes.length) this.fail(`field of ${n} bytes past the end`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  *fields(): Generator<Field> {
    while (this.pos < this.bytes.length) {
      const key = this.varint();
      const number = Number(key >> 3n);
      const wire = Number(key & 7n);
      if (number === 0) this.fail('field number 0');
      switch (wire) {
        case 0:
          yield { number, wire, value: this.varint() };
          break;
        case 1:
        case 5: {
          const raw = this.take(wire === 1 ? 8 : 4);
          yield { number, wire, value: new DataView(raw.buffer, raw.byteOffset, raw.byteLength) };
          break;
        }
        case 2: {
          const length = this.varint();
          if (length > BigInt(this.bytes.length)) this.fail('length past the end');
          yield { number, wire, value: this.take(Number(length)) };
          break;
        }
        default:
          this.fail(`unsupported wire type ${wire}`);
      }
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(field: Field, where: string): string {
  if (field.wire !== 2) throw new TokenizerError(`${where} is not a SentencePiece model (field ${field.number} is not a string)`);
  try {
    return utf8.decode(field.value);
  } catch {
    throw new TokenizerError(`${where} is not a SentencePiece model (field ${field.number} is not UTF-8)`);
  }
}

function int(field: Field): number {
  // int32 fields hold negative values as 64-bit two's complement varints.
  return field.wire === 0 ? Number(BigInt.asIntN(32, field.value)) : 0;
}

function parsePiece(bytes: Uint8Array, where: string): SentencePiece {
  const piece: SentencePiece = { piece: '', score: 0, type: 1 };
  for (const f of new Reader(bytes, where).fields()) {
    if (f.number === 1) piece.piece = text(f, where);
    else if (f.number === 2 && f.wire === 5) piece.score = f.value.getFloat32(0, true);
    else if (f.number === 3) piece.type = int(f);
  }
  return piece;
}

/** Parses a SentencePiece ModelProto; `where` names the file in error messages. */
export function parseSentencePieceModel(bytes: Uint8Array, where: string): SentencePieceModel {
  const model: SentencePieceModel = {
    pieces: [], modelType: 1, unkId: 0, byteFallback: false, normalizerName: '', precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true, removeExtraWhitespaces: true,
  };
  let sawTrainer = false;
  for (const f of new Reader(bytes, where).fields()) {
    if (f.wire !== 2) continue;
    if (f.number === 1) model.pieces.push(parsePiece(f.value, where));
    else if (f.number === 2) {
      sawTrainer = true;
      for (const t of new Reader(f.value, where).fields()) {
        if (t.number === 3) model.modelType = int(t);
        else if (t.number === 35) model.byteFallback = int(t) !== 0;
        else if (t.number === 40) model.unkId = int(t);
      }
    } else if (f.number === 3) {
      for (const n of new Reader(f.value, where).fields()) {
        if (n.number === 1) model.normalizerName = text(n, where);
        else if (n.number === 2 && n.wire === 2) model.precompiledCharsmap = n.value;
        else if (n.number === 3) model.addDummyPrefix = int(n) !== 0;
        else if (n.number === 4) model.removeExtraWhitespaces = int(n) !== 0;
      }
    }
  }
  if (model.pieces.length === 0 || !sawTrainer) throw new TokenizerError(`${where} is not a SentencePiece model (no pieces or no trainer spec)`);
  const unscored = model.pieces.findIndex((p) => !Number.isFinite(p.score));
  if (unscored >= 0) throw new TokenizerError(`${where} is not a SentencePiece model (piece ${unscored} has the score ${model.pieces[unscored].score})`);
  if (model.unkId < 0 || model.unkId >= model.pieces.length) throw new TokenizerError(`${where}: unknown-piece id ${model.unkId} is outside the ${model.pieces.length} pieces`);
  return model;
}
