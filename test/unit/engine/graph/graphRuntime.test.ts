/** The onnxruntime-node backend: sessions from bytes or a path, only fetched outputs, CUDA → CPU fallback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GraphBuilder } from '../../../../src/engine/graph/onnxBuilder';
import { isCudaRunFailure, OnnxRuntimeBackend, OrtSession } from '../../../../src/engine/runtime/onnxRuntime';
import { float32 } from '../../../support/graphGolden';

/** y = x·W + b and z = relu(y), with a symbolic batch dimension. */
function tinyGraph(): Uint8Array {
  const g = new GraphBuilder('tiny');
  const x = g.input('x', 'float32', ['batch_size', 2]);
  const y = g.op('Add', [g.op('MatMul', [x, g.initializer('w', [2, 3], Float32Array.of(1, 2, 3, -4, -5, -6))]), g.initializer('b', [3], Float32Array.of(0.5, 0, 0))]);
  g.output('y', y, 'float32', ['batch_size', 3]);
  g.output('z', g.op('Relu', [y]), 'float32', ['batch_size', 3]);
  return g.toBytes();
}

test('a session from bytes computes the graph and returns only the outputs asked for', async () => {
  const s = await new OnnxRuntimeBackend().createSession(tinyGraph(), { device: 'cpu' });
  assert.deepEqual([s.inputNames, s.outputNames, s.device, s.fallbackReason], [['x'], ['y', 'z'], 'cpu', undefined]);
  const out = await s.run({ x: float32(Float32Array.of(1, 1, 2, 0), [2, 2]) }, ['z']);
  assert.deepEqual(Object.keys(out), ['z']);
  assert.deepEqual(out.z.dims, [2, 3]);
  assert.deepEqual([...(out.z.data as Float32Array)], [0, 0, 0, 2.5, 4, 6]);
  await assert.rejects(s.run({ x: float32(Float32Array.of(1, 1), [1, 2]) }, ['nope']), /no output nope/);
  await assert.rejects(s.run({ x: float32(Float32Array.of(1, 1, 1), [1, 2]) }, ['y']), /3 values for shape \[1, 2\]/);
  await s.release();
});

test('a session from an .onnx path works the same', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'trex-graph-')), 'tiny.onnx');
  writeFileSync(path, tinyGraph());
  const s = await new OnnxRuntimeBackend().createSession(path, { device: 'cpu' });
  const out = await s.run({ x: float32(Float32Array.of(0, 1), [1, 2]) }, ['y']);
  assert.deepEqual([...(out.y.data as Float32Array)], [-3.5, -5, -6]);
  await s.release();
});

test('CUDA asked for: runs on CUDA when its provider loads, otherwise on CPU with the reason', async () => {
  for (const device of ['cuda', 'auto'] as const) {
    const s = await new OnnxRuntimeBackend().createSession(tinyGraph(), { device });
    if (s.device === 'cpu') {
      assert.match(s.fallbackReason ?? '', /^CUDA unavailable, running on CPU: .*(Failed to load shared library|provider of onnxruntime-node is not installed)/);
      assert.ok(!(s.fallbackReason ?? '').includes('\n'));
    } else {
      assert.equal(s.fallbackReason, undefined);
    }
    const out = await s.run({ x: float32(Float32Array.of(1, 0), [1, 2]) }, ['y']);
    assert.deepEqual([...(out.y.data as Float32Array)], [1.5, 2, 3]);
    await s.release();
  }
});

test('when ort itself fails to load CUDA, the error is caught and the session runs on CPU', async () => {
  const s = await new OnnxRuntimeBackend({ skipProviderCheck: true }).createSession(tinyGraph(), { device: 'cuda' });
  if (s.device === 'cpu') assert.match(s.fallbackReason ?? '', /^CUDA unavailable, running on CPU: \S.*/);
  const out = await s.run({ x: float32(Float32Array.of(0, 0), [1, 2]) }, ['y']);
  assert.deepEqual([...(out.y.data as Float32Array)], [0.5, 0, 0]);
  await s.release();
});

test('only src/engine/runtime/onnxRuntime.ts imports onnxruntime-node', () => {
  const root = join(__dirname, '..', '..', '..', '..', '..');
  const ORT_IMPORT = /(?:\bfrom\s*['"]onnxruntime-node['"]|\brequire\s*\(\s*['"]onnxruntime-node['"]\s*\)|\bimport\s*\(\s*['"]onnxruntime-node['"]\s*\))/;
  assert.match("import * as ort from 'onnxruntime-node';", ORT_IMPORT);
  assert.match('const ort = require("onnxruntime-node")', ORT_IMPORT);
  const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
  const importers = files(join(root, 'src')).filter((f) => ORT_IMPORT.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f).split('\\').join('/'));
  assert.deepEqual(importers, ['src/engine/runtime/onnxRuntime.ts']);
});

/** A stand-in for an ort session: `fail` decides what each run throws. */
function fakeOrtSession(log: string[], label: string, fail?: () => Error) {
  return {
    inputNames: ['x'],
    outputNames: ['y'],
    async run() {
      log.push(`${label}.run`);
      const error = fail?.();
      if (error) throw error;
      return { y: { type: 'float32', dims: [1], data: Float32Array.of(label === 'cpu' ? 1 : 2) } };
    },
    async release() {
      log.push(`${label}.release`);
    },
  };
}

test('a CUDA failure during a run reopens the session on CPU, retries, and says why', async () => {
  const log: string[] = [];
  const gpu = fakeOrtSession(log, 'gpu', () => new Error('CUDA failure 700: an illegal memory access was encountered\nstack'));
  const s = new OrtSession(gpu as never, 'cuda', undefined, async () => {
    log.push('reopen');
    return fakeOrtSession(log, 'cpu') as never;
  });
  const x = { x: float32(Float32Array.of(0, 0), [1, 2]) };
  const out = await s.run(x, ['y']);
  assert.deepEqual([...(out.y.data as Float32Array)], [1]);
  assert.equal(s.device, 'cpu');
  assert.equal(s.fallbackReason, 'CUDA failed during a run, now running on CPU: CUDA failure 700: an illegal memory access was encountered');
  await s.run(x, ['y']);
  assert.deepEqual(log, ['gpu.run', 'reopen', 'gpu.release', 'cpu.run', 'cpu.run']);
});

test('an input error on CUDA is not a reason to move to the CPU', async () => {
  const log: string[] = [];
  const gpu = fakeOrtSession(log, 'gpu', () => new Error('Got invalid dimensions for input: x for the following indices'));
  const s = new OrtSession(gpu as never, 'cuda', undefined, async () => {
    log.push('reopen');
    return fakeOrtSession(log, 'cpu') as never;
  });
  await assert.rejects(s.run({ x: float32(Float32Array.of(0, 0), [1, 2]) }, ['y']), /invalid dimensions/);
  assert.deepEqual([s.device, log], ['cuda', ['gpu.run']]);
  assert.ok(isCudaRunFailure(new Error('CUBLAS_STATUS_ALLOC_FAILED')) && isCudaRunFailure(new Error('Failed to allocate memory: out of memory')));
});
