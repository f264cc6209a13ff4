/**
 * Just enough protobuf to take a SentencePiece model apart and put it back together, including
 * wrongly: a field may be written with another wire type, a length prefix that lies, or a key
 * varint padded with redundant continuation bytes.
 */

export interface ProtoField {
  n: number;
  wire: number;
  /** wire 0 */
  varint?: bigint;
  /** wire 1, 2, 5: the content as read (dropped by an edit of the children, so that they are written out). */
  bytes?: Uint8Array;
  /** wire 2 fields of known message types, parsed. */
  children?: ProtoField[];
  /** Corruptions applied when written. */
  wireAs?: number;
  lengthDelta?: number;
  overlongKey?: boolean;
}

function readVarint(bytes: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (pos >= bytes.length) throw new Error('truncated varint');
    const b = bytes[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
  }
  throw new Error('varint too long');
}

/** Parses a valid message; `nested(n)` says which wire-2 field numbers hold messages to parse too. */
export function parseProto(bytes: Uint8Array, nested: (n: number) => boolean = () => false): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const [key, afterKey] = readVarint(bytes, pos);
    pos = afterKey;
    const n = Number(key >> 3n);
    if (n === 0) throw new Error('field number 0');
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, next] = readVarint(bytes, pos);
      fields.push({ n, wire, varint: v });
      pos = next;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > bytes.length) throw new Error('truncated fixed field');
      fields.push({ n, wire, bytes: bytes.subarray(pos, pos + size) });
      pos += size;
    } else if (wire === 2) {
      const [len, next] = readVarint(bytes, pos);
      if (BigInt(next) + len > BigInt(bytes.length)) throw new Error('length past the end');
      const content = bytes.subarray(next, next + Number(len));
      pos = next + Number(len);
      fields.push(nested(n) ? { n, wire, bytes: content, children: parseProto(content) } : { n, wire, bytes: content });
    } else {
      throw new Error(`wire type ${wire}`);
    }
  }
  return fields;
}

function varintBytes(value: bigint): number[] {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

/** The payload a field carries: its bytes as read, else its (edited) children written out, else its varint. */
function payload(f: ProtoField): Uint8Array {
  if (f.bytes) return f.bytes;
  if (f.children) return encodeProto(f.children);
  return Uint8Array.from(varintBytes(f.varint ?? 0n));
}

function encodeField(f: ProtoField, parts: Uint8Array[]): void {
  const wire = f.wireAs ?? f.wire;
  const key = varintBytes(BigInt(f.n) * 8n + BigInt(wire & 7));
  if (f.overlongKey) {
    key[key.length - 1] |= 0x80;
    key.push(0x80, 0x80, 0x00);
  }
  parts.push(Uint8Array.from(key));
  const natural = wire === f.wire;
  switch (wire) {
    case 0:
      parts.push(Uint8Array.from(varintBytes(natural ? (f.varint ?? 0n) : BigInt(payload(f).length))));
      break;
    case 1:
    case 5: {
      const fixed = new Uint8Array(wire === 1 ? 8 : 4);
      const p = natural && f.bytes ? f.bytes : payload(f);
      fixed.set(p.subarray(0, fixed.length));
      parts.push(fixed);
      break;
    }
    case 2: {
      const p = payload(f);
      parts.push(Uint8Array.from(varintBytes(BigInt(Math.max(0, p.length + (f.lengthDelta ?? 0))))), p);
      break;
    }
    default:
      break; // groups and invalid wire types: the key alone
  }
}

export function encodeProto(fields: readonly ProtoField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) encodeField(f, parts);
  return Buffer.concat(parts);
}
