/**
 * `trex fill-mask`, `trex generate`, `trex perplexity`: the prediction tasks of the engine run
 * in-process on onnxruntime-node, on a model folder or a Hub id (same model loading as `trex logits`).
 */
import { openDecodeSession } from '../engine/tasks/decodeSession';
import { releaseModelExtras } from '../engine/tasks/modelExtras';
import { fillMask } from '../engine/tasks/fillMask';
import { generate } from '../engine/tasks/generate';
import { defaultGraphCacheDir, type LoadedModel } from '../engine/tasks/openModel';
import { surprisal } from '../engine/tasks/surprisal';
import { openSurprisalSessions } from '../engine/tasks/surprisalSessions';
import { DECODING_STRATEGIES as STRATEGIES, type GenerateOptions } from '../engine/tasks/taskTypes';
import { TASK_LIMITS } from '../engine/tasks/limits';
import { createBackend } from '../host/backends';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { load } from './modelCommands';
import { choiceOption, deviceOption, intOption, numberOption, textOption, MODEL_OPTIONS } from './options';

const COMMON = MODEL_OPTIONS;
const COMMON_FLAGS = ['--json', '--yes'];

export async function withModel<T>(args: ParsedArgs, run: (model: LoadedModel) => Promise<T>): Promise<T> {
  const model = await load(args);
  try {
    return await run(model);
  } finally {
    await releaseModelExtras(model);
    await model.session.release();
  }
}

/** `--targets w1,w2`: at most TASK_LIMITS.targets words of at most TASK_LIMITS.targetChars characters. */
function targetsOption(args: ParsedArgs): string[] | undefined {
  const raw = args.options.get('--targets');
  if (raw === undefined) return undefined;
  const targets = raw.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  const { targets: count, targetChars } = TASK_LIMITS;
  if (targets.length > count.max || targets.some((t) => t.length > targetChars.max)) {
    throw new UsageError(`--targets takes at most ${count.max} words of at most ${targetChars.max} characters each`);
  }
  return targets;
}

const pct = (p: number): string => `${(100 * p).toFixed(1)}%`;

export async function fillMaskCommand(argv: string[], readText: (positional: string[]) => Promise<string>): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--top-k', '--targets'], COMMON_FLAGS);
  const topK = intOption(args, '--top-k', 'candidates');
  const targets = targetsOption(args);
  const text = await readText(args.positional);
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

export async function generateCommand(argv: string[], readText: (positional: string[]) => Promise<string>): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--strategy', '--num-beams', '--length-penalty', '--temperature', '--top-k', '--top-p', '--seed', '--max-new-tokens', '--stop', '--show-top-k'], COMMON_FLAGS);
  const strategy = choiceOption(args, '--strategy', STRATEGIES);
  const maxNewTokens = intOption(args, '--max-new-tokens', 'maxNewTokens') ?? 20;
  const numBeams = intOption(args, '--num-beams', 'numBeams');
  const lengthPenalty = numberOption(args, '--length-penalty', () => true, 'a number');
  const temperature = numberOption(args, '--temperature', (n) => n > 0, 'a number > 0');
  const topK = intOption(args, '--top-k', 'topK');
  const topP = numberOption(args, '--top-p', (n) => n > 0 && n <= 1, 'a number in (0, 1]');
  const seed = intOption(args, '--seed', 'seed');
  const showTopK = intOption(args, '--show-top-k', 'showTopK');
  const stop = textOption(args, '--stop', TASK_LIMITS.stopChars.max);
  const options: GenerateOptions = {
    strategy, maxNewTokens,
    ...(numBeams === undefined ? {} : { numBeams }), ...(lengthPenalty === undefined ? {} : { lengthPenalty }),
    ...(temperature === undefined ? {} : { temperature }), ...(topK === undefined ? {} : { topK }), ...(topP === undefined ? {} : { topP }),
    ...(seed === undefined ? {} : { seed }), ...(showTopK === undefined ? {} : { showTopK }), ...(stop ? { stop: [unescape(stop)] } : {}),
  };
  const prompt = await readText(args.positional);
  return withModel(args, async (loaded) => {
    const model = await openDecodeSession(loaded, createBackend('onnx'), { device: deviceOption(args), graphCacheDir: defaultGraphCacheDir(process.env) });
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

export async function perplexityCommand(argv: string[], readText: (positional: string[]) => Promise<string>): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--window', '--stride', '--top-k'], COMMON_FLAGS);
  const window = intOption(args, '--window', 'window');
  const stride = intOption(args, '--stride', 'stride');
  const topK = intOption(args, '--top-k', TASK_LIMITS.surprisalTopK);
  const text = await readText(args.positional);
  return withModel(args, async (loaded) => {
    const model = await openSurprisalSessions(loaded, createBackend('onnx'), { device: deviceOption(args), graphCacheDir: defaultGraphCacheDir(process.env) });
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
