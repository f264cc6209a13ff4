/**
 * `trex attention-steps`, `trex lens`, `trex embeddings`: the inside-the-model tasks of the engine
 * (src/engine/inside), in-process, over the same code the model host runs for the views.
 */
import { attentionSteps } from '../engine/inside/attentionSteps';
import { contextualEmbeddings, otherOccurrences } from '../engine/inside/embeddings';
import { internalsOf } from '../engine/inside/internalsCache';
import { openLensHead } from '../engine/inside/lensHead';
import { planLens, readLens } from '../engine/inside/logitLens';
import { embeddingTableOf } from '../engine/inside/modelTables';
import { defaultGraphCacheDir, type LoadedModel } from '../engine/tasks/openModel';
import { createBackend } from '../host/backends';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { deviceOption, intOption, textOption, MODEL_OPTIONS } from './options';
import { withModel } from './taskCommands';

const COMMON = MODEL_OPTIONS;
const COMMON_FLAGS = ['--json', '--yes'];
const INDEX = { min: 0, max: 1 << 20 };
const WORD_CHARS = 200;

type ReadText = (positional: string[]) => Promise<string>;

const fixed = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const pct = (p: number): string => `${(100 * p).toFixed(1)}%`;
const strip = (values: readonly number[], digits = 3): string => `[${values.map((v) => fixed(v, digits)).join(' ')}]`;

function requireOption(args: ParsedArgs, name: string): number {
  const value = intOption(args, name, INDEX);
  if (value === undefined) throw new UsageError(`${name} is required`);
  return value;
}

/** The first whole-word occurrence of `word` in `text` (after `from`), or a UsageError. */
function findWord(text: string, word: string, option: string, except?: { start: number }): { start: number; end: number } {
  const found = otherOccurrences(text, word, except?.start ?? -1, 1)[0];
  if (!found) throw new UsageError(`${option} ${JSON.stringify(word)} is not a whole word of the text${except ? ' (other than the first one)' : ''}`);
  return found;
}

export async function attentionStepsCommand(argv: string[], readText: ReadText): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--layer', '--head', '--query'], COMMON_FLAGS);
  const query = { layer: requireOption(args, '--layer'), head: requireOption(args, '--head'), query: requireOption(args, '--query') };
  const text = await readText(args.positional);
  return withModel(args, async (model) => {
    const s = attentionSteps(await internalsOf(model, text), query);
    if (args.flags.has('--json')) return JSON.stringify({ model: model.label, ...s });
    const show = (i: number): string => model.tokenizer.display(s.tokens[i].token);
    const x = s.layout === 'preLN' ? 'x_i = ln_1(h_i), the block input after its first LayerNorm (pre-LN)' : 'x_i = h_i, the layer input (post-LN: the previous layer output, already normalized)';
    const lines = [
      `${model.label}: layer ${s.layer}, head ${s.head}, query token ${s.query} ${show(s.query)} (d = ${s.dModel}, d_k = ${s.dk})`,
      `1. ${x}: ${strip(s.input.slice(0, 8))}${s.dModel > 8 ? ' …' : ''}`,
      `2. q_i = x_i W_Q + b_Q: ${strip(s.q.slice(0, 8))}${s.dk > 8 ? ' …' : ''}`,
      `3. scores q_i·k_j, / √d_k = ${fixed(Math.sqrt(s.dk))}, mask, softmax:`,
      `   ${'token'.padEnd(14)} ${'q·k'.padStart(9)} ${'/√d_k'.padStart(9)} ${'mask'.padStart(5)} ${'softmax'.padStart(9)} ${'model'.padStart(9)}`,
      ...s.tokens.map((_, j) => `   ${show(j).padEnd(14)} ${fixed(s.dots[j]).padStart(9)} ${fixed(s.scaled[j]).padStart(9)} ${(s.allowed[j] ? 'ok' : '−∞').padStart(5)} ${fixed(s.weights[j], 5).padStart(9)} ${fixed(s.modelWeights[j], 5).padStart(9)}`),
      `   softmax = the model's attention row: max |Δ| = ${s.maxDifference.toExponential(2)} ${s.maxDifference <= 1e-5 ? '(≤ 1e-5)' : '(ABOVE 1e-5)'}`,
      `4. head output Σ_j a_ij v_j: ${strip(s.headOutput.slice(0, 8))}${s.dk > 8 ? ' …' : ''}`,
      `   ${s.numHeads} heads concatenated (d = ${s.dModel}) · W_O + b_O → ${strip(s.projected.slice(0, 8))}${s.dModel > 8 ? ' …' : ''}`,
      `all heads, weights of this query:`,
      ...s.allHeads.map((row, h) => `   head ${String(h).padStart(2)}: ${strip(row, 2)}`),
    ];
    return lines.join('\n');
  });
}

export async function lensCommand(argv: string[], readText: ReadText): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--top-k', '--word'], COMMON_FLAGS);
  const topK = intOption(args, '--top-k', { min: 1, max: 20 }) ?? 5;
  const wordText = textOption(args, '--word', WORD_CHARS);
  const text = await readText(args.positional);
  return withModel(args, async (model: LoadedModel) => {
    const plan = planLens(model, text, wordText === undefined ? {} : { word: findWord(text, wordText, '--word') });
    const internals = await internalsOf(model, plan.text);
    const head = await openLensHead(model, createBackend('onnx'), { device: deviceOption(args), graphCacheDir: defaultGraphCacheDir(process.env) });
    const r = await readLens(model, plan, internals, head, topK);
    if (args.flags.has('--json')) return JSON.stringify({ model: model.label, ...r });
    const show = (i: number): string => model.tokenizer.display(r.tokens[i].token);
    // Row r reads the output of layer r − 1 (layers numbered from 0, as in `trex attention`).
    const row = (r: number): string => (r === 0 ? 'embeddings' : `after layer ${r - 1}`);
    const lines = [
      r.kind === 'causal'
        ? `${model.label}: the next token read from each layer (rows) at each position (columns); the last row is the model's output`
        : `${model.label}: what the MLM head fills at each mask, read from each layer${r.masked ? ` (masked "${r.masked.text}" as ${r.masked.maskCount} mask token(s))` : ''}`,
      'Early layers are not trained to be read through the output head: their rows are a probe, not a prediction.',
    ];
    r.positions.forEach((p, c) => {
      const target = r.cells[r.numLayers][c].target;
      lines.push(`position ${p} ${show(p)}${target ? ` → actual ${model.tokenizer.display(target.token)}` : ''} (the final top-1 first appears ${r.firstFinal[c] === 0 ? 'in the embeddings' : row(r.firstFinal[c])}):`);
      r.cells.forEach((cells, l) => {
        const cell = cells[c];
        const top = cell.top.map((t) => `${model.tokenizer.display(t.token)} ${pct(t.prob)}`).join('  ');
        const t = cell.target ? `   | actual ${pct(cell.target.prob)} rank ${cell.target.rank}` : '';
        lines.push(`  ${row(l).padEnd(13)} ${top}${t}`);
      });
    });
    return lines.join('\n');
  });
}

export async function embeddingsCommand(argv: string[], readText: ReadText): Promise<string> {
  const args = parseArgs(argv, [...COMMON, '--word', '--compare', '--neighbours'], COMMON_FLAGS);
  const wordText = textOption(args, '--word', WORD_CHARS);
  if (wordText === undefined) throw new UsageError('--word is required (a word of the text)');
  const compareText = textOption(args, '--compare', WORD_CHARS);
  const neighbours = intOption(args, '--neighbours', { min: 1, max: 50 });
  const text = await readText(args.positional);
  const word = findWord(text, wordText, '--word');
  const spans = compareText === undefined ? [word] : [word, findWord(text, compareText, '--compare', compareText === wordText ? word : undefined)];
  return withModel(args, async (model) => {
    const internals = await internalsOf(model, text);
    const r = contextualEmbeddings(internals, text, await embeddingTableOf(model), model.tokenizer, { spans, ...(neighbours === undefined ? {} : { neighbours }) });
    if (args.flags.has('--json')) return JSON.stringify({ model: model.label, ...r });
    const layers = r.staticCosine.map((_, l) => (l === 0 ? 'embeddings' : `after layer ${l - 1}`)).join(', ');
    const lines = [`${model.label}: "${r.word.text}" (characters ${r.word.start}–${r.word.end}, ${r.word.positions.length} token(s)), cosine per layer (${layers})`];
    for (const c of r.comparisons) lines.push(`  vs ${c.source === 'selection' ? 'the second selection' : 'the same word'} "${c.other.text}" at ${c.other.start}: ${strip(c.cosine)}`);
    if (r.comparisons.length === 0) lines.push('  (the word occurs once: give --compare WORD to compare it with another part of the text)');
    lines.push(`  vs its static input embedding: ${strip(r.staticCosine)}`);
    for (const n of r.nearest) lines.push(`  nearest to ${model.tokenizer.display(r.tokens[n.position].token)}'s static embedding: ${n.neighbours.map((x) => `${model.tokenizer.display(x.token)} ${fixed(x.cosine, 2)}`).join(', ')}`);
    if (r.similarity) lines.push(`semantic similarity of "${r.similarity.a.text}" and "${r.similarity.b.text}": ${fixed(r.similarity.cosine, 4)} (cosine of the means of their last-layer hidden states)`);
    return lines.join('\n');
  });
}
