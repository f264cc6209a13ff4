import * as vscode from 'vscode';
import { readConfig } from '../config';
import { readModelCard, type ModelCardFacts } from '../engine/models/modelDir';
import { formatBytes } from '../engine/models/hub/plan';
import { describeModelError } from '../models/modelErrors';
import { withoutPrefix } from '../models/fallbackReason';
import type { ModelRegistry } from '../models/modelRegistry';
import { deviceName } from '../models/modelStatusBar';
import type { ModelInfo } from '../models/modelTypes';

export interface ModelCardResult {
  model: ModelInfo;
  facts: ModelCardFacts;
  /** The generated document shown in the Markdown preview. */
  markdown: string;
  /** Where that document was written (in the extension's storage). */
  document: string;
}

/**
 * "Show Model Card": the active model's config (L, d, h, V, context), its exact parameter count
 * next to the course's estimate 12·L·d² + V·d, weight size and dtype, device and files, as a
 * generated Markdown document opened in the preview. With no model yet it offers to choose one
 * (`chooseModel`, Choose Model…).
 */
export function showModelCardCommand(models: ModelRegistry, storage: vscode.Uri, chooseModel: () => Promise<unknown>) {
  return async (): Promise<ModelCardResult | undefined> => {
    let model: ModelInfo | undefined;
    try {
      model = await models.ensureActive();
    } catch (error) {
      void vscode.window.showErrorMessage(describeModelError(error, readConfig().model));
      return undefined;
    }
    if (!model) {
      const choose = vscode.l10n.t('Choose Model…');
      const answer = await vscode.window.showInformationMessage(vscode.l10n.t('No model is loaded yet.'), choose);
      if (answer === choose) await chooseModel();
      model = models.active;
      if (!model) return undefined;
    }
    const facts = await readModelCard(model.dir);
    const markdown = modelCardMarkdown(model, facts);
    // A file, not an untitled editor: the preview alone is shown and nothing asks to be saved.
    const uri = vscode.Uri.joinPath(storage, 'model-card.md');
    await vscode.workspace.fs.createDirectory(storage);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(markdown, 'utf8'));
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return { model, facts, markdown, document: uri.fsPath };
  };
}

const count = (n: number): string => n.toLocaleString('en-US');

export function modelCardMarkdown(model: ModelInfo, facts: ModelCardFacts): string {
  const { numLayers: L, hiddenSize: d, numHeads: h, vocabSize: V, contextLength, parameters } = facts;
  const gap = parameters.exact - parameters.estimate;
  const gapPercent = parameters.exact > 0 ? ((100 * gap) / parameters.exact).toFixed(2) : '0';
  const weightBytes = facts.weightFiles.reduce((sum, f) => sum + f.bytes, 0);
  const row = (name: string, value: string): string => `| ${name} | ${value} |`;
  const lines = [
    `# ${vscode.l10n.t('Model card: {0}', model.label)}`,
    '',
    vscode.l10n.t('Family {0} (model_type {1}), running on {2}.', model.family, facts.modelType, deviceName(model.device)),
    ...(model.fallbackReason ? ['', `> ${vscode.l10n.t('CUDA unavailable, running on CPU: {0}', withoutPrefix(model.fallbackReason))}`] : []),
    '',
    `## ${vscode.l10n.t('Configuration')}`,
    '',
    `| | |`,
    `|---|---:|`,
    row(vscode.l10n.t('Layers L'), count(L)),
    row(vscode.l10n.t('Hidden size d'), count(d)),
    row(vscode.l10n.t('Attention heads h'), `${count(h)} (d/h = ${count(d / h)})`),
    row(vscode.l10n.t('Vocabulary V'), count(V)),
    row(vscode.l10n.t('Context length'), count(contextLength)),
    '',
    `## ${vscode.l10n.t('Parameters')}`,
    '',
    `| | |`,
    `|---|---:|`,
    row(vscode.l10n.t('Exact (from the checkpoint)'), count(parameters.exact)),
    row(`12·L·d² + V·d = 12·${L}·${d}² + ${V}·${d}`, count(parameters.estimate)),
    row(vscode.l10n.t('Difference (biases, LayerNorms, positions…)'), `${gap >= 0 ? '+' : ''}${count(gap)} (${gapPercent} %)`),
    '',
    `## ${vscode.l10n.t('Weights')}`,
    '',
    `| | |`,
    `|---|---:|`,
    row(vscode.l10n.t('Size on disk'), formatBytes(weightBytes)),
    row(vscode.l10n.t('Stored dtypes'), facts.dtypes.join(', ') || '—'),
    row(vscode.l10n.t('Device'), deviceName(model.device)),
    row(vscode.l10n.t('Precision in use'), model.precision),
    ...(model.precision === 'int8' || model.precision === 'int4'
      ? ['', vscode.l10n.t('{0}: the attention, MLP and output-head matrices are quantized by blocks of 32 weights (onnxruntime MatMulNBits); outputs are close to float32 but not equal. BENCHMARKS.md gives the fidelity measured on the built-in models.', model.precision)]
      : []),
    '',
    `## ${vscode.l10n.t('Files')}`,
    '',
    `- ${vscode.l10n.t('Folder: {0}', facts.dir)}`,
    ...facts.weightFiles.map((f) => `- \`${f.path}\` (${formatBytes(f.bytes)})`),
    ...facts.tokenizerFiles.map((f) => `- \`${f}\``),
    '',
  ];
  return lines.join('\n');
}
