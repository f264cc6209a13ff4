/**
 * Checks of what the attention webviews (the Attention view, the compare panel) send; see
 * messageChecks.ts. Layers and heads are checked here against generous bounds, and again by the
 * handlers against the shown analysis (its own numbers of layers and heads).
 */
import type { Check } from '../protocol/wire';
import type {
  AttentionOptions,
  AttentionTab,
  CompareRequest,
  DrawReport,
  GroupOptionsView,
  GridRequest,
  HeadChoice,
  ImageFormat,
  MatricesRequest,
} from '../protocol/attention';
import { bool, boundedString, clampedInt, finite, intIn, isRecord, listOf, oneOf, safeFileName } from './messageChecks';

/** More layers or heads than any model the viewer shows has. */
export const MAX_LAYERS = 256;
export const MAX_HEADS = 256;
/** Labels a draw report may carry (one per token; the viewer draws at most 1,024 tokens). */
const MAX_LABELS = 4096;
const MAX_LABEL_CHARS = 2048;
/** An image as a data URL or SVG text: 64 MiB at most. */
export const MAX_IMAGE_CHARS = 64 * 1024 * 1024;

export const ATTENTION_TABS: readonly AttentionTab[] = ['heads', 'heatmap', 'model', 'summary', 'positions'];
const IMAGE_FORMATS: readonly ImageFormat[] = ['png', 'svg'];
const ROLES = ['causal', 'masked'] as const;

/** A head, the mean or the rollout; a head number below `numHeads`. */
export function headChoice(v: unknown, numHeads = MAX_HEADS): HeadChoice | undefined {
  if (v === 'mean' || v === 'rollout') return v;
  return intIn(v, 0, numHeads - 1);
}

/** Whether the layer and the heads exist in an analysis of `numLayers` × `numHeads`. */
export function fitsAnalysis(p: { layer: number; heads?: readonly HeadChoice[]; head?: HeadChoice }, numLayers: number, numHeads: number): boolean {
  const heads = [...(p.heads ?? []), ...(p.head === undefined ? [] : [p.head])];
  return p.layer < numLayers && heads.every((h) => headChoice(h, numHeads) !== undefined);
}

function groupOptions(p: Record<string, unknown>): GroupOptionsView | undefined {
  const hideSpecial = bool(p['hideSpecial']);
  const mergeSubwords = bool(p['mergeSubwords']);
  return hideSpecial === undefined || mergeSubwords === undefined ? undefined : { hideSpecial, mergeSubwords };
}

const analysisId = (v: unknown): number | undefined => intIn(v, 0, Number.MAX_SAFE_INTEGER);
const layerIndex = (v: unknown): number | undefined => intIn(v, 0, MAX_LAYERS - 1);

export const checkMatricesRequest: Check<MatricesRequest> = (p) => {
  if (!isRecord(p)) return undefined;
  const groups = groupOptions(p);
  const analysis = analysisId(p['analysis']);
  const layer = layerIndex(p['layer']);
  const heads = listOf(p['heads'], MAX_HEADS + 2, (h) => headChoice(h));
  if (!groups || analysis === undefined || layer === undefined || !heads) return undefined;
  return { ...groups, analysis, layer, heads };
};

export const checkGridRequest: Check<GridRequest> = (p) => {
  if (!isRecord(p)) return undefined;
  const groups = groupOptions(p);
  const analysis = analysisId(p['analysis']);
  const max = clampedInt(p['max'], 8, 96);
  const layer = p['layer'] === undefined ? undefined : layerIndex(p['layer']);
  if (p['layer'] !== undefined && layer === undefined) return undefined;
  return groups && analysis !== undefined && max !== undefined ? { ...groups, analysis, max, ...(layer === undefined ? {} : { layer }) } : undefined;
};

export const checkPositionsRequest: Check<{ count: number }> = (p) => {
  const count = isRecord(p) ? clampedInt(p['count'], 2, 512) : undefined;
  return count === undefined ? undefined : { count };
};

/** What the view shows, shared by its options and its draw reports: tab, layer, head, group options. */
function shownView(p: Record<string, unknown>): (GroupOptionsView & { tab: AttentionTab; layer: number; head: HeadChoice }) | undefined {
  const groups = groupOptions(p);
  const tab = oneOf(p['tab'], ATTENTION_TABS);
  const layer = layerIndex(p['layer']);
  const head = headChoice(p['head']);
  return groups && tab && layer !== undefined && head !== undefined ? { ...groups, tab, layer, head } : undefined;
}

export const checkAttentionOptions: Check<AttentionOptions> = (p) => {
  const view = isRecord(p) ? shownView(p) : undefined;
  const heads = isRecord(p) ? listOf(p['heads'], MAX_HEADS, (h) => intIn(h, 0, MAX_HEADS - 1)) : undefined;
  return view && heads ? { ...view, heads } : undefined;
};

export const checkSnapshotSave: Check<AttentionOptions & { analysis: number }> = (p) => {
  const options = checkAttentionOptions(p);
  const analysis = isRecord(p) ? analysisId(p['analysis']) : undefined;
  return options && analysis !== undefined ? { ...options, analysis } : undefined;
};

/** An image the webview rendered: its format, its data (bounded) and a safe file name. */
export const checkImage: Check<{ format: ImageFormat; data: string; name: string }> = (p) => {
  if (!isRecord(p)) return undefined;
  const format = oneOf(p['format'], IMAGE_FORMATS);
  const data = boundedString(p['data'], MAX_IMAGE_CHARS);
  const name = safeFileName(p['name']);
  return format && data !== undefined && name ? { format, data, name } : undefined;
};

export const checkImageRendered: Check<{ id: number; format: ImageFormat; data: string; name: string }> = (p) => {
  const image = checkImage(p);
  const id = isRecord(p) ? intIn(p['id'], 1, Number.MAX_SAFE_INTEGER) : undefined;
  return image && id !== undefined ? { ...image, id } : undefined;
};

export const checkDrawReport: Check<DrawReport> = (p) => {
  if (!isRecord(p)) return undefined;
  const view = shownView(p);
  const analysis = analysisId(p['analysis']);
  const n = intIn(p['n'], 0, MAX_LABELS);
  const labels = listOf(p['labels'], MAX_LABELS, (l) => boundedString(l, MAX_LABEL_CHARS));
  const [upperSum, lowerSum] = [finite(p['upperSum']), finite(p['lowerSum'])];
  const [upperPainted, lowerPainted] = [intIn(p['upperPainted'], 0, MAX_LABELS ** 2), intIn(p['lowerPainted'], 0, MAX_LABELS ** 2)];
  if (!view || analysis === undefined || n === undefined || !labels) return undefined;
  if (upperSum === undefined || lowerSum === undefined || upperPainted === undefined || lowerPainted === undefined) return undefined;
  const cursorRow = p['cursorRow'] === undefined ? undefined : intIn(p['cursorRow'], 0, MAX_LABELS - 1);
  if (p['cursorRow'] !== undefined && cursorRow === undefined) return undefined;
  return { ...view, analysis, n, labels, upperSum, lowerSum, upperPainted, lowerPainted, ...(cursorRow === undefined ? {} : { cursorRow }) };
};

export const checkCompareDraw: Check<DrawReport & { role: 'causal' | 'masked' }> = (p) => {
  const report = checkDrawReport(p);
  const role = isRecord(p) ? oneOf(p['role'], ROLES) : undefined;
  return report && role ? { ...report, role } : undefined;
};

/** Attention view `steps/open`: a layer and a head, checked against the shown analysis by the command. */
export const checkStepsOpen: Check<{ layer: number; head: number }> = (p) => {
  if (!isRecord(p)) return undefined;
  const layer = layerIndex(p['layer']);
  const head = intIn(p['head'], 0, MAX_HEADS - 1);
  return layer !== undefined && head !== undefined ? { layer, head } : undefined;
};

export const checkCompareRequest: Check<CompareRequest> = (p) => {
  if (!isRecord(p)) return undefined;
  const groups = groupOptions(p);
  const layer = layerIndex(p['layer']);
  const head = headChoice(p['head']);
  return groups && layer !== undefined && head !== undefined ? { ...groups, layer, head } : undefined;
};
