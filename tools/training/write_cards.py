"""Writes the model cards (models/trex-*-kjv/README.md) and the report (docs/training.md) from the
pipeline's results (results/gpt.json, results/bert.json, results/engine.json). Run after evaluate:
  /usr/bin/python3.11 tools/training/write_cards.py
"""
import os

import common

LICENCE = """## Licence

- Training text: the King James Version of the Bible as packaged by Debian (`bible-kjv-text`),
  in the public domain.
- Weights, tokenizer and configuration: MIT, like the rest of Transformer Explorer."""


def history_table(log):
    rows = ["| epoch | training loss | validation loss | validation perplexity |", "|---:|---:|---:|---:|"]
    for h in log["history"]:
        if h["epoch"] == 0:
            rows.append(f"| 0 (initial) | – | {h['validationLoss']:.4f} | – |")
        else:
            rows.append(f"| {h['epoch']} | {h['trainLoss']:.4f} | {h['validationLoss']:.4f} | {h['validationPerplexity']:.2f} |")
    return "\n".join(rows)


def engine_row(engine, name):
    for c in engine["comparison"]:
        if c["name"] == name:
            return c
    raise KeyError(name)


def gpt_card(log, engine):
    c = log["config"]
    e = engine_row(engine, "gpt heldout perplexity")
    return f"""---
license: mit
language: en
library_name: transformers
pipeline_tag: text-generation
tags: [gpt2, causal-lm, from-scratch, transformer-explorer]
---

# trex-gpt2-kjv

A tiny GPT-2 (causal language model) trained from scratch on the King James Bible, shipped with
Transformer Explorer as its offline default for completion, surprisal and the attention viewer.
It is the GPT half of the course's from-scratch lab (CLM vs MLM on the same data); see
`docs/training.md` in the repository for the full report and `tools/training/` for the pipeline.

## Model

- Architecture: GPT-2 (`GPT2LMHeadModel`): {c['n_layer']} layers, {c['n_head']} heads, d = {c['n_embd']},
  context {c['n_positions']} tokens, GELU (tanh), pre-LayerNorm, LM head tied to the token embeddings.
- {log['parameters']:,} parameters, stored in float16 (`model.safetensors`).
- Tokenizer: byte-level BPE like GPT-2's, {log['vocabSize']:,} entries (256 bytes, the merges, `<|endoftext|>`),
  learned on the training split by Transformer Explorer's own BPE trainer.

## Training

- Data: the KJV verses (Debian `bible-kjv`), split by a seeded shuffle of the distinct verse texts
  into training (90%), validation (5%) and held-out test (5%); {log['trainTokens']:,} training tokens.
- Verses joined as `<|endoftext|> verse <|endoftext|> verse …`, blocks of {c['n_positions']} tokens, batch {log['batch']},
  {log['epochs']} epochs, AdamW (peak learning rate {log['peakLr']}, warm-up then cosine), one CPU thread.

{history_table(log)}

## Results

- Validation loss {log['final']['validationLoss']:.4f}, perplexity {log['final']['validationPerplexity']:.2f} (float16 weights).
- Held-out test ({log['heldout']['verses']:,} verses, {log['heldout']['tokens']:,} tokens, each read after `<|endoftext|>`):
  perplexity **{log['heldout']['perplexity']:.2f}** in PyTorch, {e['engine']:.2f} through Transformer Explorer's ONNX engine
  (relative difference {e['relativeDifference']:.1e}).

## Limitations

A tiny model trained for minutes on one book: it knows the vocabulary and the cadence of the
King James English, not the world. It is a teaching instrument, not a text generator to rely on.

{LICENCE}
"""


def bert_card(log, engine):
    c = log["config"]
    return f"""---
license: mit
language: en
library_name: transformers
pipeline_tag: fill-mask
tags: [bert, masked-lm, from-scratch, transformer-explorer]
---

# trex-bert-kjv

A tiny BERT (masked language model) trained from scratch on the King James Bible, shipped with
Transformer Explorer as its offline default for fill-mask and the attention viewer. It is the
BERT half of the course's from-scratch lab (CLM vs MLM on the same data); see `docs/training.md`
in the repository for the full report and `tools/training/` for the pipeline.

## Model

- Architecture: BERT (`BertForMaskedLM`): {c['num_hidden_layers']} layers, {c['num_attention_heads']} heads, d = {c['hidden_size']},
  feed-forward {c['intermediate_size']}, {c['max_position_embeddings']} positions, GELU (erf), post-LayerNorm,
  MLM head (dense, GELU, LayerNorm, decoder tied to the word embeddings + bias).
- {log['parameters']:,} parameters, stored in float16 (`model.safetensors`).
- Tokenizer: uncased WordPiece, {log['vocabSize']:,} entries (`[PAD] [UNK] [CLS] [SEP] [MASK]`, the characters,
  `##` continuation pieces), learned on the training split by Transformer Explorer's own BPE trainer.

## Training

- Data: the same KJV split as trex-gpt2-kjv; consecutive training verses packed into
  `[CLS] … [SEP]` sequences of at most {c['max_position_embeddings']} tokens ({log['trainTokens']:,} tokens).
- Dynamic masking: 15% of the tokens, of which 80% → `[MASK]`, 10% → a random token, 10% unchanged;
  batch {log['batch']}, {log['epochs']} epochs, AdamW (peak learning rate {log['peakLr']}, warm-up then cosine), one CPU thread.

{history_table(log)}

## Results

- Validation masked-LM loss {log['final']['validationLoss']:.4f}, perplexity {log['final']['validationPerplexity']:.2f} (float16 weights).
- Fill-mask on the held-out test split (one whole word masked per verse, {log['heldout']['items']:,} verses):
  top-1 accuracy **{100 * log['heldout']['top1']:.1f}%**, top-5 **{100 * log['heldout']['top5']:.1f}%** —
  identical through Transformer Explorer's ONNX engine.

## Limitations

A tiny model trained for minutes on one book: it guesses King James words from their context,
nothing more. It is a teaching instrument.

{LICENCE}
"""


def report(gpt, bert, engine):
    g, b = gpt["config"], bert["config"]
    gf, bf = gpt["final"], bert["final"]
    cmp_rows = "\n".join(
        f"| {c['name']} | {c['engine']:.6g} | {c['torch']:.6g} | {c['relativeDifference']:.1e} |" for c in engine["comparison"]
    )
    fill = "\n".join(f"| {e['text']} | {', '.join('`' + w + '`' for w in e['top5'])} |" for e in engine["examples"]["fillMask"])
    greedy = "\n".join(f"| {e['prompt'].replace('<|endoftext|>', '')} | {e['continuation'].strip()} … |" for e in engine["examples"]["greedy"])
    if bf["validationPerplexity"] > gf["validationPerplexity"]:
        reading_head = "As in the course's lab, BERT ends with the higher perplexity."
        reading_tail = ("Both curves are still going down at the last epoch: neither model has converged, and the gap "
                        "says more about sample efficiency than about which architecture is better.")
    else:
        reading_head = ("Unlike the course's lab (BERT 967 vs GPT-2 430 after 3 epochs), our BERT ends with the lower "
                        "perplexity — but only after many more epochs than the GPT.")
        reading_tail = ("Once past the plateau the bidirectional context pays: the BERT's loss falls fast and below the "
                        "GPT's. The lab's 3 epochs stopped its BERT on that plateau, which is what its table shows.")
    eg = engine_row(engine, "gpt heldout perplexity")
    return f"""# Training the embedded models: the course's CLM vs MLM lab on the King James Bible

Transformer Explorer ships two models trained from scratch, so that every feature works offline on
a model that has learned something: **trex-gpt2-kjv** (GPT-2, causal LM) and **trex-bert-kjv**
(BERT, masked LM). This is the course's from-scratch lab — GPT-2 with causal language modelling
and BERT with masked language modelling, same data, compare perplexities — redone on the King
James Bible (public domain, Debian `bible-kjv`) with Debian's PyTorch on one CPU thread. The
pipeline is `tools/training/` (see its README); every figure below is written by it
(`tools/training/write_cards.py` from `tools/training/results/*.json`).

## Data and tokenizers

- 31,102 verses; the distinct verse texts are shuffled with a fixed seed and split 90% / 5% / 5%
  into training, validation and held-out test (a repeated verse text always lands in a single
  split, so no held-out verse occurs in training — `test/unit/repo/trainedModels.test.ts` checks it).
- Both vocabularies are learned on the training split only, by **our own BPE trainer**
  (`src/engine/tokenizers/learnBpe.ts`, the algorithm of *Learn BPE from Selection*, made
  incremental so that thousands of merges on 4 MB take a few seconds):
  - GPT-2: byte-level BPE, {gpt['vocabSize']:,} entries = 256 bytes + the merges + `<|endoftext|>`;
  - BERT: uncased WordPiece, {bert['vocabSize']:,} entries = `[PAD] [UNK] [CLS] [SEP] [MASK]`, the characters
    and the merged pieces (a learned symbol at the start of a word is a word piece, any other a `##` piece).
- Our engine and Hugging Face's Rust `tokenizers` give the same ids and offsets on every verse
  with both `tokenizer.json` files. "In the beginning God created" is `In Ġthe Ġbeginning ĠGod Ġcreated`
  for the GPT and `in the beginning god created` for the BERT.

## Models and training

| | trex-gpt2-kjv | trex-bert-kjv |
|---|---|---|
| objective | causal LM (next token) | masked LM, dynamic 15% masking (80% `[MASK]`, 10% random, 10% kept) |
| architecture | GPT-2: {g['n_layer']} layers, {g['n_head']} heads, d = {g['n_embd']}, pre-LN, GELU (tanh) | BERT: {b['num_hidden_layers']} layers, {b['num_attention_heads']} heads, d = {b['hidden_size']}, FFN {b['intermediate_size']}, post-LN, GELU (erf) |
| context | {g['n_positions']} tokens | {b['max_position_embeddings']} tokens |
| parameters | {gpt['parameters']:,} (float16: {2 * gpt['parameters'] / 1e6:.1f} MB) | {bert['parameters']:,} (float16: {2 * bert['parameters'] / 1e6:.1f} MB) |
| training tokens | {gpt['trainTokens']:,} (verses joined by `<\|endoftext\|>`, blocks of 128) | {bert['trainTokens']:,} (verses packed in `[CLS] … [SEP]`) |
| schedule | {gpt['epochs']} epochs, batch {gpt['batch']}, AdamW, peak LR {gpt['peakLr']}, warm-up + cosine | {bert['epochs']} epochs, batch {bert['batch']}, AdamW, peak LR {bert['peakLr']}, warm-up + cosine |
| wall time (1 thread; the machine was shared, so it varied with its load) | {gpt['seconds'] / 60:.0f} min | {bert['seconds'] / 60:.0f} min |

Both use Hugging Face's architectures and tensor names (`GPT2LMHeadModel` with Conv1D weights
`[in, out]` and the head tied to `wte`; `BertForMaskedLM` with the MLM transform and a tied decoder
plus bias), stored as float16 `model.safetensors` next to `config.json` and `tokenizer.json`: the
extension loads them with the same code path as Hub checkpoints.

### Loss per epoch

trex-gpt2-kjv (causal LM; loss = mean cross-entropy per token, nats):

{history_table(gpt)}

![GPT-2 training and validation loss per epoch](images/training-gpt-loss.png)

trex-bert-kjv (masked LM; loss = mean cross-entropy on the masked tokens; validation uses one
fixed seeded masking):

{history_table(bert)}

![BERT training and validation loss per epoch](images/training-bert-loss.png)

## The lab's comparison

Final validation figures with the shipped float16 weights (perplexity = exp(loss)):

| model | architecture | validation loss | perplexity |
|---|---|---:|---:|
| trex-gpt2-kjv | unidirectional (causal LM) | {gf['validationLoss']:.4f} | {gf['validationPerplexity']:.2f} |
| trex-bert-kjv | bidirectional (masked LM) | {bf['validationLoss']:.4f} | {bf['validationPerplexity']:.2f} |

Course lab (Wikitext-2, 3 epochs, larger models): GPT-2 ≈ 6.06 / 430, BERT ≈ 6.87 / 967.

**Reading.** {reading_head} The two numbers do
not measure the same thing: the GPT's is the surprise at every next token given only the tokens
before it; the BERT's is the surprise at the 15% of tokens hidden in a sentence it otherwise sees
on both sides — with both sides visible, the masked word should be easier to guess, which is the
theory the lab questions. From scratch, MLM learns from only 15% of the positions per sequence
(and a tenth of those are corrupted with random tokens), where CLM gets a training signal at every
position: for the same number of tokens read, the GPT has about seven times as many predictions to
learn from. Our BERT shows the classic from-scratch MLM plateau: two first runs (peak learning
rate 0.002 for 4 epochs, then 0.001 for 3 epochs) stayed at a validation loss of ≈ 5.34, where the
model predicts the most frequent words (`the`, `,`, `and`, `of`) at every mask whatever the
context; with a longer warm-up (500 steps) and {bert['epochs']} epochs the loss leaves the plateau and the
predictions come to depend on the context (see the examples below). {reading_tail} Our
perplexities are far lower than the lab's because the King James text is small, repetitive and
formulaic ("And the LORD spake unto Moses, saying") and the vocabularies are small (≈ 4k pieces
vs 50k / 30k), so each prediction chooses among fewer, more predictable options. Their use
differs as the lab concludes: the GPT generates (completion, surprisal), the BERT fills masks and
gives bidirectional attention patterns.

## Held-out test, through our ONNX engine

The held-out verses are scored through Transformer Explorer's engine (`openModel` → the ONNX
graph built from the shipped safetensors → `runLogits`, what `trex` runs) and by PyTorch with the
same float16 weights; they agree to far better than 1e-3:

- **GPT perplexity** on the held-out split ({gpt['heldout']['verses']:,} verses, each read as
  `<|endoftext|>` + verse, {gpt['heldout']['tokens']:,} predicted tokens): **{eg['engine']:.2f}** through the engine,
  {eg['torch']:.2f} in PyTorch.
- **Fill-mask** on the held-out split (one whole word per verse replaced by `[MASK]`, the word
  chosen by a fixed rule among the words that are a single vocabulary piece, {bert['heldout']['items']:,} verses):
  top-1 accuracy **{100 * bert['heldout']['top1']:.1f}%**, top-5 **{100 * bert['heldout']['top5']:.1f}%**
  (mean −log p of the hidden word {bert['heldout']['loss']:.3f}), the same through the engine.

| figure | engine | PyTorch | relative difference |
|---|---:|---:|---:|
{cmp_rows}

(`heldoutSubset` = the first {engine['subset']} held-out verses, which `test/unit/repo/trainedModels.test.ts` recomputes
from the shipped weights at every test run.)

Examples through the engine — fill-mask, five best words:

| text | top 5 |
|---|---|
{fill}

Greedy completion (most likely next token, 16 times, the prompt read after `<|endoftext|>`):

| prompt | continuation |
|---|---|
{greedy}

## Reproducing

```sh
node tools/training/run.mjs prepare
/usr/bin/python3.11 tools/training/train_gpt.py
/usr/bin/python3.11 tools/training/train_bert.py
node tools/training/run.mjs evaluate
/usr/bin/python3.11 tools/training/write_cards.py
```

The split and the tokenizers are reproduced exactly (the unit test learns the tokenizers again
from the regenerated split and compares them with the shipped files); PyTorch runs seeded on one
thread with deterministic algorithms, so the losses are reproduced to within floating-point noise.

Licence: the King James text is in the public domain; the weights and tokenizers are MIT, like the
rest of Transformer Explorer.
"""


def main():
    engine = common.read_json(os.path.join(common.RESULTS, "engine.json"))
    gpt = common.read_json(os.path.join(common.RESULTS, "gpt.json"))
    bert = common.read_json(os.path.join(common.RESULTS, "bert.json"))
    with open(os.path.join(common.GPT_DIR, "README.md"), "w", encoding="utf-8") as f:
        f.write(gpt_card(gpt, engine))
    with open(os.path.join(common.BERT_DIR, "README.md"), "w", encoding="utf-8") as f:
        f.write(bert_card(bert, engine))
    with open(os.path.join(common.ROOT, "docs", "training.md"), "w", encoding="utf-8") as f:
        f.write(report(gpt, bert, engine))


if __name__ == "__main__":
    main()
