/** What `trex … --json` must print when it exits 0, per command. */
import type { CliCommand } from '../recipe';
import { InvariantViolation } from '../outcome';

type Obj = Record<string, unknown>;

function fail(rule: string, details = ''): never {
  throw new InvariantViolation(`trex exited 0 but ${rule}`, details);
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function checkTokens(out: Obj, text: string, vocab?: number): void {
  const { ids, tokens, offsets } = out;
  if (!Array.isArray(ids) || !Array.isArray(tokens) || !Array.isArray(offsets) || ids.length !== tokens.length || ids.length !== offsets.length) fail('ids, tokens and offsets are not lists of one length');
  ids.forEach((id, i) => {
    if (!isIndex(id) || (vocab !== undefined && id >= vocab)) fail(isIndex(id) ? 'printed an id outside the vocabulary' : 'printed an id that is not a non-negative integer', `ids[${i}] is ${JSON.stringify(id)}${vocab === undefined ? '' : `, vocabulary ${vocab}`}`);
    if (typeof tokens[i] !== 'string') fail('printed a token that is not a string', `tokens[${i}]`);
    const o = offsets[i] as unknown;
    if (!Array.isArray(o) || o.length !== 2 || !isIndex(o[0]) || !isIndex(o[1]) || o[0] > o[1] || o[1] > text.length) fail('printed offsets outside the text', `offsets[${i}] ${JSON.stringify(o)}, text of ${text.length} units`);
  });
}

export function checkCliOutput(command: CliCommand, stdout: string, text: string): void {
  let out: Obj;
  try {
    out = JSON.parse(stdout) as Obj;
  } catch {
    return fail('printed no JSON', JSON.stringify(stdout.slice(0, 200)));
  }
  switch (command) {
    case 'tokenize':
    case 'tokenize-special':
      return checkTokens(out, text);
    case 'bpe':
      if (!Array.isArray(out.tokens) || !out.tokens.every((t) => typeof t === 'string') || !Array.isArray(out.steps)) fail('bpe printed no tokens or steps');
      return;
    case 'model-card':
      for (const k of ['numLayers', 'hiddenSize', 'numHeads', 'vocabSize']) if (!isIndex(out[k])) fail(`printed a model card whose ${k} is not a count`, String(out[k]));
      return;
    case 'logits': {
      const V = out.vocabSize;
      if (!isIndex(V)) fail('printed a vocabSize that is not a count', String(V));
      checkTokens(out, text, V);
      if (!Array.isArray(out.top)) fail('no "top" list');
      for (const row of out.top as unknown[]) {
        for (const c of Array.isArray(row) ? (row as Obj[]) : fail('a "top" row is not a list')) {
          if (!isIndex(c.id) || c.id >= V || typeof c.logit !== 'number' || !Number.isFinite(c.logit) || typeof c.prob !== 'number' || !(c.prob >= 0 && c.prob <= 1)) fail('printed a top-k candidate with a bad id, logit or probability', JSON.stringify(c).slice(0, 200));
        }
      }
      return;
    }
    case 'generate':
      if (typeof out.text !== 'string' || !Array.isArray(out.steps)) fail('generate printed no text or steps');
      return;
  }
}
