/**
 * CLI cases: `node bin/trex.js` run as a user runs it, on a folder or file made by another class's
 * case (an edited tokenizer.json, SentencePiece model, config.json, or a tiny model's edited
 * weights). Exit 0 must print valid JSON (cliChecks.ts); exit 1 must print exactly one line
 * `trex: …` of at most 600 characters; exit 70 is an internal error; a signal is a crash. The time
 * limit is 2 s beyond what the same command takes on an unedited input (node and ORT start-up),
 * scaled by the machine's load like every limit (machineLoad.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_LIMIT_MS, ExplicitOutcome, InvariantViolation, MAX_USER_MESSAGE_CHARS, messageTemplate } from '../outcome';
import { repoPath } from '../paths';
import type { Rng } from '../prng';
import type { CliCommand, CliInner, CliRecipe } from '../recipe';
import { writeCaseFiles } from './caseFiles';
import type { CaseContext, ClassDef } from './classDef';
import { classDef } from './index';
import { checkCliOutput } from './cliChecks';
import { writeModelFolder } from './configClass';
import { generateConfig } from './configMutations';
import { baseFolder, linkBase, modelBase } from './modelBases';
import { loadFactor } from '../machineLoad';
import { MODEL_TEXT, pruneGraphCache } from './modelRun';
import { safetensorsFiles } from './safetensorsFiles';
import { mutateSafetensors } from './safetensorsMutations';
import { modelOfBase } from './safetensorsSeeds';
import { generateSentencePiece, sentencePieceBytes } from './sentencePieceClass';
import { tokenizerBytes } from './tokenizerClass';
import { generateTokenizer } from './tokenizerMutations';

const TOKEN_TEXT = "Le café d'été 😀 costs $3.50 —   ok";
const MODEL_COMMANDS: readonly CliCommand[] = ['model-card', 'logits', 'generate'];

/** The first cases: each kind of input, unedited, through each command. */
const PRISTINE: Array<{ command: CliCommand; inner: (rng: Rng) => CliInner }> = [
  { command: 'tokenize', inner: (rng) => generateTokenizer(rng, 0) },
  { command: 'bpe', inner: (rng) => generateTokenizer(rng, 4) },
  { command: 'tokenize-special', inner: (rng) => generateSentencePiece(rng, 0) },
  { command: 'model-card', inner: (rng) => generateConfig(rng, 0) },
  { command: 'logits', inner: (rng) => generateConfig(rng, 1) },
  { command: 'generate', inner: (rng) => generateConfig(rng, 0) },
  { command: 'logits', inner: (rng) => mutateSafetensors(rng, 'model:gpt2-tiny', 0) },
];

export function generateCli(rng: Rng, index: number): CliRecipe {
  if (index < PRISTINE.length) {
    const p = PRISTINE[index];
    return { cls: 'cli', command: p.command, inner: p.inner(rng), note: 'unmutated seed' };
  }
  const kind = rng.weighted([['tokenizer', 35], ['sentencepiece', 15], ['config', 30], ['safetensors', 20]] as const);
  let inner: CliInner;
  let command: CliCommand;
  if (kind === 'tokenizer') {
    inner = generateTokenizer(rng, 1000);
    command = rng.pick<CliCommand>(['tokenize', 'tokenize-special', 'bpe']);
  } else if (kind === 'sentencepiece') {
    inner = generateSentencePiece(rng, 1000);
    command = rng.pick<CliCommand>(['tokenize', 'tokenize-special']);
  } else if (kind === 'config') {
    inner = generateConfig(rng, 1000);
    command = rng.pick(inner.base.startsWith('gpt2') ? MODEL_COMMANDS : MODEL_COMMANDS.slice(0, 2));
  } else {
    inner = mutateSafetensors(rng, rng.pick(['model:gpt2-tiny', 'model:bert-tiny-f16', 'model:gpt2-tiny-bf16']));
    command = rng.pick<CliCommand>(['model-card', 'logits']);
  }
  return { cls: 'cli', command, inner, note: `${command} on ${inner.cls} (${inner.note})` };
}

/** Writes the inner case's files into `dir`; returns what --tokenizer or --model names. */
function materialize(inner: CliInner, dir: string, ctx: CaseContext): string {
  switch (inner.cls) {
    case 'tokenizer': {
      const file = join(dir, 'tokenizer.json');
      writeFileSync(file, tokenizerBytes(inner));
      return file;
    }
    case 'sentencepiece':
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: inner.modelType }));
      writeFileSync(join(dir, inner.fileName), sentencePieceBytes(inner));
      return dir;
    case 'config':
      writeModelFolder(inner, dir, ctx);
      return dir;
    case 'safetensors': {
      const files = safetensorsFiles(inner);
      writeCaseFiles(dir, files);
      const base = modelBase(modelOfBase(inner.base) ?? 'gpt2-tiny');
      linkBase(base, baseFolder(base, ctx.keep, ctx.stamp), dir, ['model.safetensors', ...files.keys()]);
      return dir;
    }
  }
}

function argsFor(command: CliCommand, target: string): { args: string[]; text: string } {
  switch (command) {
    case 'tokenize': return { args: ['tokenize', '--tokenizer', target, '--json', TOKEN_TEXT], text: TOKEN_TEXT };
    case 'tokenize-special': return { args: ['tokenize', '--tokenizer', target, '--special', '--json', TOKEN_TEXT], text: TOKEN_TEXT };
    case 'bpe': return { args: ['bpe', '--tokenizer', target, '--json', 'lowering'], text: 'lowering' };
    case 'model-card': return { args: ['model-card', '--model', target, '--json'], text: '' };
    case 'logits': return { args: ['logits', '--model', target, '--top-k', '3', '--json', MODEL_TEXT], text: MODEL_TEXT };
    case 'generate': return { args: ['generate', '--model', target, '--max-new-tokens', '3', '--json', MODEL_TEXT], text: MODEL_TEXT };
  }
}

function trex(args: string[], ctx: CaseContext, timeoutMs: number) {
  const home = join(ctx.keep, 'cli-home');
  mkdirSync(home, { recursive: true });
  pruneGraphCache(join(home, 'trex', 'graphs'), 20);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, TREX_CACHE_DIR: join(home, 'trex'), HF_HOME: join(home, 'hf'), HF_HUB_OFFLINE: '1', TREX_TOKENIZERS_DIR: repoPath('dist/tokenizers') };
  return spawnSync(process.execPath, [repoPath('bin/trex.js'), ...args], { cwd: ctx.dir, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Per worker: how long each kind of command takes on an unedited input (the slower of two runs). */
const startup = new Map<string, number>();

function baselineMs(command: CliCommand, ctx: CaseContext): number {
  const group = MODEL_COMMANDS.includes(command) ? 'model' : 'tokenizer';
  const known = startup.get(group);
  if (known !== undefined) return known;
  const target = group === 'model' ? baseFolder(modelBase('gpt2-tiny'), ctx.keep, ctx.stamp) : repoPath('test/fixtures/wordpiece-toy/tokenizer.json');
  let worst = 0;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    trex(argsFor(group === 'model' ? 'logits' : 'tokenize', target).args, ctx, 60_000);
    worst = Math.max(worst, performance.now() - t0);
  }
  startup.set(group, worst);
  return worst;
}

export const cliClass: ClassDef<CliRecipe> = {
  cls: 'cli',
  pristine: PRISTINE.length,
  generate: generateCli,
  files: (recipe) => classDef(recipe.inner.cls).files?.(recipe.inner) ?? new Map(),
  async run(recipe: CliRecipe, ctx: CaseContext): Promise<void> {
    const dir = join(ctx.dir, 'case');
    mkdirSync(dir, { recursive: true });
    const target = materialize(recipe.inner, dir, ctx);
    const stamp = ctx.stamp();
    utimesSync(target, stamp, stamp);
    const { args, text } = argsFor(recipe.command, target);
    const limit = Math.round(CASE_LIMIT_MS + baselineMs(recipe.command, ctx));
    ctx.begin(limit + 1000);
    const r = trex(args, ctx, Math.round(limit * loadFactor()));
    const stderr = r.stderr ?? '';
    const tail = stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 400);
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') throw new ExplicitOutcome({ outcome: 'hang', message: `trex ${recipe.command} ran past ${limit} ms (2 s beyond its start-up, × the machine's load)` });
    if (r.signal) throw new ExplicitOutcome({ outcome: 'crash', message: `trex ${recipe.command} was killed by ${r.signal}: ${tail}` });
    if (r.status === 0) return checkCliOutput(recipe.command, r.stdout, text);
    if (r.status === 70) throw new ExplicitOutcome({ outcome: 'internal', message: stderr.trim().split('\n')[0].replace(/^trex: internal error: /, '').replace(/ \(TREX_DEBUG=1 shows the stack\)$/, ''), where: `trex ${recipe.command} (exit 70)` });
    if (r.status === 1) {
      const lines = stderr.replace(/\n$/, '').split('\n');
      const message = lines[0].replace(/^trex: /, '');
      if (lines.length !== 1 || !lines[0].startsWith('trex: ')) throw new InvariantViolation(`trex exit 1 with ${lines.length === 1 ? 'a line not starting "trex: "' : 'more than one line'}: ${messageTemplate(message)}`, `${recipe.command}: ${JSON.stringify(stderr.slice(0, 300))}`);
      if (message.length > MAX_USER_MESSAGE_CHARS) throw new InvariantViolation(`trex exit 1 with a message over ${MAX_USER_MESSAGE_CHARS} characters: ${messageTemplate(message)}`, `${recipe.command}: ${message.length} characters: ${message.slice(0, 200)}…`);
      throw new ExplicitOutcome({ outcome: 'user-error', message });
    }
    if (r.status === 2) throw new InvariantViolation('trex called its valid command line wrong (exit 2)', `${recipe.command}: ${tail}`);
    throw new ExplicitOutcome({ outcome: 'crash', message: `trex ${recipe.command} exited with code ${r.status}: ${tail}` });
  },
};
