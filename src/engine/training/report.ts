import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PreparedRun } from './prepare';
import type { ModelObjective, TrainedModel, TrainingEvent, TrainingOptions } from './types';

type Step = Extract<TrainingEvent, { type: 'step' }>;
type Eval = Extract<TrainingEvent, { type: 'eval' }>;
type Sample = Extract<TrainingEvent, { type: 'sample' }>;

/** What one model's run printed, kept for the report. */
export interface ModelHistory {
  readonly objective: ModelObjective;
  readonly folder: string;
  readonly vocabSize: number;
  parameters?: number;
  readonly steps: Step[];
  readonly evals: Eval[];
  readonly samples: Sample[];
}

const COLOURS = { train: '#1f77b4', validation: '#ff7f0e' };

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A line chart of the training loss per step and the validation loss per evaluation, as SVG. */
export function lossCurveSvg(title: string, steps: readonly Step[], evals: readonly Eval[]): string {
  const width = 640;
  const height = 360;
  const [left, right, top, bottom] = [56, 20, 36, 44];
  const xs = [...steps.map((s) => s.step), ...evals.map((e) => e.step)];
  const ys = [...steps.map((s) => s.loss), ...evals.map((e) => e.validationLoss)].filter(Number.isFinite);
  const maxX = Math.max(1, ...xs);
  let [lo, hi] = [Math.min(...ys), Math.max(...ys)];
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  const pad = (hi - lo) * 0.08 || 0.5;
  [lo, hi] = [lo - pad, hi + pad];
  const x = (v: number) => left + (v / maxX) * (width - left - right);
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * (height - top - bottom);
  const line = (pts: Array<[number, number]>, colour: string) =>
    pts.length ? `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>` : '';
  const grid = Array.from({ length: 6 }, (_, i) => {
    const v = lo + ((hi - lo) * i) / 5;
    return `<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`;
  }).join('');
  const ticks = Array.from({ length: 5 }, (_, i) => Math.round((maxX * i) / 4)).map((s) => `<text x="${x(s).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${s}</text>`).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="13">${escapeXml(title)}</text>`,
    grid, ticks,
    `<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="black"/>`,
    line(steps.filter((s) => Number.isFinite(s.loss)).map((s) => [s.step, s.loss]), COLOURS.train),
    line(evals.map((e) => [e.step, e.validationLoss]), COLOURS.validation),
    ...evals.map((e) => `<circle cx="${x(e.step).toFixed(1)}" cy="${y(e.validationLoss).toFixed(1)}" r="3" fill="${COLOURS.validation}"/>`),
    `<text x="${(left + width - right) / 2}" y="${height - 8}" text-anchor="middle">step</text>`,
    `<line x1="${width - 190}" x2="${width - 166}" y1="${top + 14}" y2="${top + 14}" stroke="${COLOURS.train}" stroke-width="2"/><text x="${width - 160}" y="${top + 18}">training loss</text>`,
    `<line x1="${width - 190}" x2="${width - 166}" y1="${top + 30}" y2="${top + 30}" stroke="${COLOURS.validation}" stroke-width="2"/><text x="${width - 160}" y="${top + 34}">validation loss</text>`,
    '</svg>',
    '',
  ].join('\n');
}

const modelName = (o: ModelObjective) => (o === 'clm' ? 'GPT-2 (causal LM)' : 'BERT (masked LM)');
const n = (v: number) => v.toLocaleString('en-US');

/**
 * The lab report next to the model folder(s): `<outputDir>/<name>-report.md` with the data and
 * split, tokenizers, hyperparameters, loss curves (SVG files beside it), final perplexities with
 * the caveat that CLM perplexity and MLM pseudo-perplexity are not comparable, and predictions.
 */
export function writeReport(options: TrainingOptions, prepared: PreparedRun, histories: readonly ModelHistory[], trained: readonly TrainedModel[], seconds: number): string {
  const { plan } = prepared;
  const lines: string[] = [
    `# ${options.name}: trained from scratch`,
    '',
    `Trained by Transformer Explorer in ${seconds.toFixed(0)} s on ${options.device.toUpperCase()}.`,
    '',
    '## Data',
    '',
    `- Source: ${options.corpus.source}`,
    `- ${n(plan.characters)} characters: ${n(plan.trainCharacters)} for training, ${n(plan.validationCharacters)} for validation (${Math.round(100 * options.validationFraction)} % of whole paragraphs, seed ${options.seed})`,
    '',
    '## Tokenizers and models',
    '',
    '| model | tokenizer | vocabulary | training tokens | validation tokens | parameters | 12·L·d² + V·d |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...plan.models.map((m) => `| ${modelName(m.objective)} | ${m.objective === 'clm' ? 'byte-level BPE' : 'WordPiece'} (learned here) | ${n(m.vocabSize)} | ${n(m.trainTokens)} | ${n(m.validationTokens)} | ${n(m.parameters)} | ${n(m.estimate)} |`),
    '',
    '## Hyperparameters',
    '',
    `L = ${options.shape.layers} layers, d = ${options.shape.hidden}, ${options.shape.heads} heads, context ${options.shape.context} tokens (${options.preset}); ` +
      `${n(options.steps)} steps of ${options.batchSize} sequences, AdamW, peak learning rate ${options.learningRate} (warm-up, cosine decay), evaluation every ${options.evalEvery} steps.` +
      (plan.models.some((m) => m.objective === 'mlm') ? ' MLM: 15 % of the tokens selected per batch (dynamic masking), 80 % → [MASK], 10 % → a random token, 10 % kept.' : ''),
    '',
    '## Curves',
    '',
  ];
  for (const h of histories) {
    const file = `${options.name}-${h.objective === 'clm' ? 'gpt2' : 'bert'}-loss.svg`;
    writeFileSync(join(options.outputDir, file), lossCurveSvg(`${basename(h.folder)}: ${modelName(h.objective)}`, h.steps, h.evals));
    lines.push(`![${modelName(h.objective)} loss](${file})`, '');
  }
  lines.push('## Results', '', '| model | steps | training loss | validation loss | perplexity | folder |', '|---|---:|---:|---:|---:|---|');
  for (const t of trained) {
    const kind = t.objective === 'clm' ? 'perplexity' : 'pseudo-perplexity';
    lines.push(`| ${modelName(t.objective)} | ${n(t.steps)}${t.stoppedEarly ? ' (stopped)' : ''} | ${t.finalTrainLoss?.toFixed(3) ?? '–'} | ${t.finalValidationLoss.toFixed(3)} | ${t.perplexity.toFixed(2)} (${kind}) | \`${t.folder}\` |`);
  }
  lines.push(
    '',
    '> The GPT-2 perplexity (exp of the mean loss of predicting each next token from its left context) and the BERT pseudo-perplexity ' +
      '(exp of the mean loss at the 15 % masked positions, seeing both sides) measure different tasks with different tokenizers: ' +
      'they are **not directly comparable**. Compare each with itself over training, or the models on the same task.',
    '',
    '## Predictions during training',
    '',
  );
  for (const h of histories) {
    if (h.samples.length === 0) continue;
    lines.push(`**${modelName(h.objective)}** — ${h.objective === 'clm' ? 'greedy continuation of' : 'top fills of'} “${h.samples[0].input}”:`, '');
    const shown = h.samples.length <= 4 ? h.samples : [h.samples[0], h.samples[Math.floor(h.samples.length / 3)], h.samples[Math.floor((2 * h.samples.length) / 3)], h.samples[h.samples.length - 1]];
    for (const s of shown) lines.push(`- step ${s.step}: ${s.output.replace(/\s+/g, ' ').trim() || '—'}`);
    lines.push('');
  }
  const file = join(options.outputDir, `${options.name}-report.md`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
