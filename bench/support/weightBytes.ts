/**
 * Bytes of weights one decode step reads, from the graph file itself: every initializer that a
 * node other than Gather reads (whole), plus one row of each table read by Gather (the token's
 * embedding and its position's). Biases, norms and small constants are included; the KV cache is
 * not (it is activations, and grows with the sequence).
 */
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';

const ELEMENT_BYTES: Record<number, number> = {
  [onnx.TensorProto.DataType.FLOAT]: 4,
  [onnx.TensorProto.DataType.FLOAT16]: 2,
  [onnx.TensorProto.DataType.UINT8]: 1,
  [onnx.TensorProto.DataType.INT64]: 8,
  [onnx.TensorProto.DataType.BOOL]: 1,
};

export function weightBytesPerToken(onnxPath: string): number {
  const graph = onnx.ModelProto.decode(readFileSync(onnxPath)).graph;
  if (!graph) throw new Error(`${onnxPath} has no graph`);
  const sizes = new Map<string, { bytes: number; rowBytes: number }>();
  for (const t of graph.initializer ?? []) {
    const dims = (t.dims ?? []).map(Number);
    const bytes = dims.reduce((a, b) => a * b, 1) * (ELEMENT_BYTES[t.dataType ?? 0] ?? 4);
    sizes.set(t.name ?? '', { bytes, rowBytes: dims.length > 0 ? bytes / dims[0] : bytes });
  }
  const read = new Map<string, number>();
  for (const node of graph.node ?? []) {
    (node.input ?? []).forEach((input, position) => {
      const size = sizes.get(input);
      if (!size) return;
      const bytes = node.opType === 'Gather' && position === 0 ? size.rowBytes : size.bytes;
      read.set(input, Math.max(read.get(input) ?? 0, bytes));
    });
  }
  let total = 0;
  for (const bytes of read.values()) total += bytes;
  return total;
}
