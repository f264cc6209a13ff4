/**
 * `trex fill-mask`, `trex generate`, `trex perplexity`: the prediction tasks of the engine run
 * in-process on onnxruntime-node, on a model folder or a Hub id (same model loading as `trex logits`).
 */
import { openDecodeSession, releaseDecodeSession } from '../engine/tasks/decodeSession';
import { fillMask } from '../engine/tasks/fillMask';
import { generate } from '../engine/tasks/generate';
import { defaultGraphCacheDir, openModel, type LoadedModel } from '../engine/tasks/openModel';
import { surprisal } from '../engine/tasks/surprisal';
import type { DecodingStrategy, GenerateOptions } from '../engine/tasks/taskTypes';
import type { DevicePreference } from '../engine/runtime/types';
import { createBackend } from '../host/backends';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { modelFolder } from './modelSource';

const DEVICES: readonly DevicePreference[] = ['auto', 'cuda', 'cpu'];
const COMMON = ['--model', '--device'];
const COMMON_FLAGS = ['--json', '--yes'];
const STRATEGIES: readonly DecodingStrategy[] = ['greedy', 'beam', 'sample'];

function device(args: ParsedArgs): DevicePreference {
  const d = (args.options.get('--device') ?? 'cpu') as DevicePreference;
  if (!DEVICES.includes(d)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}, got "${d}"`);
  return d;
}

async function withModel<T>(args: ParsedArgs, run: (model: LoadedModel) => Promise<T>): Promise<T> {
  const dev = device(args);
  const dir = await modelFolder(args.options.get('--model'), args.flags.has('--yes'));
  const model = await openModel(dir, createBackend('onnx'), { device: dev, graphCacheDir: defaultGraphCacheDir(process.env) });
  if (model.session.fallbackReason && dev !== 'cpu') process.stderr.write(`trex: running on CPU: ${model.session.fallbackReason}\n`);
  try {
    return await run(model);
  } finally {
    await releaseDecodeSession(model);
    await model.session.release();
  }
}

function numberOption(args: ParsedArgs, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${name} must be ${what}, got "${raw}"`);
  return n;
}

const whole = (min: number) => (n: number) => Number.isInteger(n) && n >= min;

const pct = (p: number): string => `${(100 * p).toFixed(1)}%`;

export async function fillMaskCommand(argv: string[], readText: (positional: string[]) => string): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--top-k', '--targets'], COMMON_FLAGS);
  const topK = numberOption(args, '--top-k', whole(1), 'a whole number ≥ 1');
  const targets = args.options.get('--targets')?.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  const text = readText(args.positional);
  return withModel(args, async (model) => {
    const r = await fillMask(model, text, { ...(topK === undefined ? {} : { topK }), ...(targets ? { targets } : {}) });
    if (args.flags.has('--json')) {
      return JSON.stringify({
        model: model.label,
        masks: r.masks.map((m) => ({ index: m.index, position: m.position, start: m.start, end: m.end, candidates: m.candidates.map((c) => ({ token: c.token, id: c.id, score: c.prob, text: c.text, rank: c.rank })) })),
        targets: r.targets,
        filledText: r.filledText,
        ...(r.window ? { window: r.window } : {}),
      });
    }
    const lines = [`${model.label}: ${r.filledText}`];
    if (r.window) lines.push(`(the text is longer than the model's context: characters ${r.window.start}–${r.window.end} were read)`);
    for (const m of r.masks) {
      lines.push(`mask ${m.index} (characters ${m.start}–${m.end}):`);
      for (const c of m.candidates) lines.push(`  ${String(c.rank).padStart(3)}. ${model.tokenizer.display(c.token).padEnd(16)} ${pct(c.prob)}`);
    }
    for (const t of r.targets) lines.push(`"${t.text}" at mask ${t.maskIndex}: ${pct(t.prob)} (rank ${t.rank}; tokens ${t.tokens.join(' ')})`);
    return lines.join('\n');
  });
}

/** `\n`, `\t` and `\\` in a --stop value. */
function unescape(s: string): string {
  return s.replace(/\\(n|t|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

export async function generateCommand(argv: string[], readText: (positional: string[]) => string): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--strategy', '--num-beams', '--length-penalty', '--temperature', '--top-k', '--top-p', '--seed', '--max-new-tokens', '--stop', '--show-top-k'], COMMON_FLAGS);
  const strategy = (args.options.get('--strategy') ?? 'greedy') as DecodingStrategy;
  if (!STRATEGIES.includes(strategy)) throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}, got "${strategy}"`);
  const maxNewTokens = numberOption(args, '--max-new-tokens', whole(1), 'a whole number ≥ 1') ?? 20;
  const numBeams = numberOption(args, '--num-beams', whole(1), 'a whole number ≥ 1');
  const lengthPenalty = numberOption(args, '--length-penalty', () => true, 'a number');
  const temperature = numberOption(args, '--temperature', (n) => n > 0, 'a number > 0');
  const topK = numberOption(args, '--top-k', whole(0), 'a whole number ≥ 0');
  const topP = numberOption(args, '--top-p', (n) => n > 0 && n <= 1, 'a number in (0, 1]');
  const seed = numberOption(args, '--seed', Number.isInteger, 'a whole number');
  const showTopK = numberOption(args, '--show-top-k', whole(0), 'a whole number ≥ 0');
  const stop = args.options.get('--stop');
  const options: GenerateOptions = {
    strategy, maxNewTokens,
    ...(numBeams === undefined ? {} : { numBeams }), ...(lengthPenalty === undefined ? {} : { lengthPenalty }),
    ...(temperature === undefined ? {} : { temperature }), ...(topK === undefined ? {} : { topK }), ...(topP === undefined ? {} : { topP }),
    ...(seed === undefined ? {} : { seed }), ...(showTopK === undefined ? {} : { showTopK }), ...(stop ? { stop: [unescape(stop)] } : {}),
  };
  const prompt = readText(args.positional);
  return withModel(args, async (loaded) => {
    const model = await openDecodeSession(loaded, createBackend('onnx'), { device: device(args), graphCacheDir: defaultGraphCacheDir(process.env) });
    const r = await generate(model, prompt, options);
    if (args.flags.has('--json')) {
      return JSON.stringify({
        model: model.label, strategy, text: r.text, finishReason: r.finishReason, tokenIds: r.tokenIds, logProb: r.logProb,
        steps: r.steps.map((s) => ({
          token: s.chosen.token, id: s.chosen.id, logprob: Math.log(s.chosen.prob), text: s.text,
          top: s.candidates.map((c) => ({ token: c.token, id: c.id, prob: c.prob, adjustedProb: c.adjustedProb, kept: c.kept })),
        })),
        ...(r.beams ? { beams: r.beams } : {}),
      });
    }
    const lines = [`${prompt}${r.text}`, '', `(${r.steps.length} tokens, ${strategy}, stopped: ${r.finishReason}, log P = ${r.logProb.toFixed(3)})`];
    r.steps.forEach((s) => {
      const top = s.candidates.slice(0, 5).map((c) => `${model.tokenizer.display(c.token)} ${pct(c.prob)}`).join('  ');
      lines.push(`${String(s.index).padStart(3)} ${model.tokenizer.display(s.chosen.token).padEnd(14)} ${pct(s.chosen.prob).padStart(6)} | ${top}`);
    });
    return lines.join('\n');
  });
}

export async function perplexityCommand(argv: string[], readText: (positional: string[]) => string): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--window', '--stride', '--top-k'], COMMON_FLAGS);
  const window = numberOption(args, '--window', whole(2), 'a whole number ≥ 2');
  const stride = numberOption(args, '--stride', whole(1), 'a whole number ≥ 1');
  const topK = numberOption(args, '--top-k', whole(0), 'a whole number ≥ 0');
  const text = readText(args.positional);
  return withModel(args, async (model) => {
    const r = await surprisal(model, text, { ...(window === undefined ? {} : { window }), ...(stride === undefined ? {} : { stride }), ...(topK === undefined ? {} : { topK }) });
    if (args.flags.has('--json')) {
      return JSON.stringify({
        model: model.label, kind: r.kind, ppl: r.perplexity, bpc: r.bitsPerChar, meanNll: r.meanNll, characters: r.characters, passes: r.passes,
        tokens: r.tokens.map((t) => ({ token: t.token, id: t.id, offsets: [t.start, t.end], surprisal: t.surprisal, prob: t.prob, rank: t.rank, top: t.top })),
      });
    }
    const what = r.kind === 'causal' ? 'perplexity' : 'pseudo-perplexity (one forward pass per token)';
    const lines = [`${model.label}: ${what} ${r.perplexity.toFixed(2)}, ${r.bitsPerChar.toFixed(3)} bits per character, ${r.tokens.length} tokens, ${r.passes} passes`];
    for (const t of r.tokens) lines.push(`  ${model.tokenizer.display(t.token).padEnd(16)} ${t.surprisal.toFixed(2).padStart(6)} bits  p ${pct(t.prob).padStart(6)}  rank ${t.rank}`);
    return lines.join('\n');
  });
}
