"""Trains the tiny GPT-2 (causal LM) from scratch on the KJV training split and ships it in the
Hugging Face layout (models/trex-gpt2-kjv/: config.json, model.safetensors in float16).

The model is python/trex_models.py's Gpt2, the one the extension trains from the user's text:
GPT-2 with HF's tensor names, so the engine's loader reads it as any Hub checkpoint: token + learned position embeddings, pre-LayerNorm blocks x + attn(ln_1(x)) and
x + mlp(ln_2(x)), causal attention, MLP with GELU (tanh approximation, `gelu_new`), final ln_f,
LM head tied to wte. Conv1D weights are stored [in, out] as in HF.

Data: the training verses as one stream `<|endoftext|> verse <|endoftext|> verse …`, cut into
blocks of 128 (+1 for the shifted targets) from a random offset each epoch.

Usage (after `node tools/training/run.mjs prepare`):
  /usr/bin/python3.11 tools/training/train_gpt.py   # ~15 min on one idle core
Writes tools/training/results/gpt.json (losses per epoch, held-out perplexity), docs/images/gpt-loss.png.
"""
import json
import math
import os
import time

import torch
import torch.nn.functional as F

import common
import trex_models as tm  # python/, on the path through common

SEED = 1234
CONFIG = dict(n_layer=3, n_head=4, n_embd=128, n_positions=128, layer_norm_epsilon=1e-5)
BATCH = 16
EPOCHS = 3
PEAK_LR = 2e-3
WARMUP = 100


def blocks(stream, offset, size):
    n = (len(stream) - offset - 1) // size
    data = torch.tensor(stream[offset : offset + n * size + 1])
    return torch.stack([data[i * size : (i + 1) * size + 1] for i in range(n)])


def mean_loss(model, chunks):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(chunks), 32):
            batch = chunks[i : i + 32]
            logits = model(batch[:, :-1])
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1), reduction="sum").item()
            count += batch[:, 1:].numel()
    model.train()
    return total / count


def heldout_perplexity(model, items):
    """exp(mean NLL) of every verse token after `<|endoftext|>`, one verse at a time (as the engine reads them)."""
    model.eval()
    nll, count = 0.0, 0
    with torch.no_grad():
        for ids in items:
            x = torch.tensor([ids])
            logp = torch.log_softmax(model(x)[0, :-1].double(), dim=-1)
            nll -= logp.gather(1, x[0, 1:, None]).sum().item()
            count += len(ids) - 1
    return {"verses": len(items), "tokens": count, "loss": nll / count, "perplexity": math.exp(nll / count)}


def main():
    common.setup(SEED)
    data = common.read_json(os.path.join(common.WORK, "gpt-data.json"))
    vocab, eot = data["vocabSize"], data["eot"]
    stream = [t for verse in data["train"] for t in [eot] + verse]
    val_stream = [t for verse in data["validation"] for t in [eot] + verse]
    val_chunks = blocks(val_stream, 0, CONFIG["n_positions"])
    model = tm.Gpt2(vocab, CONFIG)
    params = sum(p.numel() for p in model.parameters())
    steps_per_epoch, epochs = common.schedule((len(stream) - 1) // CONFIG["n_positions"] // BATCH, EPOCHS)
    total = steps_per_epoch * epochs
    opt = common.adamw(model, PEAK_LR)
    g = torch.Generator().manual_seed(SEED)
    log = {"model": "trex-gpt2-kjv", "config": CONFIG, "vocabSize": vocab, "parameters": params, "batch": BATCH, "epochs": EPOCHS,
           "peakLr": PEAK_LR, "seed": SEED, "trainTokens": len(stream), "validationTokens": len(val_stream), "history": []}
    print(f"gpt: {params} parameters, {len(stream)} training tokens, {steps_per_epoch} steps/epoch", flush=True)
    initial = mean_loss(model, val_chunks)
    log["history"].append({"epoch": 0, "validationLoss": initial})
    step = 0
    start = time.time()
    for epoch in range(1, epochs + 1):
        offset = int(torch.randint(0, CONFIG["n_positions"], (1,), generator=g))
        chunks = blocks(stream, offset, CONFIG["n_positions"])
        order = torch.randperm(len(chunks), generator=g)
        running, n = 0.0, 0
        for s in range(steps_per_epoch):
            batch = chunks[order[s * BATCH : (s + 1) * BATCH]]
            logits = model(batch[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, vocab), batch[:, 1:].reshape(-1))
            common.train_step(opt, model, loss, common.lr_at(step, total, PEAK_LR, WARMUP))
            running += loss.item()
            n += 1
            step += 1
            if step % 50 == 0:
                print(f"gpt: epoch {epoch} step {step}/{total} loss {running / n:.4f} ({(time.time() - start) / step:.2f} s/step)", flush=True)
        val = mean_loss(model, val_chunks)
        log["history"].append({"epoch": epoch, "trainLoss": running / n, "validationLoss": val, "validationPerplexity": math.exp(val)})
        log["seconds"] = round(time.time() - start)
        common.write_json(common.out_path(common.WORK, "gpt-log.json"), log)
        print(f"gpt: epoch {epoch}: train {running / n:.4f}, validation {val:.4f} (ppl {math.exp(val):.2f})", flush=True)

    common.round_to_float16(model)
    final = mean_loss(model, val_chunks)
    log["final"] = {"validationLoss": final, "validationPerplexity": math.exp(final), "weights": "float16"}
    items = common.read_json(os.path.join(common.WORK, "eval-items.json"))["perplexity"]
    log["heldout"] = heldout_perplexity(model, items)
    log["heldoutSubset"] = heldout_perplexity(model, items[: common.TEST_SUBSET])
    model_dir = common.out_path(os.path.dirname(common.GPT_DIR), "trex-gpt2-kjv")
    os.makedirs(model_dir, exist_ok=True)
    config = tm.gpt2_hf_config(vocab, CONFIG, eot, "float16")
    common.write_json(os.path.join(model_dir, "config.json"), config)
    common.save_safetensors(os.path.join(model_dir, "model.safetensors"), tm.hf_tensors(model))
    common.write_json(common.out_path(common.RESULTS, "gpt.json"), log)
    common.plot_history(common.out_path(common.IMAGES, "training-gpt-loss.png"), "trex-gpt2-kjv, causal LM", log)
    print(json.dumps({"final": log["final"], "heldout": log["heldout"]}), flush=True)


if __name__ == "__main__":
    main()
