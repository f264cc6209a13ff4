"""Trains the tiny BERT (masked LM) from scratch on the KJV training split and ships it in the
Hugging Face layout (models/trex-bert-kjv/: config.json, model.safetensors in float16).

The architecture is BertForMaskedLM's, with HF's tensor names: word + position + token-type
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
from torch import nn

import common

SEED = 4321
CONFIG = dict(num_hidden_layers=3, num_attention_heads=4, hidden_size=128, intermediate_size=512,
              max_position_embeddings=128, type_vocab_size=2, layer_norm_eps=1e-12)
BATCH = 16
EPOCHS = 16
PEAK_LR = 1e-3
WARMUP = 500
# Another folder for the outputs (model, results, curve, log), to compare runs before shipping one.
MASK_SHARE, MASK_AS_MASK, MASK_AS_RANDOM = 0.15, 0.8, 0.1


class Embeddings(nn.Module):
    def __init__(self, vocab, c):
        super().__init__()
        d = c["hidden_size"]
        self.word_embeddings = nn.Embedding(vocab, d)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], d)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], d)
        self.LayerNorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def forward(self, ids, types):
        pos = torch.arange(ids.shape[1])
        return self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(types))


class SelfAttention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)


class Dense(nn.Module):
    def __init__(self, n_in, n_out, eps=None):
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)
        if eps is not None:
            self.LayerNorm = nn.LayerNorm(n_out, eps=eps)


class Attention(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.self = SelfAttention(d)
        self.output = Dense(d, d, eps)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, eps = c["hidden_size"], c["layer_norm_eps"]
        self.n_head = c["num_attention_heads"]
        self.attention = Attention(d, eps)
        self.intermediate = Dense(d, c["intermediate_size"])
        self.output = Dense(c["intermediate_size"], d, eps)

    def forward(self, x, key_bias):
        b, t, d = x.shape
        hd = d // self.n_head
        sa = self.attention.self
        heads = lambda z: z.view(b, t, self.n_head, hd).transpose(1, 2)
        q, k, v = heads(sa.query(x)), heads(sa.key(x)), heads(sa.value(x))
        probs = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(hd) + key_bias, dim=-1)
        a = self.attention.output.dense((probs @ v).transpose(1, 2).reshape(b, t, d))
        h = self.attention.output.LayerNorm(x + a)
        f = self.output.dense(F.gelu(self.intermediate.dense(h)))
        return self.output.LayerNorm(h + f)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))


class Bert(nn.Module):
    def __init__(self, vocab, c):
        super().__init__()
        self.embeddings = Embeddings(vocab, c)
        self.encoder = Encoder(c)

    def forward(self, ids, attention_mask):
        x = self.embeddings(ids, torch.zeros_like(ids))
        key_bias = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.encoder.layer:
            x = layer(x, key_bias)
        return x


class Transform(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.dense = nn.Linear(d, d)
        self.LayerNorm = nn.LayerNorm(d, eps=eps)


class Predictions(nn.Module):
    def __init__(self, vocab, d, eps):
        super().__init__()
        self.transform = Transform(d, eps)
        self.bias = nn.Parameter(torch.zeros(vocab))


class Cls(nn.Module):
    def __init__(self, vocab, d, eps):
        super().__init__()
        self.predictions = Predictions(vocab, d, eps)


class BertForMaskedLM(nn.Module):
    def __init__(self, vocab, c):
        super().__init__()
        self.bert = Bert(vocab, c)
        self.cls = Cls(vocab, c["hidden_size"], c["layer_norm_eps"])
        for name, p in self.named_parameters():
            if "LayerNorm.weight" in name:
                nn.init.ones_(p)
            elif p.dim() == 1:
                nn.init.zeros_(p)
            else:
                nn.init.normal_(p, std=0.02)

    def head(self, hidden):
        """MLM logits of the given hidden states (decoder tied to the word embeddings)."""
        t = self.cls.predictions.transform
        h = t.LayerNorm(F.gelu(t.dense(hidden)))
        return h @ self.bert.embeddings.word_embeddings.weight.T + self.cls.predictions.bias

    def forward(self, ids, attention_mask):
        return self.head(self.bert(ids, attention_mask))


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


def mask_tokens(ids, attention, specials, vocab, g):
    """Dynamic 15% / 80-10-10 masking → (inputs, positions selected, their targets)."""
    maskable = attention.bool() & (ids != specials["[CLS]"]) & (ids != specials["[SEP]"])
    selected = (torch.rand(ids.shape, generator=g) < MASK_SHARE) & maskable
    if not selected.any():
        selected[0, 1] = True
    r = torch.rand(ids.shape, generator=g)
    inputs = ids.clone()
    inputs[selected & (r < MASK_AS_MASK)] = specials["[MASK]"]
    random_tokens = torch.randint(len(specials), vocab, ids.shape, generator=g)
    as_random = selected & (r >= MASK_AS_MASK) & (r < MASK_AS_MASK + MASK_AS_RANDOM)
    inputs[as_random] = random_tokens[as_random]
    return inputs, selected, ids[selected]


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
            inputs, selected, targets = mask_tokens(ids, attention, specials, vocab, g)
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
    model = BertForMaskedLM(vocab, CONFIG)
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
            inputs, selected, targets = mask_tokens(ids, attention, specials, vocab, g)
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
    c = CONFIG
    config = {
        "model_type": "bert", "architectures": ["BertForMaskedLM"], "vocab_size": vocab,
        "hidden_size": c["hidden_size"], "num_hidden_layers": c["num_hidden_layers"], "num_attention_heads": c["num_attention_heads"],
        "intermediate_size": c["intermediate_size"], "hidden_act": "gelu", "max_position_embeddings": c["max_position_embeddings"],
        "type_vocab_size": c["type_vocab_size"], "layer_norm_eps": c["layer_norm_eps"], "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0, "initializer_range": 0.02, "pad_token_id": pad,
        "position_embedding_type": "absolute", "tie_word_embeddings": True, "torch_dtype": "float16",
    }
    common.write_json(os.path.join(model_dir, "config.json"), config)
    common.save_safetensors(os.path.join(model_dir, "model.safetensors"), dict(model.named_parameters()))
    common.write_json(common.out_path(common.RESULTS, "bert.json"), log)
    common.plot_history(common.out_path(common.IMAGES, "training-bert-loss.png"), "trex-bert-kjv, masked LM", log)
    print(json.dumps({"final": log["final"], "heldout": log["heldout"]}), flush=True)


if __name__ == "__main__":
    main()
