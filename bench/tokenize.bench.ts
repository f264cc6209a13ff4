/**
 * `npm run bench` (tokenization part): GPT-2 byte-level BPE on the same ~1 MB corpus as the unit
 * tests (English, code, French, Unicode stress), in one run —
 *   our tokenization WITH offsets, vs the Rust `tokenizers` package (with offsets), vs js-tiktoken
 *   (gpt2 ranks, ids only), vs tokenizers.js's own encode (ids only);
 * then the latency of a hover: `tokensAt` at random positions of 200-character lines.
 * One warm-up pass each, then timed repeats; the median and best are shown. Nothing is asserted.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { loadTokenizer } from '../src/engine/tokenizers/load';
import { tokensAt } from '../src/engine/tokenizers/tokensAt';
import { createHfTokenizer } from '../src/engine/tokenizers/hfTokenizers';
import { buildTokenizer } from '../src/engine/tokenizers/buildTokenizer';
import { buildCorpus } from '../test/support/referenceCorpus';
import { seededRandom } from '../test/support/unicodeStress';
import { bundledJsonPath, rust } from '../test/support/rustReference';

interface TiktokenLike {
  encode(text: string, allowedSpecial?: 'all'): number[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tiktoken } = require('js-tiktoken/lite') as { Tiktoken: new (ranks: unknown) => TiktokenLike };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gpt2Ranks = require('js-tiktoken/ranks/gpt2') as unknown;

const REPEATS = Number(process.env.TREX_BENCH_REPEATS ?? 5);

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

async function timed(run: () => Promise<void> | void): Promise<number[]> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = now();
    await run();
    times.push(now() - t0);
  }
  return times;
}

/** Like timed, with an untimed `setup` before each pass (and no warm-up). */
function timedCold<T>(setup: () => T, run: (state: T) => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const state = setup();
    const t0 = now();
    run(state);
    times.push(now() - t0);
  }
  return times;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

async function main(): Promise<void> {
  const corpus = buildCorpus();
  const texts = corpus.chunks.map((c) => c.text);
  const mb = corpus.bytes / 1e6;
  const ours = await loadTokenizer('gpt2');
  const reference = rust.Tokenizer.fromFile(bundledJsonPath('gpt2')) as unknown as {
    encode(t: string, p: null, o: { addSpecialTokens: boolean }): Promise<{ getIds(): number[]; getOffsets(): number[][] }>;
    encodeBatch(t: string[], o: { addSpecialTokens: boolean }): Promise<Array<{ getIds(): number[]; getOffsets(): number[][] }>>;
  };
  const tiktoken = new Tiktoken(gpt2Ranks);
  const hf = createHfTokenizer(JSON.parse(readFileSync(bundledJsonPath('gpt2'), 'utf8')) as object);

  let agree = 0;
  for (const t of texts) if (JSON.stringify(ours.encode(t).tokens.map((x) => x.id)) === JSON.stringify(tiktoken.encode(t, 'all'))) agree++;

  const rows: Array<[string, number[]]> = [];
  rows.push(['ours (trex engine), with offsets', await timed(() => texts.forEach((t) => ours.encode(t)))]);
  const gpt2Json = JSON.parse(readFileSync(bundledJsonPath('gpt2'), 'utf8')) as object;
  rows.push([
    'ours, with offsets, cold word caches (fresh tokenizer)',
    timedCold(
      () => buildTokenizer(gpt2Json, { id: 'gpt2', source: 'bundled', where: 'gpt2' }),
      (fresh) => texts.forEach((t) => fresh.encode(t)),
    ),
  ]);
  rows.push([
    'Rust tokenizers, with offsets (one call per chunk)',
    await timed(async () => {
      for (const t of texts) (await reference.encode(t, null, { addSpecialTokens: false })).getOffsets();
    }),
  ]);
  rows.push([
    'Rust tokenizers, with offsets (encodeBatch, all cores)',
    await timed(async () => {
      for (const e of await reference.encodeBatch(texts, { addSpecialTokens: false })) e.getOffsets();
    }),
  ]);
  rows.push(['js-tiktoken gpt2 ranks, ids only', await timed(() => texts.forEach((t) => tiktoken.encode(t, 'all')))]);
  rows.push(['tokenizers.js encode, ids only', await timed(() => texts.forEach((t) => hf.encode(t, { add_special_tokens: false })))]);

  console.log(`\nGPT-2 tokenization of ${corpus.bytes.toLocaleString('en')} bytes (${corpus.chunks.length} chunks ≤ 4 KB), ${REPEATS} timed repeats after a warm-up`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`ids equal to js-tiktoken's on ${agree}/${texts.length} chunks\n`);
  console.log(`${pad('tokenizer', 56)}${pad('median MB/s', 13)}${pad('best MB/s', 11)}median ms`);
  for (const [name, times] of rows) {
    const sorted = [...times].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    console.log(`${pad(name, 56)}${pad((mb / (median / 1000)).toFixed(2), 13)}${pad((mb / (sorted[0] / 1000)).toFixed(2), 11)}${median.toFixed(0)}`);
  }

  // Hover: 2000 calls at random positions of 200-character lines.
  const random = seededRandom(7);
  const prose = texts.filter((_, i) => corpus.chunks[i].source === 'english').join(' ').replace(/\s+/g, ' ');
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const at = Math.floor(random() * (prose.length - 200));
    lines.push(prose.slice(at, at + 200));
  }
  const hover = (lineFor: (i: number) => string): number[] => {
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const line = lineFor(i);
      const offset = Math.floor(random() * line.length);
      const t0 = now();
      tokensAt(ours, line, offset);
      times.push(now() - t0);
    }
    return times.sort((a, b) => a - b);
  };
  hover((i) => lines[i]); // warm-up (fills the per-word caches)
  const same = hover(() => lines[0]);
  const fresh = hover((i) => `${lines[i].slice(1)}.`); // lines never seen: each call encodes its line
  console.log('\nhover: tokensAt on a 200-character line, 2000 calls at random positions');
  console.log(`${pad('', 56)}${pad('p50 ms', 13)}${pad('p95 ms', 11)}max ms`);
  for (const [name, t] of [['same line (its encoding cached)', same], ['a new line each call (encodes the line)', fresh]] as const) {
    console.log(`${pad(name, 56)}${pad(quantile(t, 0.5).toFixed(3), 13)}${pad(quantile(t, 0.95).toFixed(3), 11)}${t[t.length - 1].toFixed(3)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
