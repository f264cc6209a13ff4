/**
 * The GPU check's report: the JSON shape (report.json) and its Markdown rendering (report.md).
 * Numbers are formatted by hand (no Intl: the rig's Node has no ICU data).
 */
import type { Agreement, Tolerance } from './compare';

export interface Figures {
  firstTokenMs?: number;
  decodeTokPerSec?: number;
  decodeTokens?: number;
  fillMaskMs?: number;
  fillMaskTokens?: number;
  attentionMs?: number;
  attentionTokens?: number;
}

export interface SideResult {
  requested: 'cpu' | 'cuda' | 'auto';
  /** Where it really ran ('none': the session could not be opened). */
  device: 'cpu' | 'cuda' | 'none';
  createMs: number;
  figures: Figures;
  fallbackReason?: string;
  error?: string;
}

export interface RunRow {
  model: string;
  graph: 'decode' | 'fill-mask' | 'inspect';
  precision: 'float32' | 'float16';
  buildMs: number;
  graphMiB: number;
  reference: { device: 'cpu'; createMs: number; figures: Figures };
  target?: SideResult;
  agreement?: Record<string, Agreement | number>;
  pass: boolean;
  note?: string;
}

export interface ProbeResult {
  case: string;
  requested: 'cuda';
  device: 'cpu' | 'cuda' | 'none';
  providerPath: string;
  providerInstalled: boolean;
  fallbackReason?: string;
  ran?: string;
  error?: string;
}

export interface CheckReport {
  startedAt: string;
  mode: 'cuda' | 'cpu-only';
  shapes: 'full' | 'tiny';
  machine: { node: string; cpus: number; gpu?: string; ldLibraryPath: string };
  runtime: { onnxruntimePath: string; onnxruntimeVersion: string; providerPath: string; providerInstalled: boolean };
  settings: { attentionTokens: number; decodeTokens: number; repeats: number; tolerances: Readonly<Record<string, Tolerance>> };
  rows: RunRow[];
  probes: ProbeResult[];
  notTried: string[];
  seconds: number;
}

function num(x: number | undefined, digits = 1): string {
  if (x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  return x.toFixed(digits);
}

function sci(x: number): string {
  return Number.isFinite(x) ? x.toExponential(1) : String(x);
}

function figureText(f: Figures): string {
  const parts: string[] = [];
  if (f.decodeTokPerSec !== undefined) parts.push(`${num(f.decodeTokPerSec)} tok/s (${f.decodeTokens} tokens), first token ${num(f.firstTokenMs)} ms`);
  if (f.fillMaskMs !== undefined) parts.push(`fill-mask ${num(f.fillMaskMs, 2)} ms (${f.fillMaskTokens} tokens)`);
  if (f.attentionMs !== undefined) parts.push(`${f.attentionTokens} tokens + every attention map: ${num(f.attentionMs)} ms`);
  return parts.join('; ') || '—';
}

function agreementText(a: RunRow['agreement']): string {
  if (!a) return '—';
  return Object.entries(a).map(([k, v]) => (typeof v === 'number' ? `${k} ${v}` : `${k}: max|Δ| ${sci(v.maxAbs)} (rel ${sci(v.relative)}), top-1 ${num(v.top1 * 100, 1)} % of ${v.rows}${v.nearTies > 0 ? ` (+${num(v.nearTies * 100, 1)} % near-ties)` : ''}`)).join('; ');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownReport(r: CheckReport): string {
  const lines: string[] = [];
  lines.push(`# GPU check (${r.mode}, ${r.shapes} shapes)`, '');
  lines.push(`Started ${r.startedAt}, ${num(r.seconds, 0)} s. Node ${r.machine.node}, ${r.machine.cpus} CPUs, GPU: ${r.machine.gpu ?? 'none found (nvidia-smi)'}.`);
  lines.push(`onnxruntime-node ${r.runtime.onnxruntimeVersion} at \`${r.runtime.onnxruntimePath}\`; CUDA provider ${r.runtime.providerInstalled ? 'present' : 'absent'} (\`${r.runtime.providerPath}\`).`);
  lines.push(`LD_LIBRARY_PATH: \`${r.machine.ldLibraryPath || '(empty)'}\``, '');
  lines.push('## CUDA provider and fallback (our runtime, OnnxRuntimeBackend, asked for CUDA)', '');
  lines.push('| case | provider file | ran on | why / error |', '| --- | --- | --- | --- |');
  for (const p of r.probes) lines.push(`| ${cell(p.case)} | ${p.providerInstalled ? 'present' : 'absent'} | ${p.device} | ${cell(p.error ?? p.fallbackReason ?? (p.device === 'cuda' ? 'CUDA session ran' : ''))} |`);
  lines.push('', '## Our graphs, target vs the float32 CPU reference', '');
  const tol = Object.entries(r.settings.tolerances).map(([k, t]) => `${k}: logits rel ≤ ${t.relativeLogits}, attention max|Δ| ≤ ${t.attentionMaxAbs}, top-1 ≥ ${t.top1 * 100} %`).join('; ');
  lines.push(`Tolerances: ${tol}. Decode: greedy, KV cache, ${r.settings.decodeTokens} tokens after a 16-token prompt; medians of ${r.settings.repeats} runs.`, '');
  lines.push('| model | graph | precision | graph MiB | CPU reference (float32) | target | agreement | pass |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of r.rows) {
    const t = row.target;
    const target = t ? `${t.device}${t.requested !== t.device ? ` (asked ${t.requested})` : ''}: ${t.error ? `error: ${t.error}` : figureText(t.figures)}${t.fallbackReason ? ` — ${t.fallbackReason}` : ''}` : row.note ?? '—';
    lines.push(`| ${row.model} | ${row.graph} | ${row.precision} | ${num(row.graphMiB, 0)} | ${figureText(row.reference.figures)} | ${cell(target)} | ${cell(agreementText(row.agreement))} | ${row.pass ? 'yes' : '**no**'} |`);
  }
  lines.push('', '## Not tried', '', ...r.notTried.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
