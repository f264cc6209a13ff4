/**
 * `trex`, the command-line face of the engine (bundled to dist/cli.js, started by bin/trex.js).
 * User mistakes get one line on stderr and a non-zero exit: 1 for a bad tokenizer or input,
 * 2 for a bad command line. Only an internal bug prints a stack trace (with TREX_DEBUG=1).
 */
import { quoteValue } from '../engine/errorText';
import { TASK_LIMITS, type IntRange } from '../engine/tasks/limits';
import { loadTokenizer } from '../engine/tokenizers/load';
import { learnBpe, DEFAULT_MERGES } from '../engine/tokenizers/learnBpe';
import { parseArgs, UsageError } from './args';
import { MAX_INPUT_BYTES, readText } from './input';
import { intOption } from './options';
import { formatEncoding, formatLearned, formatTrace } from './format';
import { attentionCommand, logitsCommand, modelCardCommand } from './modelCommands';
import { fillMaskCommand, generateCommand, perplexityCommand } from './taskCommands';
import { attentionStepsCommand, embeddingsCommand, lensCommand } from './insideCommands';
import { errorReport } from './userErrors';
import { TRAIN_HELP, trainCommand } from './trainCommand';
import type { BpeStep, WordPieceStep } from '../engine/tokenizers/types';

const L = TASK_LIMITS;
const span = (r: IntRange): string => `${r.min}–${r.max}`;

const HELP = `trex — see how transformers cut text into tokens

Usage:
  trex tokenize [--tokenizer NAME|PATH] [--special] [--json] [TEXT]
      Tokenize TEXT (or stdin). JSON: {"tokenizer","ids","tokens","offsets":[[start,end],…]},
      offsets are UTF-16 indices into the input; --special adds [CLS]/[SEP]-style tokens.
  trex bpe [--tokenizer NAME|PATH] [--json] WORD
      Replay the model on WORD: BPE merges {"steps":[{"pair":[a,b],"rank":r,"symbols":[…]}],"tokens":[…]},
      or WordPiece's greedy steps {"steps":[{"piece","start","end","tried":[…]}],"tokens":[…]}.
  trex learn-bpe [--merges N] [--json] [TEXT]
      Train a small BPE on TEXT (or stdin) and print each merge with its pair frequency.
  trex logits --model ID|PATH [--top-k K] [--device cpu|auto|cuda] [--yes] [--json] [TEXT]
      Run the model on TEXT. JSON: {"model","tokens","ids","offsets","logits":[[…V]…]}, or with
      --top-k K "top":[[{"id","token","logit","prob"}…]…] per position (next token for GPT-2).
  trex attention --model ID|PATH [--layer L] [--head H] [--at C] [--device …] [--yes] [--json] [TEXT]
      Attention probabilities. JSON: {"model","tokens","ids","offsets","layers","heads",
      "attentions":[layer][head][T][T]} (all layers/heads unless --layer/--head). --at C: a text
      longer than the model's context is read around character C (the tokens centred on C's), as
      the Attention view does; "window":{"start","end","first","count","total"} says which part.
  trex model-card --model ID|PATH [--yes] [--json]
      L, d, h, V, context, exact parameters next to 12·L·d² + V·d, dtype, size and files.
  trex fill-mask --model ID|PATH [--top-k K] [--targets w1,w2] [--device …] [--yes] [--json] [TEXT]
      BERT-like models: predict each [MASK] (or <mask>), filled jointly left to right. JSON:
      {"masks":[{"index","start","end","candidates":[{"token","id","score","text","rank"}]}],
      "targets":[{"text","prob","rank",…}],"filledText"} (score = probability).
  trex generate --model ID|PATH [--strategy greedy|beam|sample] [--num-beams B] [--length-penalty A]
      [--temperature T] [--top-k K] [--top-p P] [--seed S] [--max-new-tokens N] [--stop S] [--json] [TEXT]
      GPT-2-family models: complete TEXT (KV cache). JSON: {"text","finishReason","steps":[{"token","id",
      "logprob","top":[{"token","id","prob","adjustedProb","kept"}]}]} (+ "beams" for beam search).
  trex perplexity --model ID|PATH [--window W] [--stride S] [--json] [TEXT]
      Surprisal −log2 P(token | left context) of each token, perplexity exp(mean NLL) and bits per
      character; BERT-like models give pseudo-perplexity. JSON: {"ppl","bpc","tokens":[{"token",
      "offsets","surprisal"}]}.
  trex attention-steps --model ID|PATH --layer L --head H --query I [--device …] [--yes] [--json] [TEXT]
      The attention formula for token I of head H in layer L (from 0): x_i, q_i, every k_j and v_j,
      q·k_j, /√d_k, the mask, the softmax (checked against the model's row), Σ a_ij v_j, heads
      concatenated and projected. JSON: {"model","tokens":[{"id","token","start","end","special"}],
      "layer","head","query","dModel","dk","layout":"preLN"|"postLN","input","q","keys","values",
      "dots","scaled","allowed","weights","modelWeights","maxDifference","headOutput","allHeads",
      "concat","projected"}.
  trex lens --model ID|PATH [--top-k K] [--word WORD] [--device …] [--yes] [--json] [TEXT]
      The logit lens: every layer read through the output head. Causal models: the next token at
      every position; masked models: at each [MASK], or at WORD masked. JSON: {"model","kind",
      "tokens","numLayers","positions","cells":[row][column]{"top":[{"id","token","text","prob"}],
      "target":{"id","token","text","prob","rank"}},"firstFinal","masked"} (row 0 = the embeddings,
      row r = the output of layer r − 1).
  trex embeddings --model ID|PATH --word WORD [--compare WORD2] [--neighbours N] [--device …] [--yes] [--json] [TEXT]
      Contextual embeddings of WORD: cosine per layer with its other occurrences (or WORD2) and with
      its static embedding, its nearest vocabulary tokens, and with --compare the semantic
      similarity (cosine of mean last-layer hidden states). JSON: {"model","tokens","numLayers",
      "word":{"start","end","text","positions"},"comparisons":[{"other","cosine":[L+1],"source"}],
      "staticCosine","nearest":[{"position","neighbours":[{"id","token","text","cosine"}]}],"similarity"}.
${TRAIN_HELP}  trex --help

Text: the words after the options, else all of stdin (at most ${MAX_INPUT_BYTES / (1024 * 1024)} MiB).
Bounds: --num-beams ${span(L.numBeams)}, --max-new-tokens ${span(L.maxNewTokens)}, --top-k of generate ${span(L.topK)}, of the other
commands ${span(L.candidates)}; a value beyond them is refused (exit 2).

Models: a folder (config.json, tokenizer, safetensors) or a Hugging Face id, taken from the HF cache
(HF_HOME, HF_HUB_CACHE) or downloaded (asks first; --yes to skip, required without a terminal).
The default device is cpu. --precision int8|int4 (default float32) runs weight-only quantized graphs: less
memory, faster decoding on a CPU, outputs close to float32 but not equal. Built graphs are cached in $TREX_CACHE_DIR/graphs (default ~/.cache/transformer-explorer/graphs).

Tokenizers: gpt2 (default), bert-base-uncased, a tokenizer.json file, or a model folder holding one.
`;

async function tokenize(argv: string[]): Promise<string> {
  const args = parseArgs(argv, ['--tokenizer'], ['--special', '--json']);
  const spec = args.options.get('--tokenizer') ?? 'gpt2';
  const tok = await loadTokenizer(spec);
  const text = await readText(args.positional, 'text');
  const encoding = tok.encode(text, { special: args.flags.has('--special') });
  if (!args.flags.has('--json')) return formatEncoding(tok, text, encoding);
  return JSON.stringify({
    tokenizer: encoding.tokenizer,
    ids: encoding.tokens.map((t) => t.id),
    tokens: encoding.tokens.map((t) => t.token),
    offsets: encoding.tokens.map((t) => [t.start, t.end]),
  });
}

async function bpe(argv: string[]): Promise<string> {
  const args = parseArgs(argv, ['--tokenizer'], ['--json']);
  const tok = await loadTokenizer(args.options.get('--tokenizer') ?? 'gpt2');
  if (args.positional.length === 0) throw new UsageError('bpe needs a WORD');
  const words = tok.trace(args.positional.join(' '));
  if (!args.flags.has('--json')) return formatTrace(tok, words);
  // One word: its steps and tokens. Several: the steps of each word in turn, every step's
  // symbols being those of its own word, and all the tokens; `words` has the detail per word.
  return JSON.stringify({
    tokenizer: tok.info.id,
    kind: tok.info.kind === 'BPE' ? 'bpe' : 'wordpiece',
    steps: words.flatMap((w): Array<BpeStep | WordPieceStep> => w.trace.steps),
    tokens: words.flatMap((w) => w.trace.tokens),
    words: words.map((w) => ({ start: w.start, end: w.end, ...w.trace })),
  });
}

async function learn(argv: string[]): Promise<string> {
  const args = parseArgs(argv, ['--merges'], ['--json']);
  const merges = intOption(args, '--merges', 'merges') ?? DEFAULT_MERGES;
  const result = learnBpe(await readText(args.positional, 'text'), { merges });
  return args.flags.has('--json') ? JSON.stringify(result) : formatLearned(result);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  let output: string;
  switch (command) {
    case 'tokenize':
      output = await tokenize(rest);
      break;
    case 'bpe':
      output = await bpe(rest);
      break;
    case 'learn-bpe':
      output = await learn(rest);
      break;
    case 'logits':
      output = await logitsCommand(rest, (p) => readText(p, 'text'));
      break;
    case 'attention':
      output = await attentionCommand(rest, (p) => readText(p, 'text'));
      break;
    case 'model-card':
      output = await modelCardCommand(rest);
      break;
    case 'fill-mask':
      output = await fillMaskCommand(rest, (p) => readText(p, 'text'));
      break;
    case 'generate':
      output = await generateCommand(rest, (p) => readText(p, 'prompt'));
      break;
    case 'perplexity':
      output = await perplexityCommand(rest, (p) => readText(p, 'text'));
      break;
    case 'attention-steps':
      output = await attentionStepsCommand(rest, (p) => readText(p, 'text'));
      break;
    case 'lens':
      output = await lensCommand(rest, (p) => readText(p, 'text'));
      break;
    case 'embeddings':
      output = await embeddingsCommand(rest, (p) => readText(p, 'text'));
      break;
    case 'train':
      return trainCommand(rest); // writes its own output as the run goes
    default:
      throw new UsageError(`unknown command ${quoteValue(command)} (tokenize, bpe, learn-bpe, logits, attention, model-card, fill-mask, generate, perplexity, attention-steps, lens, embeddings, train)`);
  }
  process.stdout.write(`${output}\n`);
  return 0;
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const report = errorReport(e, Boolean(process.env.TREX_DEBUG));
    process.stderr.write(report.text);
    process.exitCode = report.exitCode;
  },
);
