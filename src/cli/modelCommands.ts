/**
 * `trex logits`, `trex attention`, `trex model-card`: a model folder or Hub id run in-process on
 * onnxruntime-node (the CLI has no extension host to protect). JSON output uses nested arrays.
 */
import { contentLimit, fitWindow } from '../engine/attention/cursorWindow';
import { readModelCard, type ModelCardFacts } from '../engine/models/modelDir';
import { formatBytes } from '../engine/models/hub/plan';
import { runAttention } from '../engine/tasks/attention';
import { runLogits, topK } from '../engine/tasks/logits';
import { logSumExp } from '../engine/tasks/softmax';
import { defaultGraphCacheDir, openModel, type LoadedModel } from '../engine/tasks/openModel';
import { createBackend } from '../host/backends';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { cliModel } from './modelSource';
import { deviceOption, intOption, MODEL_OPTIONS, precisionOption } from './options';

/** Layers and heads are numbered from 0; the model says how many it has. */
const INDEX = { min: 0, max: 1 << 16 };

export async function load(args: ParsedArgs): Promise<LoadedModel> {
  const device = deviceOption(args);
  const precision = precisionOption(args);
  const { dir } = await cliModel(args.options.get('--model'), args.flags.has('--yes'));
  const model = await openModel(dir, createBackend('onnx'), {
    device,
    precision,
    graphCacheDir: defaultGraphCacheDir(process.env),
    onLog: (message) => process.stderr.write(`trex: ${message}\n`),
  });
  if (model.session.fallbackReason && device !== 'cpu') process.stderr.write(`trex: running on CPU: ${model.session.fallbackReason}\n`);
  return model;
}

const COMMON = MODEL_OPTIONS;
const COMMON_FLAGS = ['--json', '--yes'];

function tokenFields(model: LoadedModel, tokens: Array<{ id: number; token: string; start: number; end: number }>) {
  return { model: model.label, tokens: tokens.map((t) => t.token), ids: tokens.map((t) => t.id), offsets: tokens.map((t) => [t.start, t.end]) };
}

export async function logitsCommand(argv: string[], readText: (positional: string[]) => Promise<string>): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--top-k'], COMMON_FLAGS);
  const k = intOption(args, '--top-k', 'candidates');
  const text = await readText(args.positional);
  const model = await load(args);
  try {
    const { tokens, logits } = await runLogits(model, text);
    const V = logits.dims[1];
    const data = logits.data as Float32Array;
    const rows = tokens.map((_, t) => data.subarray(t * V, (t + 1) * V));
    const top = (row: Float32Array, n: number) => {
      const lse = logSumExp(row);
      return topK(row, n).map(({ id, logit }) => ({ id, token: model.tokenizer.idToToken(id) ?? '', logit, prob: Math.exp(logit - lse) }));
    };
    if (args.flags.has('--json')) {
      const head = { ...tokenFields(model, tokens), family: model.family, vocabSize: V };
      if (k !== undefined) return JSON.stringify({ ...head, topK: k, top: rows.map((r) => top(r, k)) });
      return JSON.stringify({ ...head, logits: rows.map((r) => Array.from(r)) });
    }
    const what = model.family === 'gpt2' ? 'next token' : 'token at this position';
    const lines = [`${model.label} (${model.family}, ${model.session.device}${model.precision === 'float32' ? '' : `, ${model.precision}`}): most likely ${what}`];
    tokens.forEach((t, i) => {
      const best = top(rows[i], k ?? 5).map((c) => `${model.tokenizer.display(c.token)} ${(100 * c.prob).toFixed(1)}%`);
      lines.push(`${String(i).padStart(3)} ${model.tokenizer.display(t.token).padEnd(12)} → ${best.join('  ')}`);
    });
    return lines.join('\n');
  } finally {
    await model.session.release();
  }
}

export async function attentionCommand(argv: string[], readText: (positional: string[]) => Promise<string>): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--layer', '--head', '--at'], COMMON_FLAGS);
  const layer = intOption(args, '--layer', INDEX);
  const head = intOption(args, '--head', INDEX);
  const whole = await readText(args.positional);
  const at = intOption(args, '--at', { min: 0, max: whole.length });
  const model = await load(args);
  try {
    if (head !== undefined && head >= model.numHeads) throw new UsageError(`--head ${head} does not exist: ${model.label} has heads 0 to ${model.numHeads - 1}`);
    if (layer !== undefined && layer >= model.numLayers) throw new UsageError(`--layer ${layer} does not exist: ${model.label} has layers 0 to ${model.numLayers - 1}`);
    // --at: the model's context around that character (engine/attention/cursorWindow.ts), as the Attention view shows it.
    const fitted = at === undefined ? undefined : fitWindow((t) => model.tokenizer.encode(t, { special: false }).tokens, whole, at, contentLimit(model));
    const text = fitted?.text ?? whole;
    const shift = fitted?.window.start ?? 0;
    const result = await runAttention(model, text, layer === undefined ? undefined : [layer]);
    const { layers, attentions } = result;
    const tokens = result.tokens.map((t) => ({ ...t, start: t.start + shift, end: t.end + shift }));
    const T = tokens.length;
    const heads = head === undefined ? [...Array(model.numHeads).keys()] : [head];
    const matrix = (data: Float32Array, h: number): number[][] => [...Array(T).keys()].map((q) => Array.from(data.subarray((h * T + q) * T, (h * T + q + 1) * T)));
    const nested = attentions.map((a) => heads.map((h) => matrix(a.data as Float32Array, h)));
    const w = fitted?.window;
    const window = w ? { start: w.start, end: w.end, first: w.first, count: w.count, total: w.total } : undefined;
    if (args.flags.has('--json')) return JSON.stringify({ ...tokenFields(model, tokens), family: model.family, ...(window ? { window } : {}), layers, heads, attentions: nested });
    const shown = tokens.map((t) => model.tokenizer.display(t.token));
    const lines: string[] = [];
    if (w) lines.push(`tokens ${w.first}–${w.first + w.count - 1} of ${w.total} (from 0; characters ${w.start}–${w.end}), around character ${at}`);
    layers.forEach((l, li) => heads.forEach((h, hi) => {
      lines.push(`layer ${l}, head ${h} (row: token attending, columns: tokens attended to)`);
      nested[li][hi].forEach((row, q) => lines.push(`  ${shown[q].padEnd(12)} ${row.map((p) => p.toFixed(2)).join(' ')}`));
    }));
    return lines.join('\n');
  } finally {
    await model.session.release();
  }
}

export async function modelCardCommand(argv: string[]): Promise<string> {
  const args = parseArgs(argv, ['--model'], COMMON_FLAGS);
  const where = await cliModel(args.options.get('--model'), args.flags.has('--yes'));
  const card = await readModelCard(where.dir);
  if (args.flags.has('--json')) return JSON.stringify({ model: where.label, ...card });
  return formatCard(where.label, card);
}

function formatCard(label: string, c: ModelCardFacts): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const p = c.parameters;
  const diff = p.exact === 0 ? '' : ` (${(((p.estimate - p.exact) / p.exact) * 100).toFixed(1)}%)`;
  return [
    `${label} — ${c.modelType} (${c.family})`,
    `  layers L ${c.numLayers}, hidden size d ${c.hiddenSize}, heads h ${c.numHeads}, vocabulary V ${n(c.vocabSize)}, context ${n(c.contextLength)} tokens`,
    `  parameters: ${n(p.exact)} exactly; 12·L·d² + V·d = ${n(p.estimate)}${diff}`,
    `  weights: ${formatBytes(p.bytes)} as ${c.dtypes.join(', ') || '—'}`,
    `  folder: ${c.dir}`,
    ...c.weightFiles.map((f) => `    ${f.path} (${formatBytes(f.bytes)})`),
    ...c.tokenizerFiles.map((f) => `    ${f}`),
  ].join('\n');
}
