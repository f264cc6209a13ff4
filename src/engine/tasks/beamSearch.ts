/**
 * Beam search as bookkeeping over rows of logits (no model here: `advance` runs it), so that it can
 * be tested on hand-set logits. At each step every live beam proposes its 2·B best next tokens;
 * all proposals are ranked by cumulative log-probability (as Hugging Face does); the end-of-text
 * token among the B best ends a hypothesis, the B best others become the next beams, the rest are
 * pruned. Finished hypotheses and the beams alive at the end compete on the length-penalised score
 * `score = log P / |x|^α`, |x| = number of generated tokens (end-of-text included).
 * Stops when B hypotheses have finished (early stopping), at maxNewTokens, when the context is full,
 * or when the signal aborts. In the steps, a candidate's `kept` says whether that continuation
 * became a beam (or a finished hypothesis); there is no filtering, so adjustedProb = prob. Nodes of
 * the winning path are marked 'best'; each live beam's B best proposals are drawn, pruned or not.
 */
import type { TextTokenizer } from '../tokenizers/textTokenizer';
import { logSoftmax, topIds } from './softmax';
import { decodeIds, tokenChoice, tokenText } from './tokenText';
import type { BeamNode, FinishReason, GenerationStep, StepCandidate } from './taskTypes';

export interface BeamSearchSettings {
  tokenizer: TextTokenizer;
  numBeams: number;
  lengthPenalty: number;
  maxNewTokens: number;
  /** How many more tokens the context can take after the prompt. */
  room: number;
  eosId?: number;
  stop: readonly string[];
  showTopK: number;
  signal?: AbortSignal;
  /** Called after each step with the latest step of the best live beam. */
  onStep?: (step: GenerationStep) => void;
}

/** Continues beams: new beam i extends old beam parents[i] with tokens[i]; returns one logits row per new beam. */
export type AdvanceBeams = (parents: number[], tokens: number[]) => Promise<Float32Array[]>;

export interface BeamSearchResult {
  tokenIds: number[];
  text: string;
  steps: GenerationStep[];
  beams: BeamNode[];
  finishReason: FinishReason;
  logProb: number;
}

interface Beam {
  ids: number[];
  cum: number;
  /** Node of the last token; -1 before the first. */
  node: number;
}

interface Hypothesis {
  node: number;
  ids: number[];
  cum: number;
  score: number;
  reason: FinishReason;
  text: string;
}

export function lengthPenalisedScore(cumLogProb: number, length: number, alpha: number): number {
  return cumLogProb / Math.pow(Math.max(1, length), alpha);
}

/** Index of the first stop string in `text`, or -1. */
export function findStop(text: string, stop: readonly string[]): number {
  let at = -1;
  for (const s of stop) {
    if (!s) continue;
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

export async function beamSearch(settings: BeamSearchSettings, firstRow: Float32Array, advance: AdvanceBeams): Promise<BeamSearchResult> {
  const { tokenizer, numBeams, lengthPenalty: alpha, eosId, stop, showTopK } = settings;
  const skip = new Set(eosId === undefined ? [] : [eosId]);
  const nodes: BeamNode[] = [];
  /** Per node: the candidates of the distribution it was chosen from, and its StepCandidate. */
  const stepOf = new Map<number, { chosen: StepCandidate; candidates: StepCandidate[] }>();
  const finished: Hypothesis[] = [];
  let beams: Beam[] = [{ ids: [], cum: 0, node: -1 }];
  let rows = [firstRow];
  let endReason: FinishReason = 'maxTokens';
  let early = false;
  const limit = Math.min(settings.maxNewTokens, settings.room);
  if (settings.room < settings.maxNewTokens) endReason = 'contextFull';

  for (let step = 0; step < limit; step++) {
    if (settings.signal?.aborted) {
      endReason = 'cancelled';
      break;
    }
    type Proposal = { beam: number; id: number; logProb: number; cum: number; perBeamRank: number };
    const proposals: Proposal[] = [];
    const shown: StepCandidate[][] = [];
    beams.forEach((beam, b) => {
      const lp = logSoftmax(rows[b]);
      topIds(lp, 2 * numBeams).forEach((id, r) => proposals.push({ beam: b, id, logProb: lp[id], cum: beam.cum + lp[id], perBeamRank: r }));
      shown.push(topIds(lp, showTopK).map((id) => candidate(tokenizer, id, Math.exp(lp[id]))));
    });
    proposals.sort((a, b) => b.cum - a.cum || a.beam - b.beam || a.id - b.id);
    const next: Beam[] = [];
    const parents: number[] = [];
    for (let rank = 0; rank < proposals.length; rank++) {
      const p = proposals[rank];
      const parent = beams[p.beam];
      const ids = [...parent.ids, p.id];
      const isEos = p.id === eosId;
      let status: BeamNode['status'] = 'pruned';
      let hypothesis: Omit<Hypothesis, 'node' | 'score'> | undefined;
      if (isEos) {
        if (rank < numBeams) hypothesis = { ids, cum: p.cum, reason: 'eos', text: decodeIds(tokenizer, ids, skip) };
      } else if (next.length < numBeams) {
        const decoded = stop.length ? decodeIds(tokenizer, ids, skip) : '';
        const cut = stop.length ? findStop(decoded, stop) : -1;
        if (cut >= 0) hypothesis = { ids, cum: p.cum, reason: 'stop', text: decoded.slice(0, cut) };
        else status = 'kept';
      }
      if (hypothesis) status = 'finished';
      if (status === 'pruned' && p.perBeamRank >= numBeams) continue; // only each beam's B best are drawn
      const token = tokenizer.idToToken(p.id) ?? `<${p.id}>`;
      const id = nodes.length;
      nodes.push({
        id, parent: parent.node < 0 ? null : parent.node, step, tokenId: p.id, token, text: tokenText(tokenizer, token),
        logProb: p.logProb, cumLogProb: p.cum, score: lengthPenalisedScore(p.cum, ids.length, alpha), status,
      });
      const chosen = { ...candidate(tokenizer, p.id, Math.exp(p.logProb)), kept: status !== 'pruned' };
      stepOf.set(id, { chosen, candidates: shown[p.beam] });
      if (status !== 'pruned') {
        const shownAs = shown[p.beam].find((c) => c.id === p.id);
        if (shownAs) shownAs.kept = true;
      }
      if (hypothesis) finished.push({ ...hypothesis, node: id, score: nodes[id].score });
      else if (status === 'kept') {
        next.push({ ids, cum: p.cum, node: id });
        parents.push(p.beam);
      }
    }
    beams = next;
    if (next.length > 0 && settings.onStep) {
      // The best beam's newest step only (its path is as long as its ids): no walk back to the root.
      const best = next[0];
      const s = stepOf.get(best.node) as { chosen: StepCandidate; candidates: StepCandidate[] };
      settings.onStep({ index: best.ids.length - 1, chosen: s.chosen, candidates: s.candidates, text: decodeIds(tokenizer, best.ids, skip) });
    }
    if (finished.length >= numBeams || next.length === 0) {
      early = true;
      break;
    }
    if (step + 1 < limit) rows = await advance(parents, next.map((n) => n.ids[n.ids.length - 1]));
  }

  const pool: Hypothesis[] = [
    ...finished,
    ...(early ? [] : beams).filter((b) => b.node >= 0).map((b) => ({
      node: b.node, ids: b.ids, cum: b.cum, score: lengthPenalisedScore(b.cum, b.ids.length, alpha), reason: endReason, text: decodeIds(tokenizer, b.ids, skip),
    })),
  ];
  if (pool.length === 0) return { tokenIds: [], text: '', steps: [], beams: nodes, finishReason: endReason, logProb: 0 };
  const best = pool.reduce((a, b) => (b.score > a.score ? b : a));
  for (let n: number | null = best.node; n !== null; n = nodes[n].parent) nodes[n].status = 'best';
  return {
    tokenIds: best.ids, text: best.text, steps: stepsOf(nodes, stepOf, best.node, tokenizer, skip), beams: nodes,
    finishReason: endReason === 'cancelled' ? 'cancelled' : best.reason, logProb: best.cum,
  };
}

function candidate(tokenizer: TextTokenizer, id: number, prob: number): StepCandidate {
  return { ...tokenChoice(tokenizer, id, prob), adjustedProb: prob, kept: false };
}

/** The steps of the path ending at `last`, first to last. */
function stepsOf(nodes: BeamNode[], stepOf: Map<number, { chosen: StepCandidate; candidates: StepCandidate[] }>, last: number, tokenizer: TextTokenizer, skip: ReadonlySet<number>): GenerationStep[] {
  const path: number[] = [];
  for (let n: number | null = last; n !== null && n >= 0; n = nodes[n].parent) path.unshift(n);
  const ids: number[] = [];
  return path.map((n, index) => {
    ids.push(nodes[n].tokenId);
    const s = stepOf.get(n) as { chosen: StepCandidate; candidates: StepCandidate[] };
    return { index, chosen: s.chosen, candidates: s.candidates, text: decodeIds(tokenizer, ids, skip) };
  });
}
