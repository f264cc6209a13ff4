/**
 * The questions of "Train a Model from Scratch…", in the order of the course's lab: which text
 * (selection, current file, files of a folder, each with its size), which objective (GPT-2, BERT,
 * both), which size (presets with their parameter counts), then the plan — split, tokens,
 * parameters next to 12·L·d² + V·d — with every setting changeable before starting.
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { problemText } from './problemText';
import { planTraining } from '../engine/training/prepare';
import { checkOptions, defaultModelName, defaultTrainingOptions, defaultVocabSize, parameterCount, parameterEstimate, SIZE_PRESETS, TRAINING_LIMITS } from '../engine/training/presets';
import type { ModelShape, SizePreset, TrainingCorpus, TrainingObjective, TrainingOptions, TrainingPlan, TrainingProblem } from '../engine/training/types';

/** Most characters gathered from files of a folder (a larger corpus wants the CLI and a GPU). */
export const MAX_CORPUS_CHARS = 20_000_000;
const MAX_FILES = 5000;

const n = (x: number): string => x.toLocaleString(vscode.env.language);

/** The selection, else the current file, of the active editor (undefined when none). */
function editorCorpus(kind: 'selection' | 'file'): TrainingCorpus | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const name = path.basename(editor.document.fileName);
  if (kind === 'selection') {
    const text = editor.selections.map((s) => editor.document.getText(s)).join('\n\n');
    return text.trim() ? { source: vscode.l10n.t('selection of {0}', name), text } : undefined;
  }
  const text = editor.document.getText();
  return text.trim() ? { source: name, text } : undefined;
}

/** Text files of the workspace matching `glob`, read and joined by blank lines; undefined when cancelled. */
async function filesCorpus(glob: string, token: vscode.CancellationToken): Promise<TrainingCorpus | string> {
  const uris = await vscode.workspace.findFiles(glob, '{**/node_modules/**,**/.git/**,**/.trex/**}', MAX_FILES, token);
  if (uris.length === 0) return vscode.l10n.t('No file of the workspace matches {0}.', glob);
  const parts: string[] = [];
  let chars = 0;
  for (const uri of uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    if (token.isCancellationRequested) return vscode.l10n.t('Cancelled.');
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.includes(0)) continue; // a binary file
    const text = new TextDecoder('utf-8').decode(bytes);
    chars += text.length;
    if (chars > MAX_CORPUS_CHARS) return vscode.l10n.t('The files matching {0} hold more than {1} characters: choose fewer files.', glob, n(MAX_CORPUS_CHARS));
    parts.push(text);
  }
  if (parts.length === 0) return vscode.l10n.t('The files matching {0} are not text.', glob);
  return { source: vscode.l10n.t('{0} ({1} files)', glob, parts.length), text: parts.join('\n\n') };
}

async function pickCorpus(): Promise<TrainingCorpus | undefined> {
  const selection = editorCorpus('selection');
  const file = editorCorpus('file');
  type Item = vscode.QuickPickItem & { kind2: 'selection' | 'file' | 'glob' };
  const items: Item[] = [];
  if (selection) items.push({ kind2: 'selection', label: `$(selection) ${vscode.l10n.t('The selection')}`, description: vscode.l10n.t('{0} characters', n(selection.text.length)) });
  if (file) items.push({ kind2: 'file', label: `$(file) ${vscode.l10n.t('The current file')}`, description: `${file.source} · ${vscode.l10n.t('{0} characters', n(file.text.length))}` });
  items.push({ kind2: 'glob', label: `$(files) ${vscode.l10n.t('Files of the workspace…')}`, description: vscode.l10n.t('a glob pattern such as **/*.txt') });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Train a Model from Scratch (1/3): the text'), placeHolder: vscode.l10n.t('What the model learns from') });
  if (!picked) return undefined;
  if (picked.kind2 === 'selection') return selection;
  if (picked.kind2 === 'file') return file;
  const glob = await vscode.window.showInputBox({ title: vscode.l10n.t('Files of the workspace'), prompt: vscode.l10n.t('Glob pattern of the text files to learn from'), value: '**/*.{txt,md}' });
  if (!glob) return undefined;
  const found = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading {0}…', glob), cancellable: true },
    (_p, token) => filesCorpus(glob, token),
  );
  if (typeof found === 'string') {
    void vscode.window.showErrorMessage(found);
    return undefined;
  }
  return found;
}

async function pickObjective(): Promise<TrainingObjective | undefined> {
  const items: Array<vscode.QuickPickItem & { objective: TrainingObjective }> = [
    { objective: 'both', label: vscode.l10n.t('Both, on the same text (the lab’s comparison)'), description: vscode.l10n.t('a GPT-2, then a BERT') },
    { objective: 'clm', label: vscode.l10n.t('GPT-2: causal language modelling'), description: vscode.l10n.t('predict the next token') },
    { objective: 'mlm', label: vscode.l10n.t('BERT: masked language modelling'), description: vscode.l10n.t('15 % of the tokens masked (80 % [MASK], 10 % random, 10 % kept)') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Train a Model from Scratch (2/3): the objective') });
  return picked?.objective;
}

async function askInt(title: string, value: number, { min, max }: { min: number; max: number }): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title,
    value: String(value),
    validateInput: (v) => {
      const x = Number(v);
      return Number.isInteger(x) && x >= min && x <= max ? undefined : vscode.l10n.t('A whole number from {0} to {1}', min, max);
    },
  });
  return answer === undefined ? undefined : Number(answer);
}

async function pickShape(objective: TrainingObjective, vocabSize: number): Promise<{ preset: SizePreset; shape: ModelShape } | undefined> {
  const count = (shape: ModelShape) => {
    const o = objective === 'mlm' ? 'mlm' : 'clm';
    return vscode.l10n.t('{0} parameters (12·L·d² + V·d ≈ {1})', n(parameterCount(o, shape, vocabSize)), n(parameterEstimate(shape, vocabSize)));
  };
  const describe = (s: ModelShape) => vscode.l10n.t('{0} layers, d = {1}, {2} heads, context {3}', s.layers, s.hidden, s.heads, s.context);
  const items: Array<vscode.QuickPickItem & { preset: SizePreset }> = [
    { preset: 'tiny', label: vscode.l10n.t('Tiny'), description: describe(SIZE_PRESETS.tiny), detail: `${count(SIZE_PRESETS.tiny)} · ${vscode.l10n.t('a minute or two on a laptop CPU')}` },
    { preset: 'small', label: vscode.l10n.t('Small'), description: describe(SIZE_PRESETS.small), detail: `${count(SIZE_PRESETS.small)} · ${vscode.l10n.t('several minutes on a CPU')}` },
    { preset: 'custom', label: vscode.l10n.t('Custom…'), description: vscode.l10n.t('layers, hidden size, heads, context') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Train a Model from Scratch (3/3): the size'), placeHolder: vscode.l10n.t('Vocabulary of {0} entries learned from the text', n(vocabSize)) });
  if (!picked) return undefined;
  if (picked.preset !== 'custom') return { preset: picked.preset, shape: SIZE_PRESETS[picked.preset] };
  const layers = await askInt(vscode.l10n.t('Layers L'), 2, TRAINING_LIMITS.layers);
  if (layers === undefined) return undefined;
  const heads = await askInt(vscode.l10n.t('Attention heads'), 2, TRAINING_LIMITS.heads);
  if (heads === undefined) return undefined;
  const hidden = await askInt(vscode.l10n.t('Hidden size d (a multiple of the {0} heads)', heads), heads * 32, { min: Math.max(heads, TRAINING_LIMITS.hidden.min), max: TRAINING_LIMITS.hidden.max });
  if (hidden === undefined) return undefined;
  const context = await askInt(vscode.l10n.t('Context (tokens)'), 64, TRAINING_LIMITS.context);
  if (context === undefined) return undefined;
  return { preset: 'custom', shape: { layers, hidden, heads, context } };
}

/** The plan said in one line per model. */
function planLines(plan: TrainingPlan): string[] {
  return plan.models.map((m) =>
    vscode.l10n.t('{0}: {1} parameters (12·L·d² + V·d ≈ {2}), vocabulary {3}, {4} training / {5} validation tokens → {6}',
      m.objective === 'clm' ? 'GPT-2' : 'BERT', n(m.parameters), n(m.estimate), n(m.vocabSize), n(m.trainTokens), n(m.validationTokens), m.folder));
}

type Edit = 'start' | 'steps' | 'epochs' | 'batch' | 'lr' | 'vocab' | 'seed' | 'device' | 'folder' | 'evalEvery';

/**
 * The plan, then the settings one may change, until "Start". Resolves to the options, or undefined
 * when cancelled; a plan that cannot run (too little text) says why and lets one change the size.
 */
async function confirm(options: TrainingOptions, cuda: boolean, onProblem: (p: TrainingProblem) => void): Promise<TrainingOptions | undefined> {
  let o = options;
  for (;;) {
    const bad = checkOptions(o);
    const plan = bad ? undefined : await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Learning the tokenizer on the training text…') },
      () => planTraining(o),
    );
    const problem = bad ? { kind: 'bad-options' as const, message: bad } : plan && 'kind' in plan ? plan : undefined;
    const good = plan && !('kind' in plan) ? plan : undefined;
    if (problem) onProblem(problem);
    // Steps per epoch: the training tokens of the larger model over the tokens of a batch.
    const perEpoch = good ? Math.max(1, Math.round(Math.max(...good.models.map((m) => m.trainTokens)) / (o.batchSize * o.shape.context))) : undefined;
    const split = good ? vscode.l10n.t('{0} characters: {1} for training, {2} for validation (whole paragraphs)', n(good.characters), n(good.trainCharacters), n(good.validationCharacters)) : '';
    const items: Array<vscode.QuickPickItem & { edit?: Edit }> = [];
    if (good) items.push({ edit: 'start', label: `$(play) ${vscode.l10n.t('Start training')}`, description: split, detail: planLines(good).join('\n') });
    items.push(
      { label: vscode.l10n.t('Settings'), kind: vscode.QuickPickItemKind.Separator },
      { edit: 'steps', label: vscode.l10n.t('Steps: {0}', n(o.steps)), description: vscode.l10n.t('optimiser steps (an epoch is about {0} steps)', perEpoch ? n(perEpoch) : '?') },
      ...(perEpoch ? [{ edit: 'epochs' as const, label: vscode.l10n.t('Epochs: {0}', (o.steps / perEpoch).toLocaleString(vscode.env.language, { maximumFractionDigits: 1 })), description: vscode.l10n.t('passes over the training text (sets the steps)') }] : []),
      { edit: 'batch', label: vscode.l10n.t('Batch: {0} sequences', o.batchSize) },
      { edit: 'lr', label: vscode.l10n.t('Learning rate: {0}', String(o.learningRate)), description: vscode.l10n.t('peak, after a warm-up; cosine decay') },
      { edit: 'vocab', label: vscode.l10n.t('Vocabulary: {0} entries', n(o.vocabSize)), description: vscode.l10n.t('our BPE (GPT-2) / WordPiece (BERT) trainer, as Learn BPE') },
      { edit: 'evalEvery', label: vscode.l10n.t('Evaluate and sample every {0} steps', o.evalEvery) },
      { edit: 'seed', label: vscode.l10n.t('Seed: {0}', o.seed) },
      { edit: 'device', label: vscode.l10n.t('Device: {0}', o.device.toUpperCase()), description: cuda ? vscode.l10n.t('PyTorch sees a CUDA GPU') : vscode.l10n.t('PyTorch sees no GPU: CPU only') },
      { edit: 'folder', label: vscode.l10n.t('Folder: {0}', path.join(o.outputDir, o.name)), description: vscode.l10n.t('where the model folder(s) and the report go') },
    );
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Train a Model from Scratch: the plan'), placeHolder: problem ? problemText(problem) : split, matchOnDetail: true });
    if (!picked?.edit) return undefined;
    if (picked.edit === 'start') return o;
    o = (picked.edit === 'epochs' && perEpoch ? await editEpochs(o, perEpoch) : await edit(o, picked.edit, cuda)) ?? o;
  }
}

async function editEpochs(o: TrainingOptions, perEpoch: number): Promise<TrainingOptions | undefined> {
  const answer = await vscode.window.showInputBox({
    title: vscode.l10n.t('Epochs (one is about {0} steps)', n(perEpoch)),
    value: String(Math.max(1, Math.round(o.steps / perEpoch))),
    validateInput: (v) => (Number(v) > 0 && Number(v) * perEpoch <= TRAINING_LIMITS.steps.max ? undefined : vscode.l10n.t('A positive number, such as 3')),
  });
  if (answer === undefined) return undefined;
  const steps = Math.max(1, Math.round(Number(answer) * perEpoch));
  return { ...o, steps, evalEvery: Math.min(o.evalEvery, steps) };
}

async function edit(o: TrainingOptions, what: Edit, cuda: boolean): Promise<TrainingOptions | undefined> {
  switch (what) {
    case 'steps': {
      const steps = await askInt(vscode.l10n.t('Optimiser steps'), o.steps, TRAINING_LIMITS.steps);
      return steps === undefined ? undefined : { ...o, steps, evalEvery: Math.min(o.evalEvery, steps) };
    }
    case 'batch': {
      const batchSize = await askInt(vscode.l10n.t('Sequences per batch'), o.batchSize, TRAINING_LIMITS.batch);
      return batchSize === undefined ? undefined : { ...o, batchSize };
    }
    case 'evalEvery': {
      const evalEvery = await askInt(vscode.l10n.t('Evaluate every … steps'), o.evalEvery, TRAINING_LIMITS.evalEvery);
      return evalEvery === undefined ? undefined : { ...o, evalEvery };
    }
    case 'seed': {
      const seed = await askInt(vscode.l10n.t('Seed'), o.seed, TRAINING_LIMITS.seed);
      return seed === undefined ? undefined : { ...o, seed };
    }
    case 'vocab': {
      const vocabSize = await askInt(vscode.l10n.t('Vocabulary size'), o.vocabSize, TRAINING_LIMITS.vocab);
      return vocabSize === undefined ? undefined : { ...o, vocabSize };
    }
    case 'lr': {
      const answer = await vscode.window.showInputBox({
        title: vscode.l10n.t('Peak learning rate'),
        value: String(o.learningRate),
        validateInput: (v) => (Number(v) > 0 && Number(v) < 1 ? undefined : vscode.l10n.t('A number between 0 and 1, such as 0.002')),
      });
      return answer === undefined ? undefined : { ...o, learningRate: Number(answer) };
    }
    case 'device': {
      if (!cuda) {
        void vscode.window.showInformationMessage(vscode.l10n.t('PyTorch sees no CUDA GPU here: training runs on the CPU.'));
        return undefined;
      }
      return { ...o, device: o.device === 'cpu' ? 'cuda' : 'cpu' };
    }
    case 'folder': {
      const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: vscode.l10n.t('Train into this folder'), defaultUri: vscode.Uri.file(o.outputDir) });
      const dir = picked?.[0];
      if (!dir || dir.scheme !== 'file') return undefined;
      const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Model name (a folder name)'), value: o.name, validateInput: (v) => (/^[\w.-]+$/.test(v) ? undefined : vscode.l10n.t('Letters, digits, - _ . only')) });
      return name ? { ...o, outputDir: dir.fsPath, name } : undefined;
    }
    default:
      return undefined;
  }
}

/** Where models go by default: the setting, under the first workspace folder (or the home folder without one). */
export function defaultOutputDir(): string {
  const folder = readConfig().training.outputFolder;
  if (path.isAbsolute(folder)) return folder;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  return path.join(root?.scheme === 'file' ? root.fsPath : homedir(), folder);
}

/** Asks every question; resolves to the options to run, or undefined when the user cancelled. */
export async function askTrainingOptions(python: string, cuda: boolean, onProblem: (p: TrainingProblem) => void): Promise<TrainingOptions | undefined> {
  const corpus = await pickCorpus();
  if (!corpus) return undefined;
  const objective = await pickObjective();
  if (!objective) return undefined;
  const vocabSize = defaultVocabSize(corpus.text.length);
  const size = await pickShape(objective, vocabSize);
  if (!size) return undefined;
  const base = defaultTrainingOptions(corpus, defaultOutputDir(), python);
  // Named after the file the text came from (the glob's files: "corpus").
  const file = vscode.window.activeTextEditor?.document.fileName;
  const name = defaultModelName(corpus.source.includes('*') || !file ? 'corpus' : path.basename(file));
  return confirm({ ...base, objective, preset: size.preset, shape: size.shape, name }, cuda, onProblem);
}
