/** What `trex … --json` must print when it exits 0, per command. */
import type { CliCommand } from '../recipe';
import { InvariantViolation } from '../outcome';

type Obj = Record<string, unknown>;

function fail(what: string): never {
  throw new InvariantViolation(`trex exited 0 but ${what}`);
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function checkTokens(out: Obj, text: string, vocab?: number): void {
  const { ids, tokens, offsets } = out;
  if (!Array.isArray(ids) || !Array.isArray(tokens) || !Array.isArray(offsets) || ids.length !== tokens.length || ids.length !== offsets.length) fail('ids, tokens and offsets are not lists of one length');
  ids.forEach((id, i) => {
    if (!isIndex(id) || (vocab !== undefined && id >= vocab)) fail(`id ${i} is ${String(id)} (vocabulary ${vocab ?? '?'})`);
    if (typeof tokens[i] !== 'string') fail(`token ${i} is not a string`);
    const o = offsets[i] as unknown;
    if (!Array.isArray(o) || o.length !== 2 || !isIndex(o[0]) || !isIndex(o[1]) || o[0] > o[1] || o[1] > text.length) fail(`offsets ${i} ${JSON.stringify(o)} are not within the ${text.length}-unit text`);
  });
}

export function checkCliOutput(command: CliCommand, stdout: string, text: string): void {
  let out: Obj;
  try {
    out = JSON.parse(stdout) as Obj;
  } catch {
    return fail(`printed no JSON: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  switch (command) {
    case 'tokenize':
    case 'tokenize-special':
      return checkTokens(out, text);
    case 'bpe':
      if (!Array.isArray(out.tokens) || !out.tokens.every((t) => typeof t === 'string') || !Array.isArray(out.steps)) fail('bpe printed no tokens or steps');
      return;
    case 'model-card':
      for (const k of ['numLayers', 'hiddenSize', 'numHeads', 'vocabSize']) if (!isIndex(out[k])) fail(`the model card's ${k} is ${String(out[k])}`);
      return;
    case 'logits': {
      const V = out.vocabSize;
      if (!isIndex(V)) fail(`vocabSize is ${String(V)}`);
      checkTokens(out, text, V);
      if (!Array.isArray(out.top)) fail('no "top" list');
      for (const row of out.top as unknown[]) {
        for (const c of Array.isArray(row) ? (row as Obj[]) : fail('a "top" row is not a list')) {
          if (!isIndex(c.id) || c.id >= V || typeof c.logit !== 'number' || !Number.isFinite(c.logit) || typeof c.prob !== 'number' || !(c.prob >= 0 && c.prob <= 1)) fail(`a top-k candidate is ${JSON.stringify(c).slice(0, 200)}`);
        }
      }
      return;
    }
    case 'generate':
      if (typeof out.text !== 'string' || !Array.isArray(out.steps)) fail('generate printed no text or steps');
      return;
  }
}
