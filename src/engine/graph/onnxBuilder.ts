/**
 * A small ONNX graph builder over `onnx-proto`: float32 or float16 initializers (raw little-endian bytes),
 * int64 constants, nodes with generated output names, and inputs/outputs whose dimensions may be
 * symbolic (`batch_size`, `past_sequence_length`…). `toBytes()` encodes a ModelProto (IR 8, opset 17,
 * the first with LayerNormalization) that onnxruntime-node loads from memory; `writeFiles()` puts
 * large initializers in a `.data` file next to the `.onnx` (ONNX external data), which models over
 * protobuf's 2 GB limit (gpt2-large, gpt2-xl) need.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { onnx } from 'onnx-proto';
import { float32ToFloat16Bits } from '../models/safetensorsWriter';

export const OPSET_VERSION = 17;
const IR_VERSION = 8;

export type ElementType = 'float32' | 'float16' | 'float64' | 'int64' | 'bool' | 'uint8';
/** Element types an initializer built from float32 values can be stored as. */
export type FloatStorage = 'float32' | 'float16';
/** A dimension: a fixed size or a symbolic name. */
export type Dim = number | string;
export type AttributeValue = number | number[] | string | { float: number } | { tensor: onnx.ITensorProto };

const DATA_TYPES: Record<ElementType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
  uint8: onnx.TensorProto.DataType.UINT8,
};

/** onnxruntime's contrib operators (MatMulNBits…), imported only by graphs that use one. */
export const CONTRIB_DOMAIN = 'com.microsoft';

/** `to` attribute values of a Cast node. */
export const CAST_TO: Readonly<Record<FloatStorage | 'float64', number>> = { float32: onnx.TensorProto.DataType.FLOAT, float16: onnx.TensorProto.DataType.FLOAT16, float64: onnx.TensorProto.DataType.DOUBLE };

function littleEndianBytes(array: Float32Array | BigInt64Array | Uint16Array | Uint8Array): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  // Every platform Node runs on for us is little-endian, which is what raw_data requires.
  return bytes;
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use { float } for non-integer ${value}`);
    return { name, type: T.INT, i: value };
  }
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.TENSOR, t: value.tensor };
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPES[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: Array<{ proto: onnx.ITensorProto; bytes: Uint8Array }> = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;
  private usesContrib = false;

  constructor(private readonly graphName: string) {}

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`duplicate ONNX value name ${name}`);
    this.used.add(name);
    return name;
  }

  /** A fresh internal value name with a readable prefix. */
  fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.used.has(name));
    return this.claim(name);
  }

  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares `value` as a graph output named `name` (an Identity node when the names differ). */
  output(name: string, value: string, type: ElementType, dims: readonly Dim[]): string {
    if (name !== value) this.nodes.push({ opType: 'Identity', input: [value], output: [this.claim(name)], name: `out_${name}` });
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** A weight from float32 values, stored as `storage` (float16: rounded to nearest even, half the bytes). */
  initializer(name: string, dims: readonly number[], data: Float32Array, storage: FloatStorage = 'float32'): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
    const stored = storage === 'float16' ? Uint16Array.from(data, float32ToFloat16Bits) : data;
    this.initializers.push({ proto: { name: this.claim(name), dims: [...dims], dataType: DATA_TYPES[storage] }, bytes: littleEndianBytes(stored) });
    return name;
  }

  /** A uint8 initializer (packed quantized weights, zero points) or a float32 one already in its final form (scales). */
  packed(name: string, dims: readonly number[], data: Uint8Array | Float32Array): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
    const type: ElementType = data instanceof Uint8Array ? 'uint8' : 'float32';
    this.initializers.push({ proto: { name: this.claim(name), dims: [...dims], dataType: DATA_TYPES[type] }, bytes: littleEndianBytes(data) });
    return name;
  }

  /** `x` converted to `to` (a Cast node). */
  cast(x: string, to: FloatStorage): string {
    return this.op('Cast', [x], { to: CAST_TO[to] });
  }

  /** An int64 constant initializer (shapes, axes, split sizes). `dims` defaults to a 1-D vector. */
  int64(prefix: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(prefix);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ proto: { name, dims: [...dims], dataType: DATA_TYPES.int64 }, bytes: littleEndianBytes(data) });
    return name;
  }

  /** A float32 scalar constant. */
  scalar(prefix: string, value: number): string {
    const name = this.fresh(prefix);
    this.initializers.push({ proto: { name, dims: [], dataType: DATA_TYPES.float32 }, bytes: littleEndianBytes(Float32Array.of(value)) });
    return name;
  }

  /** Adds a node with one output and returns that output's name. Empty input names mean "omitted". */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    return this.opMulti(opType, inputs, 1, attributes, outputName === undefined ? undefined : [outputName])[0];
  }

  /** A node of onnxruntime's contrib domain (com.microsoft) with one output. */
  contribOp(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    this.usesContrib = true;
    return this.opMulti(opType, inputs, 1, attributes, undefined, CONTRIB_DOMAIN)[0];
  }

  opMulti(opType: string, inputs: readonly string[], outputCount: number, attributes: Record<string, AttributeValue> = {}, outputNames?: readonly string[], domain?: string): string[] {
    const outputs = outputNames ? outputNames.map((n) => this.claim(n)) : Array.from({ length: outputCount }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      ...(domain === undefined ? {} : { domain }),
      opType,
      input: [...inputs],
      output: outputs,
      name: `${opType}_${this.nodes.length}`,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  /** The whole model, weights inline, in one buffer (below 2 GB). */
  toBytes(): Uint8Array {
    return this.encode(this.initializers.map(({ proto, bytes }) => ({ ...proto, rawData: bytes })));
  }

  /**
   * Writes `onnxPath` and, for initializers of at least `externalFromBytes` bytes, `onnxPath + '.data'`
   * (64-byte aligned), referenced by relative location as the ONNX external-data format specifies.
   */
  writeFiles(onnxPath: string, externalFromBytes = 1024): void {
    const dataName = `${basename(onnxPath)}.data`;
    const fd = openSync(`${onnxPath}.data`, 'w');
    let offset = 0;
    const tensors: onnx.ITensorProto[] = [];
    try {
      for (const { proto, bytes } of this.initializers) {
        if (bytes.byteLength < externalFromBytes) {
          tensors.push({ ...proto, rawData: bytes });
          continue;
        }
        const padding = (64 - (offset % 64)) % 64;
        if (padding > 0) writeSync(fd, new Uint8Array(padding));
        offset += padding;
        for (let done = 0; done < bytes.byteLength;) done += writeSync(fd, bytes, done, bytes.byteLength - done);
        tensors.push({
          ...proto,
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [{ key: 'location', value: dataName }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(bytes.byteLength) }],
        });
        offset += bytes.byteLength;
      }
    } finally {
      closeSync(fd);
    }
    const model = this.encode(tensors);
    const out = openSync(onnxPath, 'w');
    try {
      for (let done = 0; done < model.byteLength;) done += writeSync(out, model, done, model.byteLength - done);
    } finally {
      closeSync(out);
    }
  }

  private encode(initializers: onnx.ITensorProto[]): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'transformer-explorer',
      opsetImport: [{ domain: '', version: OPSET_VERSION }, ...(this.usesContrib ? [{ domain: CONTRIB_DOMAIN, version: 1 }] : [])],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
