/**
 * The GPU check itself (bundled by assemble.mjs into the rig as check.js, run by run.sh): builds
 * our GPT-2-small-shaped and BERT-base-shaped graphs from the bench's seeded random weights, in
 * float32 and float16, opens them through our own runtime (OnnxRuntimeBackend: the provider
 * check, the CUDA session, the fallback to CPU), and compares each target run (CUDA, or the CPU
 * with --cpu-only) with the float32 CPU reference: decode tok/s with the KV cache (decodeStep, as
 * generation runs it), first-token latency, fill-mask latency, the inspect pass with every
 * attention map at --tokens tokens (default 512; 128 with --cpu-only). Then the fallback probes, in child processes
 * since the runtime is chosen when the engine loads: no provider; a provider without CUDA libraries
 * on the loader path; the provider as run. Writes report.json and report.md into --out.
 *
 * Usage: node check.js --out DIR [--work DIR] [--cpu-only] [--shapes full|tiny] [--tokens 512 (128 with --cpu-only)]
 *          [--decode-tokens 64] [--repeats 3] [--models gpt2,bert] [--ort-no-provider DIR]
 *        node check.js --probe GRAPH   (one session asked for CUDA; prints what it got as JSON)
 * TREX_ONNXRUNTIME_PATH names the onnxruntime-node to load (run.sh sets it to the rig's).
 * No Intl or toLocaleString here: the rig's Node is carried without its ICU data.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BERT_BASE, GPT2_SMALL } from '../../bench/support/prepare';
import { defineModelGraph, type GraphFamilyConfig, type GraphPrecision, type ModelGraphOptions } from '../../src/engine/graph/modelGraph';
import type { WeightTensor } from '../../src/engine/graph/weights';
import { cudaProviderPath, OnnxRuntimeBackend } from '../../src/engine/runtime/onnxRuntime';
import { ONNXRUNTIME_PATH_ENV } from '../../src/engine/runtime/runtimePath';
import type { DeviceKind, DevicePreference, InferenceSession } from '../../src/engine/runtime/types';
import { decodeStep, type KvCache } from '../../src/engine/tasks/decodeSession';
import { feedsForIds } from '../../src/engine/tasks/inputs';
import { tinyModelWeights, type TinyModelSpec } from '../../test/support/tinyModelFolder';
import { agreement, commonPrefix, median, TOLERANCES, top1OrTie, worst, type Agreement } from './compare';
import { markdownReport, type CheckReport, type Figures, type ProbeResult, type RunRow } from './report';

const now = (): number => performance.now();

interface Args {
  out: string;
  work: string;
  cpuOnly: boolean;
  shapes: 'full' | 'tiny';
  tokens: number;
  decodeTokens: number;
  repeats: number;
  ortNoProvider?: string;
  probe?: string;
  models: ('gpt2' | 'bert')[];
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const shapes = value('--shapes') ?? 'full';
  if (shapes !== 'full' && shapes !== 'tiny') throw new Error(`--shapes: full or tiny, not ${shapes}`);
  const out = value('--out') ?? 'gpu-check-report';
  return {
    out, work: value('--work') ?? join(tmpdir(), 'trex-gpu-check-work'), cpuOnly: argv.includes('--cpu-only'), shapes,
    // On the CPU the float16 graphs run slowly (minutes for the inspect pass at 512 tokens on 2 cores): 128 unless asked.
    tokens: Number(value('--tokens') ?? (argv.includes('--cpu-only') ? 128 : 512)), decodeTokens: Number(value('--decode-tokens') ?? 64), repeats: Number(value('--repeats') ?? 3),
    ortNoProvider: value('--ort-no-provider'), probe: value('--probe'),
    models: (value('--models') ?? 'gpt2,bert').split(',').map((m) => {
      if (m !== 'gpt2' && m !== 'bert') throw new Error(`--models: gpt2 and/or bert, not ${m}`);
      return m;
    }),
  };
}

/** The same shapes as the bench (bench/support/prepare.ts), or tiny ones for the unit test. */
function shapesOf(kind: Args['shapes']): { gpt2: TinyModelSpec; bert: TinyModelSpec } {
  if (kind === 'full') return { gpt2: GPT2_SMALL, bert: BERT_BASE };
  return {
    gpt2: { family: 'gpt2', seed: 124, config: { nLayer: 2, nHead: 4, nEmbd: 64, vocabSize: 1000, nPositions: 1024, layerNormEpsilon: 1e-5 } },
    bert: {
      family: 'encoder', seed: 110,
      config: { modelType: 'bert', vocabSize: 1000, hiddenSize: 64, nLayer: 2, nHead: 4, intermediateSize: 256, maxPositions: 512, typeVocabSize: 2, layerNormEpsilon: 1e-12, padTokenId: 0 },
    },
  };
}

interface Shape {
  numLayers: number;
  numHeads: number;
  hiddenSize: number;
  vocabSize: number;
}

function shapeOf(spec: TinyModelSpec): Shape {
  const c = spec.config;
  return 'nEmbd' in c
    ? { numLayers: c.nLayer, numHeads: c.nHead, hiddenSize: c.nEmbd, vocabSize: c.vocabSize }
    : { numLayers: c.nLayer, numHeads: c.nHead, hiddenSize: c.hiddenSize, vocabSize: c.vocabSize };
}

function familyOf(spec: TinyModelSpec): GraphFamilyConfig {
  return spec.family === 'gpt2' ? { family: 'gpt2', gpt2: spec.config } : { family: 'encoder', encoder: spec.config };
}

/** Deterministic token ids, clear of BERT's special ids (0…103), the same on every machine. */
function ids(count: number, vocab: number, salt: number): number[] {
  const low = vocab >= 2000 ? 1000 : 110;
  const span = Math.min(vocab, 30000) - low;
  return Array.from({ length: count }, (_, i) => low + ((i * 7919 + salt * 104729) % span));
}

function folderMiB(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0) / 2 ** 20;
}

function buildGraph(spec: TinyModelSpec, weights: ReadonlyMap<string, WeightTensor>, options: ModelGraphOptions, dir: string): { path: string; buildMs: number; graphMiB: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = now();
  const path = join(dir, 'model.onnx');
  defineModelGraph(familyOf(spec), weights, options).writeFiles(path);
  return { path, buildMs: now() - t0, graphMiB: folderMiB(dir) };
}

interface Opened {
  session: InferenceSession;
  createMs: number;
}

async function open(path: string, device: DevicePreference): Promise<Opened> {
  const t0 = now();
  const session = await new OnnxRuntimeBackend().createSession(path, { device, gpuId: 0 });
  return { session, createMs: now() - t0 };
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Greedy generation through decodeStep (the KV cache, as generation runs it); times in ms from the start. */
async function greedy(session: InferenceSession, shape: Shape, prompt: number[], steps: number): Promise<{ ids: number[]; times: number[]; promptLogits: Float32Array }> {
  const model = { ...shape, decode: { graphPath: '', session } };
  const t0 = now();
  let cache: KvCache | undefined;
  let row = prompt;
  const out: number[] = [];
  const times: number[] = [];
  let promptLogits: Float32Array = new Float32Array(0);
  for (let step = 0; step < steps; step++) {
    const r = await decodeStep(model, [row], cache);
    if (step === 0) promptLogits = r.logits[0];
    const next = argmax(r.logits[0]);
    out.push(next);
    times.push(now() - t0);
    cache = r.cache;
    row = [next];
  }
  return { ids: out, times, promptLogits };
}

interface DecodeOutputs {
  figures: Figures;
  ids: number[];
  promptLogits: Float32Array;
}

async function decodeFigures(session: InferenceSession, shape: Shape, args: Args): Promise<DecodeOutputs> {
  const prompt = ids(16, shape.vocabSize, 1);
  await greedy(session, shape, prompt, 4); // warm-up
  const first: number[] = [];
  for (let i = 0; i < args.repeats; i++) first.push((await greedy(session, shape, prompt, 1)).times[0]);
  const run = await greedy(session, shape, prompt, args.decodeTokens);
  const n = run.times.length;
  const tokPerSec = n > 1 ? (n - 1) / ((run.times[n - 1] - run.times[0]) / 1000) : NaN;
  return { figures: { firstTokenMs: median(first), decodeTokPerSec: tokPerSec, decodeTokens: n }, ids: run.ids, promptLogits: run.promptLogits };
}

interface InspectOutputs {
  figures: Figures;
  logits: Float32Array;
  attentions: Float32Array[];
}

/** The inspect graph's forward pass over `tokens` tokens, every attention map fetched (the Attention view's model time). */
async function inspectFigures(session: InferenceSession, shape: Shape, tokens: number, bert: boolean, args: Args): Promise<InspectOutputs> {
  const row = bert ? [101, ...ids(tokens - 2, shape.vocabSize, 2), 102] : ids(tokens, shape.vocabSize, 2);
  const feeds = feedsForIds({ session, hiddenSize: shape.hiddenSize, numHeads: shape.numHeads }, [row]);
  const fetch = ['logits', ...Array.from({ length: shape.numLayers }, (_, i) => `attentions.${i}`)];
  await session.run(feeds, fetch); // warm-up
  const times: number[] = [];
  let out: Awaited<ReturnType<InferenceSession['run']>> = {};
  for (let i = 0; i < args.repeats; i++) {
    const t0 = now();
    out = await session.run(feeds, fetch);
    times.push(now() - t0);
  }
  return {
    figures: { attentionMs: median(times), attentionTokens: tokens },
    logits: out['logits'].data as Float32Array,
    attentions: fetch.slice(1).map((name) => out[name].data as Float32Array),
  };
}

interface FillMaskOutputs {
  figures: Figures;
  maskLogits: Float32Array;
}

async function fillMaskFigures(session: InferenceSession, shape: Shape, args: Args): Promise<FillMaskOutputs> {
  const row = [101, ...ids(4, shape.vocabSize, 3), 103, ...ids(5, shape.vocabSize, 4), 102];
  const mask = row.indexOf(103);
  const feeds = feedsForIds({ session, hiddenSize: shape.hiddenSize, numHeads: shape.numHeads }, [row]);
  await session.run(feeds, ['logits']);
  const times: number[] = [];
  let logits: Float32Array = new Float32Array(0);
  for (let i = 0; i < args.repeats * 4; i++) {
    const t0 = now();
    const out = await session.run(feeds, ['logits']);
    times.push(now() - t0);
    logits = out['logits'].data as Float32Array;
  }
  const V = shape.vocabSize;
  return { figures: { fillMaskMs: median(times), fillMaskTokens: row.length }, maskLogits: logits.slice(mask * V, (mask + 1) * V) };
}

type Measure<T> = (session: InferenceSession) => Promise<T>;

/**
 * One graph (model × precision × variant): the float32 CPU reference is measured once (for the
 * float32 graph) and kept; the target session is asked for CUDA (or the CPU with --cpu-only) and
 * compared with it.
 */
async function targetRow<T>(row: Omit<RunRow, 'target' | 'agreement' | 'pass' | 'note'>, path: string, device: DevicePreference, measure: Measure<T>, compare: (t: T) => { agreement: Record<string, Agreement | number>; pass: boolean }, log: (s: string) => void): Promise<RunRow> {
  log(`${row.model} ${row.graph} ${row.precision}: opening on ${device}`);
  let opened: Opened;
  try {
    opened = await open(path, device);
  } catch (e) {
    return { ...row, target: { requested: device, device: 'none', createMs: NaN, figures: {}, error: oneLine(e) }, pass: false };
  }
  try {
    const outputs = await measure(opened.session);
    const c = compare(outputs);
    const ranOn: DeviceKind = opened.session.device;
    return {
      ...row,
      target: { requested: device, device: ranOn, createMs: opened.createMs, figures: figuresOf(outputs), fallbackReason: opened.session.fallbackReason },
      agreement: c.agreement, pass: c.pass && (device === 'cpu' || ranOn === 'cuda'),
    };
  } catch (e) {
    return { ...row, target: { requested: device, device: opened.session.device, createMs: opened.createMs, figures: {}, error: oneLine(e) }, pass: false };
  } finally {
    await opened.session.release();
  }
}

function figuresOf(o: unknown): Figures {
  return (o as { figures: Figures }).figures;
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

async function checkModel(name: 'gpt2' | 'bert', spec: TinyModelSpec, args: Args, log: (s: string) => void): Promise<RunRow[]> {
  const shape = shapeOf(spec);
  const bert = name === 'bert';
  const modelName = bert ? 'BERT-base shape' : 'GPT-2-small shape';
  log(`${modelName}: generating seeded weights (seed ${spec.seed})`);
  const weights = tinyModelWeights(spec);
  const rows: RunRow[] = [];
  const targetDevice: DevicePreference = args.cpuOnly ? 'cpu' : 'cuda';
  const variants: { graph: RunRow['graph']; options: ModelGraphOptions }[] = [
    { graph: bert ? 'fill-mask' : 'decode', options: bert ? { variant: 'decode' } : { variant: 'decode', lastLogitsOnly: true } },
    { graph: 'inspect', options: { variant: 'inspect' } },
  ];
  for (const { graph, options } of variants) {
    let reference: { figures: Figures; createMs: number; outputs: DecodeOutputs | InspectOutputs | FillMaskOutputs } | undefined;
    for (const precision of ['float32', 'float16'] as const) {
      const dir = join(args.work, `${name}-${graph}-${precision}`);
      log(`${modelName} ${graph} ${precision}: building the graph`);
      const built = buildGraph(spec, weights, precision === 'float32' ? options : { ...options, precision }, dir);
      const measure = async (s: InferenceSession): Promise<DecodeOutputs | InspectOutputs | FillMaskOutputs> =>
        graph === 'decode' ? decodeFigures(s, shape, args) : graph === 'fill-mask' ? fillMaskFigures(s, shape, args) : inspectFigures(s, shape, args.tokens, bert, args);
      if (precision === 'float32') {
        log(`${modelName} ${graph}: float32 CPU reference`);
        const ref = await open(built.path, 'cpu');
        const outputs = await measure(ref.session);
        await ref.session.release();
        reference = { figures: outputs.figures, createMs: ref.createMs, outputs };
      }
      const ref = reference;
      if (ref === undefined) throw new Error('no reference');
      const base = { model: modelName, graph, precision, buildMs: built.buildMs, graphMiB: built.graphMiB, reference: { device: 'cpu' as const, createMs: ref.createMs, figures: ref.figures } };
      if (args.cpuOnly && precision === 'float32') {
        rows.push({ ...base, pass: true, note: 'target = reference (--cpu-only)' });
      } else {
        const tol = TOLERANCES[precision];
        rows.push(await targetRow(base, built.path, targetDevice, measure, (t) => compareOutputs(ref.outputs, t, shape, tol), log));
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

function compareOutputs(ref: DecodeOutputs | InspectOutputs | FillMaskOutputs, t: DecodeOutputs | InspectOutputs | FillMaskOutputs, shape: Shape, tol: (typeof TOLERANCES)['float32']): { agreement: Record<string, Agreement | number>; pass: boolean } {
  if ('promptLogits' in ref && 'promptLogits' in t) {
    const logits = agreement(t.promptLogits, ref.promptLogits, shape.vocabSize);
    const same = commonPrefix(t.ids, ref.ids);
    return { agreement: { promptLogits: logits, greedySameTokens: same, greedyTokens: ref.ids.length }, pass: logits.relative <= tol.relativeLogits && top1OrTie(logits) === 1 };
  }
  if ('maskLogits' in ref && 'maskLogits' in t) {
    const logits = agreement(t.maskLogits, ref.maskLogits, shape.vocabSize);
    return { agreement: { maskLogits: logits }, pass: logits.relative <= tol.relativeLogits && top1OrTie(logits) === 1 };
  }
  if ('attentions' in ref && 'attentions' in t) {
    const logits = agreement(t.logits, ref.logits, shape.vocabSize);
    const attention = worst(t.attentions.map((a, i) => agreement(a, ref.attentions[i], ref.figures.attentionTokens ?? 0)));
    return { agreement: { logits, attention }, pass: logits.relative <= tol.relativeLogits && top1OrTie(logits) >= tol.top1 && attention.maxAbs <= tol.attentionMaxAbs };
  }
  throw new Error('outputs of different kinds');
}

/** One probe: a child process with its own runtime and loader path asks our backend for CUDA. */
function probe(graph: string, label: string, env: NodeJS.ProcessEnv): ProbeResult {
  const r = spawnSync(process.execPath, [process.argv[1], '--probe', graph], { env, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { case: label, ...(JSON.parse(line) as Omit<ProbeResult, 'case'>) };
  } catch {
    return { case: label, requested: 'cuda', device: 'none', providerPath: '', providerInstalled: false, error: `probe exited ${r.status ?? r.signal}: ${(r.stderr || line).trim().split('\n').slice(-3).join(' | ')}` };
  }
}

async function runProbe(graph: string): Promise<void> {
  const provider = cudaProviderPath();
  const result: Omit<ProbeResult, 'case'> = { requested: 'cuda', device: 'none', providerPath: provider, providerInstalled: existsSync(provider) };
  try {
    const { session } = await open(graph, 'cuda');
    const out = await session.run(feedsForIds({ session, hiddenSize: 64, numHeads: 4 }, [[101, 200, 201, 102]]), ['logits']);
    Object.assign(result, { device: session.device, fallbackReason: session.fallbackReason, ran: out['logits'].dims.join('×') });
    await session.release();
  } catch (e) {
    result.error = oneLine(e);
  }
  console.log(JSON.stringify(result));
}

function gpuName(): string | undefined {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', timeout: 20_000 }).trim();
  } catch {
    return undefined;
  }
}

function ortVersion(): string {
  const path = process.env[ONNXRUNTIME_PATH_ENV];
  try {
    const pkg = path ? join(path, 'package.json') : require.resolve('onnxruntime-node/package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.probe) return runProbe(args.probe);
  const started = now();
  const log = (s: string): void => console.log(`[${((now() - started) / 1000).toFixed(1)} s] ${s}`);
  mkdirSync(args.out, { recursive: true });
  mkdirSync(args.work, { recursive: true });
  const shapes = shapesOf(args.shapes);
  const report: CheckReport = {
    startedAt: new Date().toISOString(), mode: args.cpuOnly ? 'cpu-only' : 'cuda', shapes: args.shapes,
    machine: { node: process.version, cpus: cpus().length, gpu: gpuName(), ldLibraryPath: process.env['LD_LIBRARY_PATH'] ?? '' },
    runtime: { onnxruntimePath: process.env[ONNXRUNTIME_PATH_ENV] ?? 'onnxruntime-node', onnxruntimeVersion: ortVersion(), providerPath: cudaProviderPath(), providerInstalled: existsSync(cudaProviderPath()) },
    settings: { attentionTokens: args.tokens, decodeTokens: args.decodeTokens, repeats: args.repeats, tolerances: TOLERANCES },
    rows: [], probes: [],
    notTried: [
      'onnxruntime contrib GreedySearch/BeamSearch (the whole generation loop on the GPU): not tried; our decode graph would need to be wrapped as its decoder subgraph',
      'IO binding: onnxruntime-node has none in our runtime, so every decode step copies the KV cache device → host → device',
    ],
    seconds: 0,
  };
  const write = (): void => {
    report.seconds = (now() - started) / 1000;
    writeFileSync(join(args.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(args.out, 'report.md'), markdownReport(report));
  };
  // The probes first (seconds, on a tiny graph), so a long run that is cut short still reports them.
  const tiny = shapesOf('tiny').bert;
  const probeGraph = buildGraph(tiny, tinyModelWeights(tiny), { variant: 'decode' }, join(args.work, 'probe')).path;
  const env = { ...process.env };
  if (args.ortNoProvider) report.probes.push(probe(probeGraph, 'a runtime without the CUDA provider', { ...env, [ONNXRUNTIME_PATH_ENV]: args.ortNoProvider }));
  report.probes.push(probe(probeGraph, 'this runtime, LD_LIBRARY_PATH empty', { ...env, LD_LIBRARY_PATH: '' }));
  report.probes.push(probe(probeGraph, 'this runtime, LD_LIBRARY_PATH as run', env));
  for (const p of report.probes) log(`probe "${p.case}": ${p.device}${p.fallbackReason ? ` (${p.fallbackReason})` : ''}${p.error ? ` error: ${p.error}` : ''}`);
  write();
  for (const name of args.models) {
    report.rows.push(...(await checkModel(name, shapes[name], args, log)));
    write();
  }
  rmSync(args.work, { recursive: true, force: true });
  write();
  log(`report: ${join(args.out, 'report.md')}`);
  const failed = report.rows.filter((r) => !r.pass);
  if (failed.length > 0) log(`${failed.length} row(s) out of tolerance or failed: see the report`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
