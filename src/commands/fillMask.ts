import * as vscode from 'vscode';
import type { FillMaskResult, FillMaskTarget } from '../engine/tasks/taskTypes';
import { runTask, showTaskError } from '../models/taskRunner';
import { findMasks, joinPieces, paragraphAround, pieceForMask, wordAt } from '../editor/textAround';
import type { ModelInfo } from '../models/modelTypes';
import { badge, requireEditor, type PredictActions, type PredictionServices, type ShowPrediction } from './predictionServices';

/** Optional argument (tests, links): the text and range instead of the editor's selection. */
export interface FillMaskArgs {
  /** Candidates kept per mask (default 10). */
  topK?: number;
  /** The user's own candidates. */
  targets?: string[];
  /** Put the candidate of this rank (1 = best) of every mask in the editor at once, as the panel does. */
  apply?: number;
}

export interface FillMaskShown {
  model: string;
  /** The text the model read, masks in the model's spelling. */
  text: string;
  /** 'masks': the selection held masks; 'word': the word at the cursor was masked. */
  mode: 'masks' | 'word';
  result: FillMaskResult;
  /** With the `apply` argument: the text written in place of each mask (or of the masked word). */
  applied?: string[];
}

/** A part of the document the panel can rewrite: one mask, or the masked word (several masks). */
interface Group {
  slots: number[];
  /** Document offsets of what is there now. */
  start: number;
  end: number;
  current: string;
  /** Chosen piece per slot (token + text), the best candidates at first. */
  pieces: Array<{ token: string; text: string }>;
}

function parseArgs(arg: unknown): FillMaskArgs {
  if (typeof arg !== 'object' || arg === null) return {};
  const o = arg as Record<string, unknown>;
  return {
    ...(typeof o['topK'] === 'number' && o['topK'] >= 1 ? { topK: Math.round(o['topK']) } : {}),
    ...(Array.isArray(o['targets']) ? { targets: o['targets'].filter((t): t is string => typeof t === 'string') } : {}),
    ...(typeof o['apply'] === 'number' && Number.isInteger(o['apply']) && o['apply'] >= 1 ? { apply: o['apply'] } : {}),
  };
}

/** What the model reads, and the parts of the document the panel can rewrite. */
interface FillTarget {
  mode: FillMaskShown['mode'];
  text: string;
  /** Word mode: the word's range in `text`, masked by the model host (one mask per token of the word). */
  word?: { start: number; end: number };
  groups: Group[];
}

/** The masks of the selection, else the selected word or the word at the cursor; `undefined` when there is neither. */
function findTarget(editor: vscode.TextEditor): FillTarget | undefined {
  const doc = editor.document;
  const full = doc.getText();
  const selStart = doc.offsetAt(editor.selection.start);
  const selEnd = doc.offsetAt(editor.selection.end);
  const selected = full.slice(selStart, selEnd);
  const masks = findMasks(selected);
  if (masks.length > 0) {
    const groups = masks.map((m, i) => ({ slots: [i], start: selStart + m.start, end: selStart + m.end, current: selected.slice(m.start, m.end), pieces: [] }));
    return { mode: 'masks', text: selected, groups };
  }
  // A selected word is the word to mask; in a longer selection, the word at the cursor.
  const oneWord = selStart !== selEnd && !/\s/.test(selected);
  const at = oneWord ? { start: selStart, end: selEnd } : wordAt(full, doc.offsetAt(editor.selection.active));
  if (!at || full.slice(at.start, at.end).trim() === '') return undefined;
  const around = paragraphAround(full, at.start, at.end);
  return {
    mode: 'word',
    text: full.slice(around.start, around.end),
    word: { start: at.start - around.start, end: at.end - around.start },
    groups: [{ slots: [], start: at.start, end: at.end, current: full.slice(at.start, at.end), pieces: [] }],
  };
}

/**
 * "Fill Mask": on a selection holding `[MASK]`/`<mask>`, or on the word at the cursor (masked for
 * you, one mask per token of the word), shows the masked model's top-k per mask (`show`: the
 * Predictions panel); a candidate clicked in the panel replaces the text in the editor (one undo
 * step each).
 */
export function fillMaskCommand(services: PredictionServices, show: ShowPrediction) {
  return async (arg?: unknown): Promise<FillMaskShown | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const args = parseArgs(arg);
    try {
      return await services.models.withRole('masked', (model) => fillMaskWith(services, show, model, editor, args));
    } catch (error) {
      showTaskError(error);
      return undefined;
    }
  };
}

async function fillMaskWith(services: PredictionServices, show: ShowPrediction, model: ModelInfo, editor: vscode.TextEditor, args: FillMaskArgs): Promise<FillMaskShown | undefined> {
  const target = findTarget(editor);
  if (!target) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No mask in the text: write [MASK] (or <mask>) where a word should be predicted and select the sentence, or put the cursor on a word.'),
    );
    return undefined;
  }
  const { mode, word, groups } = target;
  let text = target.text;
  const run = (targets: string[] | undefined, signal?: AbortSignal, masking?: { start: number; end: number }): Promise<FillMaskResult & { masked?: { text: string; maskCount: number } }> =>
    services.host.request(
      'model/fillMask',
      { modelId: model.modelId, text, ...(masking ? { word: masking } : {}), ...(args.topK ? { topK: args.topK } : {}), ...(targets && targets.length ? { targets } : {}) },
      signal ? { signal } : {},
    );
  const { masked, ...result } = await runTask({ title: vscode.l10n.t('Fill Mask with {0}', model.label) }, (task) => run(args.targets, task.signal, word));
  if (masked) {
    // From now on the model reads the masked text (targets scored later, the panel).
    text = masked.text;
    for (const g of groups) g.slots = [...Array(masked.maskCount).keys()];
  }
  for (const g of groups) g.pieces = g.slots.map((s) => pieceOf(result, s));
  const session = new FillSession(editor.document, groups, result, mode === 'word', model.family === 'bert' || model.family === 'distilbert');
  let targets: FillMaskTarget[] = result.targets;
  const actions: PredictActions = {
    apply: async (slot, chosen) => {
      const outcome = await session.apply(slot, chosen);
      if (outcome.applied) showFill(outcome.text);
      return outcome.applied ? { applied: true } : { applied: false, message: vscode.l10n.t('The editor text changed: run Fill Mask again to apply a candidate.') };
    },
    target: async (candidate) => {
      const found = (await run([candidate])).targets[0] ?? null;
      if (found) {
        targets = [...targets.filter((t) => t.text !== found.text), found];
        showFill();
      }
      return found;
    },
  };
  const showFill = (applied?: string): void => show({ view: 'fill', model: badge(model), text, result, targets, canApply: true, ...(applied ? { applied } : {}) }, actions);
  showFill();
  if (args.apply === undefined) return { model: model.label, text, mode, result };
  const applied = await applyRank(session, result, args.apply);
  if (applied.length) showFill(applied.at(-1));
  return { model: model.label, text, mode, result, applied };
}

/** Puts the candidate of rank `rank` (1 = best) of every mask in the editor; the texts written. */
async function applyRank(session: FillSession, result: FillMaskResult, rank: number): Promise<string[]> {
  const applied: string[] = [];
  for (const slot of result.masks) {
    const chosen = slot.candidates[rank - 1];
    if (!chosen) continue;
    const outcome = await session.apply(slot.index, chosen.text);
    if (outcome.applied && outcome.text !== undefined) applied.push(outcome.text);
  }
  return applied;
}

function pieceOf(result: FillMaskResult, slot: number): { token: string; text: string } {
  const best = result.masks[slot]?.candidates[0];
  return best ? { token: best.token, text: best.text } : { token: '', text: '' };
}

/** Writes chosen candidates into the document, each as one undoable edit, keeping track of ranges. */
class FillSession {
  constructor(
    private readonly doc: vscode.TextDocument,
    private readonly groups: Group[],
    private readonly result: FillMaskResult,
    private readonly wordMode: boolean,
    private readonly wordPiece: boolean,
  ) {}

  async apply(slot: number, text: string): Promise<{ applied: boolean; text?: string }> {
    const group = this.groups.find((g) => g.slots.includes(slot));
    if (!group || this.doc.isClosed) return { applied: false };
    const range = new vscode.Range(this.doc.positionAt(group.start), this.doc.positionAt(group.end));
    if (this.doc.getText(range) !== group.current) return { applied: false };
    const candidate = this.result.masks[slot]?.candidates.find((c) => c.text === text);
    const pieces = group.pieces.slice();
    pieces[group.slots.indexOf(slot)] = { token: candidate?.token ?? text, text };
    const replacement = this.wordMode
      ? joinPieces(pieces, this.wordPiece)
      : pieceForMask(this.doc.getText(new vscode.Range(this.doc.positionAt(Math.max(0, group.start - 1)), range.start)), text.replace(/^##/, ''));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(this.doc.uri, range, replacement);
    if (!(await vscode.workspace.applyEdit(edit))) return { applied: false };
    const delta = replacement.length - (group.end - group.start);
    for (const g of this.groups) {
      if (g !== group && g.start >= group.end) {
        g.start += delta;
        g.end += delta;
      }
    }
    group.end = group.start + replacement.length;
    group.current = replacement;
    group.pieces = pieces;
    return { applied: true, text: replacement };
  }
}
