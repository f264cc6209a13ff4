"""Trains the tiny BERT (masked LM) from scratch on the KJV training split and ships it in the
Hugging Face layout (models/trex-bert-kjv/: config.json, model.safetensors in float16).

The model is python/trex_models.py's BertForMaskedLM (the one the extension trains from the user's
text), with HF's tensor names: word + position + token-type
embeddings → LayerNorm; post-LayerNorm layers LN(x + attn(x)), LN(h + W2 gelu(W1 h)) with the exact
(erf) GELU; MLM head dense → GELU → LayerNorm → decoder tied to the word embeddings + its own bias.
nn.Linear weights are [out, in], as in HF.

Data: consecutive training verses packed into sequences `[CLS] verse verse … [SEP]` of at most 128
tokens. Masking is dynamic (new masks at every batch, as HF's DataCollatorForLanguageModeling):
15% of the tokens, of which 80% become [MASK], 10% a random token and 10% stay as they are; the
loss is the cross-entropy on those 15% only (so the output layer is computed only there).

Usage (after `node tools/training/run.mjs prepare`):
  /usr/bin/python3.11 tools/training/train_bert.py   # ~30 min on one idle core
Writes tools/training/results/bert.json (losses per epoch, held-out fill-mask accuracy), docs/images/training-bert-loss.png.
"""
import json
import math
import os
import time

import torch
import torch.nn.functional as F

import common
import trex_models as tm  # python/, on the path through common

SEED = 4321
CONFIG = dict(num_hidden_layers=3, num_attention_heads=4, hidden_size=128, intermediate_size=512,
              max_position_embeddings=128, type_vocab_size=2, layer_norm_eps=1e-12)
BATCH = 16
EPOCHS = 16
PEAK_LR = 1e-3
WARMUP = 500
# Another folder for the outputs (model, results, curve, log), to compare runs before shipping one.


def pack(verses, cls, sep, limit):
    seqs, cur = [], []
    for v in verses:
        v = v[: limit - 2]
        if cur and len(cur) + len(v) > limit - 2:
            seqs.append([cls] + cur + [sep])
            cur = []
        cur = cur + v
    if cur:
        seqs.append([cls] + cur + [sep])
    return seqs


def pad_batch(seqs, pad):
    t = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), t), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), t), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def mlm_loss(model, inputs, attention, selected, targets, reduction="mean"):
    hidden = model.bert(inputs, attention)
    return F.cross_entropy(model.head(hidden[selected]), targets, reduction=reduction)


def validation_loss(model, seqs, specials, vocab, pad):
    """Masked-LM loss on the validation split with one fixed masking (seeded)."""
    g = torch.Generator().manual_seed(99)
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(seqs), 32):
            ids, attention = pad_batch(seqs[i : i + 32], pad)
            inputs, selected, targets = tm.mask_tokens(ids, attention, specials, vocab, g)
            total += mlm_loss(model, inputs, attention, selected, targets, "sum").item()
            count += targets.numel()
    model.train()
    return total / count


def fill_mask(model, items):
    """Top-1 / top-5 accuracy and mean -log p(word) at the [MASK] of each held-out item."""
    model.eval()
    top1 = top5 = 0
    nll = 0.0
    with torch.no_grad():
        for item in items:
            ids = torch.tensor([item["ids"]])
            row = model(ids, torch.ones_like(ids))[0, item["position"]]
            best = torch.topk(row, 5).indices.tolist()
            top1 += best[0] == item["target"]
            top5 += item["target"] in best
            nll -= torch.log_softmax(row.double(), dim=-1)[item["target"]].item()
    n = len(items)
    return {"items": n, "top1": top1 / n, "top5": top5 / n, "loss": nll / n}


def main():
    common.setup(SEED)
    data = common.read_json(os.path.join(common.WORK, "bert-data.json"))
    vocab, specials = data["vocabSize"], data["specials"]
    limit, pad = CONFIG["max_position_embeddings"], specials["[PAD]"]
    train = pack(data["train"], specials["[CLS]"], specials["[SEP]"], limit)
    val = pack(data["validation"], specials["[CLS]"], specials["[SEP]"], limit)
    model = tm.BertForMaskedLM(vocab, CONFIG)
    params = sum(p.numel() for p in model.parameters())
    steps_per_epoch, epochs = common.schedule(len(train) // BATCH, EPOCHS)
    total = steps_per_epoch * epochs
    opt = common.adamw(model, PEAK_LR)
    g = torch.Generator().manual_seed(SEED)
    log = {"model": "trex-bert-kjv", "config": CONFIG, "vocabSize": vocab, "parameters": params, "batch": BATCH, "epochs": EPOCHS,
           "peakLr": PEAK_LR, "seed": SEED, "trainSequences": len(train), "trainTokens": sum(map(len, train)),
           "validationTokens": sum(map(len, val)), "history": []}
    print(f"bert: {params} parameters, {len(train)} training sequences, {steps_per_epoch} steps/epoch", flush=True)
    log["history"].append({"epoch": 0, "validationLoss": validation_loss(model, val, specials, vocab, pad)})
    step = 0
    start = time.time()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(train), generator=g).tolist()
        running, n = 0.0, 0
        for s in range(steps_per_epoch):
            ids, attention = pad_batch([train[j] for j in order[s * BATCH : (s + 1) * BATCH]], pad)
            inputs, selected, targets = tm.mask_tokens(ids, attention, specials, vocab, g)
            loss = mlm_loss(model, inputs, attention, selected, targets)
            common.train_step(opt, model, loss, common.lr_at(step, total, PEAK_LR, WARMUP))
            running += loss.item()
            n += 1
            step += 1
            if step % 50 == 0:
                print(f"bert: epoch {epoch} step {step}/{total} loss {running / n:.4f} ({(time.time() - start) / step:.2f} s/step)", flush=True)
        v = validation_loss(model, val, specials, vocab, pad)
        log["history"].append({"epoch": epoch, "trainLoss": running / n, "validationLoss": v, "validationPerplexity": math.exp(v)})
        log["seconds"] = round(time.time() - start)
        common.write_json(common.out_path(common.WORK, "bert-log.json"), log)
        print(f"bert: epoch {epoch}: train {running / n:.4f}, validation {v:.4f} (ppl {math.exp(v):.2f})", flush=True)

    common.round_to_float16(model)
    final = validation_loss(model, val, specials, vocab, pad)
    log["final"] = {"validationLoss": final, "validationPerplexity": math.exp(final), "weights": "float16"}
    items = common.read_json(os.path.join(common.WORK, "eval-items.json"))["fillMask"]
    log["heldout"] = fill_mask(model, items)
    log["heldoutSubset"] = fill_mask(model, items[: common.TEST_SUBSET])
    model_dir = common.out_path(os.path.dirname(common.BERT_DIR), "trex-bert-kjv")
    os.makedirs(model_dir, exist_ok=True)
    config = tm.bert_hf_config(vocab, CONFIG, pad, "float16")
    common.write_json(os.path.join(model_dir, "config.json"), config)
    common.save_safetensors(os.path.join(model_dir, "model.safetensors"), dict(model.named_parameters()))
    common.write_json(common.out_path(common.RESULTS, "bert.json"), log)
    common.plot_history(common.out_path(common.IMAGES, "training-bert-loss.png"), "trex-bert-kjv, masked LM", log)
    print(json.dumps({"final": log["final"], "heldout": log["heldout"]}), flush=True)


if __name__ == "__main__":
    main()
