/** `trex fill-mask | generate | perplexity` as a user runs them, on tiny model folders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, tinyModelDir } from '../../support/tinyModels';
import { assertOneLineError, json, runTrex, type TrexRun } from '../../support/trexCli';

const env = { ...process.env, TREX_CACHE_DIR: tempDir('trex-cli-tasks-cache-'), HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_CACHE: tempDir('trex-cli-tasks-hf-') };
const gpt2Dir = tinyModelDir('gpt2');
const bertDir = tinyModelDir('bert');

function trex(args: string[]): TrexRun {
  return runTrex(args, { env, timeoutMs: 120_000, maxBuffer: 64 * 1024 * 1024 });
}

interface FillJson { masks: Array<{ index: number; start: number; end: number; candidates: Array<{ token: string; id: number; score: number; rank: number }> }>; targets: Array<{ text: string; prob: number; rank: number }>; filledText: string }
interface GenJson { text: string; finishReason: string; tokenIds: number[]; steps: Array<{ token: string; id: number; logprob: number; top: Array<{ token: string; id: number; prob: number }> }>; beams?: unknown[] }
interface PplJson { ppl: number; bpc: number; meanNll: number; tokens: Array<{ token: string; offsets: [number, number]; surprisal: number }> }

test('trex fill-mask --json: {"masks":[{"index","candidates":[{"token","id","score"}]}]}, --top-k, --targets', () => {
  const r = json<FillJson>(trex(['fill-mask', '--model', bertDir, '--top-k', '4', '--targets', 'chat, dort', '--json', 'Le chat <mask> sur le [MASK].']));
  assert.deepEqual(r.masks.map((m) => m.index), [0, 1]);
  for (const m of r.masks) {
    assert.equal(m.candidates.length, 4);
    assert.ok(m.candidates.every((c) => typeof c.token === 'string' && Number.isInteger(c.id) && c.score > 0 && c.score < 1));
    assert.ok(m.candidates[0].score >= m.candidates[3].score);
  }
  assert.deepEqual([r.masks[0].start, r.masks[0].end], [8, 14]);
  assert.deepEqual(r.targets.map((t) => t.text), ['chat', 'dort']);
  assert.ok(r.targets.every((t) => t.prob > 0 && t.rank >= 1));
  assert.ok(!r.filledText.includes('mask') && !r.filledText.includes('MASK'));
  const plain = trex(['fill-mask', '--model', bertDir, 'Le chat [MASK].']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /mask 0/);
  assertOneLineError(trex(['fill-mask', '--model', bertDir, '--json', 'Le chat dort.']), 1, /no mask in the text/);
  assertOneLineError(trex(['fill-mask', '--model', gpt2Dir, '--json', 'Le chat [MASK].']), 1, /causal model: fill-mask needs a BERT-like/);
  assertOneLineError(trex(['fill-mask', '--model', bertDir, '--top-k', 'x', 'Le [MASK]']), 2, /--top-k must be/);
});

test('trex generate --json: {"text","steps":[{"token","id","logprob","top":[…]}]} for greedy, sample and beam', () => {
  const greedy = json<GenJson>(trex(['generate', '--model', gpt2Dir, '--strategy', 'greedy', '--max-new-tokens', '6', '--json', 'Le chat']));
  assert.equal(greedy.steps.length, 6);
  assert.equal(greedy.finishReason, 'maxTokens');
  for (const s of greedy.steps) {
    assert.equal(s.top[0].id, s.id, 'greedy takes the most likely token');
    assert.ok(Math.abs(Math.exp(s.logprob) - s.top[0].prob) < 1e-9);
    assert.equal(s.top.length, 10);
  }
  const again = json<GenJson>(trex(['generate', '--model', gpt2Dir, '--max-new-tokens', '6', '--json', 'Le chat']));
  assert.equal(again.text, greedy.text, 'greedy is the default');
  const args = ['generate', '--model', gpt2Dir, '--strategy', 'sample', '--temperature', '0.8', '--top-k', '40', '--top-p', '0.9', '--seed', '7', '--max-new-tokens', '5', '--json', 'Le chat'];
  const s1 = json<GenJson>(trex(args));
  const s2 = json<GenJson>(trex(args));
  assert.deepEqual(s1.tokenIds, s2.tokenIds, 'the same seed, the same sample');
  const beam = json<GenJson>(trex(['generate', '--model', gpt2Dir, '--strategy', 'beam', '--num-beams', '3', '--length-penalty', '0.5', '--max-new-tokens', '4', '--json', 'Le chat']));
  assert.ok(Array.isArray(beam.beams) && beam.beams.length > 0);
  assert.equal(beam.steps.length, beam.tokenIds.length);
  const stopAt = greedy.text.slice(2, 4);
  const stopped = json<GenJson>(trex(['generate', '--model', gpt2Dir, '--max-new-tokens', '6', '--stop', stopAt, '--json', 'Le chat']));
  assert.equal(stopped.finishReason, 'stop');
  assert.equal(stopped.text, greedy.text.slice(0, greedy.text.indexOf(stopAt)));
  const plain = trex(['generate', '--model', gpt2Dir, '--max-new-tokens', '3', 'Le chat']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(plain.stdout.startsWith(`Le chat${json<GenJson>(trex(['generate', '--model', gpt2Dir, '--max-new-tokens', '3', '--json', 'Le chat'])).text}`));
  assertOneLineError(trex(['generate', '--model', gpt2Dir, '--strategy', 'magic', 'x']), 2, /--strategy must be one of greedy, beam, sample/);
  assertOneLineError(trex(['generate', '--model', gpt2Dir, '--top-p', '1.5', 'x']), 2, /--top-p must be/);
  assertOneLineError(trex(['generate', '--model', bertDir, '--json', 'x']), 1, /causal GPT-2-family model/);
});

test('trex perplexity --json: {"ppl","bpc","tokens":[{"token","offsets","surprisal"}]}; BERT gives pseudo-perplexity', () => {
  const text = 'Le chat dort sur le tapis.';
  const r = json<PplJson>(trex(['perplexity', '--model', gpt2Dir, '--json', text]));
  assert.ok(Math.abs(r.ppl - Math.exp(r.meanNll)) < 1e-9 * r.ppl);
  const bits = r.tokens.reduce((s, t) => s + t.surprisal, 0);
  assert.ok(Math.abs(Math.exp((bits * Math.LN2) / r.tokens.length) - r.ppl) < 1e-6 * r.ppl, 'ppl = 2^(mean surprisal)');
  assert.ok(Math.abs(r.bpc - bits / text.length) < 1e-9);
  assert.deepEqual(r.tokens[0].offsets, [0, 2]);
  assert.equal(r.tokens.map((t) => text.slice(...t.offsets)).join(''), text);
  const bert = json<PplJson & { kind: string; passes: number }>(trex(['perplexity', '--model', bertDir, '--json', text]));
  assert.equal(bert.kind, 'pseudo');
  assert.equal(bert.passes, bert.tokens.length);
  const plain = trex(['perplexity', '--model', gpt2Dir, text]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /perplexity \d/);
  const help = trex(['--help']);
  assert.match(help.stdout, /trex fill-mask/);
  assert.match(help.stdout, /trex generate/);
  assert.match(help.stdout, /trex perplexity/);
});
