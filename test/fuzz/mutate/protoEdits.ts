/** Edits of a parsed protobuf message, as data (paths index fields: [top], [top, child]). */
import { applyByteEdits, type ByteEdit } from './byteEdits';
import type { ProtoField } from './protobuf';

export type BytesSpec = { utf8: string } | { hex: string } | { repeat: number; times: number };

export type ProtoEdit =
  | { op: 'varint'; path: number[]; value: string }
  | { op: 'fixed32'; path: number[]; value: number | 'NaN' | 'Infinity' | '-Infinity' }
  | { op: 'bytes'; path: number[]; value: BytesSpec }
  | { op: 'patch'; path: number[]; edits: ByteEdit[] }
  | { op: 'wire'; path: number[]; wire: number }
  | { op: 'number'; path: number[]; n: number }
  | { op: 'delete'; path: number[] }
  | { op: 'dup'; path: number[]; times: number }
  | { op: 'length'; path: number[]; delta: number }
  | { op: 'overlong'; path: number[] }
  /** Adds a field at `path` (its last index is the position among its siblings). */
  | { op: 'insert'; path: number[]; n: number; wire: number; value: string | BytesSpec };

export function specBytes(spec: BytesSpec): Uint8Array {
  if ('utf8' in spec) return Buffer.from(spec.utf8, 'utf8');
  if ('hex' in spec) return Buffer.from(spec.hex, 'hex');
  return Buffer.alloc(Math.max(0, Math.min(spec.times, 1 << 26)), spec.repeat & 0xff);
}

function fixed32(value: number | 'NaN' | 'Infinity' | '-Infinity'): Uint8Array {
  const out = Buffer.alloc(4);
  out.writeFloatLE(typeof value === 'number' ? value : Number(value));
  return out;
}

/** The siblings list that holds the field at `path`, copied along the way; undefined when the path leads nowhere. */
function edit(fields: readonly ProtoField[], path: readonly number[], change: (siblings: ProtoField[], index: number) => void): ProtoField[] {
  const copy = fields.slice();
  const [i, ...rest] = path;
  if (rest.length === 0) {
    if (i >= 0 && i <= copy.length) change(copy, i);
    return copy;
  }
  const f = copy[i];
  if (!f?.children) return copy;
  copy[i] = { ...f, bytes: undefined, children: edit(f.children, rest, change) };
  return copy;
}

function withField(fields: readonly ProtoField[], path: readonly number[], change: (f: ProtoField) => ProtoField | ProtoField[]): ProtoField[] {
  return edit(fields, path, (siblings, i) => {
    if (i >= siblings.length) return;
    const changed = change(siblings[i]);
    siblings.splice(i, 1, ...(Array.isArray(changed) ? changed : [changed]));
  });
}

export function applyProtoEdits(fields: readonly ProtoField[], edits: readonly ProtoEdit[]): ProtoField[] {
  let out = fields.slice();
  for (const e of edits) {
    switch (e.op) {
      case 'varint': out = withField(out, e.path, (f) => ({ n: f.n, wire: 0, varint: BigInt.asUintN(64, BigInt(e.value)) })); break;
      case 'fixed32': out = withField(out, e.path, (f) => ({ n: f.n, wire: 5, bytes: fixed32(e.value) })); break;
      case 'bytes': out = withField(out, e.path, (f) => ({ n: f.n, wire: 2, bytes: specBytes(e.value) })); break;
      case 'patch': out = withField(out, e.path, (f) => ({ ...f, children: undefined, bytes: applyByteEdits(f.bytes ?? new Uint8Array(0), e.edits) })); break;
      case 'wire': out = withField(out, e.path, (f) => ({ ...f, wireAs: e.wire })); break;
      case 'number': out = withField(out, e.path, (f) => ({ ...f, n: e.n })); break;
      case 'delete': out = withField(out, e.path, () => []); break;
      case 'dup': out = withField(out, e.path, (f) => Array<ProtoField>(1 + Math.max(1, Math.min(e.times, 100_000))).fill(f)); break;
      case 'length': out = withField(out, e.path, (f) => ({ ...f, lengthDelta: e.delta })); break;
      case 'overlong': out = withField(out, e.path, (f) => ({ ...f, overlongKey: true })); break;
      case 'insert': {
        const field: ProtoField = typeof e.value === 'string' ? { n: e.n, wire: e.wire, varint: BigInt.asUintN(64, BigInt(e.value)) } : { n: e.n, wire: e.wire, bytes: specBytes(e.value) };
        out = edit(out, e.path, (siblings, i) => siblings.splice(i, 0, field));
        break;
      }
    }
  }
  return out;
}
