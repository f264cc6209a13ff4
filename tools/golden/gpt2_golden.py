"""Golden GPT-2 outputs from an independent PyTorch implementation (Radford et al. 2019).

Written from the published architecture with torch.nn blocks, not from our ONNX builder:
token + learned position embeddings; per block x + attn(ln_1(x)), then x + mlp(ln_2(x));
causal softmax(q k^T / sqrt(head_dim)); MLP with the tanh-approximated GELU; final
LayerNorm; LM head tied to the token embedding. HF stores Conv1D weights [in, out], so they
are transposed into nn.Linear's [out, in]. Computed in float64 for a clean reference.

Each case also holds `inside`, the numbers of the inside-the-model views (issue 14): per layer the
attention's input x = ln_1(h), q, k, v per head, the scaled scores q k^T / sqrt(d_k) before the
mask, the probabilities, the head outputs (softmax V) and the projected attention output; the
hidden states (Hugging Face's convention: embeddings, each block's output, the last one after
ln_f); the logit lens (row r < L: ln_f(h_r) through the tied head, row L: the model's logits;
target: the next token); and the embedding similarities (golden_common.py).

Usage:
  node tools/golden/dump-weights.mjs test/fixtures/tiny-models/gpt2-tiny.spec.json /tmp/gpt2-w.json
  /usr/bin/python3.11 tools/golden/gpt2_golden.py /tmp/gpt2-w.json test/fixtures/tiny-models/gpt2-golden.json
"""
import json
import math
import sys

import torch
from torch import nn
import torch.nn.functional as F

from golden_common import lens_fields, logit_fields, rounded, similarity_fields, write_golden

torch.set_default_dtype(torch.float64)


class Block(nn.Module):
    def __init__(self, d, n_head, eps):
        super().__init__()
        self.n_head = n_head
        self.ln_1 = nn.LayerNorm(d, eps=eps)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d, eps=eps)
        self.fc = nn.Linear(d, 4 * d)
        self.fc_out = nn.Linear(4 * d, d)

    def attention(self, x):
        b, t, d = x.shape
        hd = d // self.n_head
        q, k, v = self.qkv(x).split(d, dim=2)
        heads = lambda z: z.view(b, t, self.n_head, hd).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        scores = q @ k.transpose(-2, -1) / math.sqrt(hd)
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        probs = torch.softmax(scores.masked_fill(~causal, float("-inf")), dim=-1)
        heads_out = probs @ v
        out = heads_out.transpose(1, 2).reshape(b, t, d)
        projected = self.proj(out)
        return projected, probs, {"query": q, "key": k, "value": v, "scores": scores, "attentions": probs, "headOutputs": heads_out, "attnOutput": projected}

    def forward(self, x):
        attn_input = self.ln_1(x)
        a, probs, inside = self.attention(attn_input)
        x = x + a
        x = x + self.fc_out(F.gelu(self.fc(self.ln_2(x)), approximate="tanh"))
        return x, probs, {"attnInput": attn_input, **inside}


class GPT2(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["nEmbd"]
        self.tok = nn.Embedding(c["vocabSize"], d)
        self.pos = nn.Embedding(c["nPositions"], d)
        self.blocks = nn.ModuleList(Block(d, c["nHead"], c["layerNormEpsilon"]) for _ in range(c["nLayer"]))
        self.ln_f = nn.LayerNorm(d, eps=c["layerNormEpsilon"])

    def forward(self, ids):
        x = self.tok(ids) + self.pos(torch.arange(ids.shape[1]))[None]
        attentions = []
        residuals = [x]
        layers = []
        for block in self.blocks:
            x, probs, inside = block(x)
            attentions.append(probs)
            residuals.append(x)
            layers.append(inside)
        logits = self.ln_f(x) @ self.tok.weight.T
        return logits, attentions, {"residuals": residuals, "layers": layers}

    def inside(self, ids, logits, internals):
        """The inside-the-model fields of one sequence (batch of one)."""
        residuals, layers = internals["residuals"], internals["layers"]
        L = len(self.blocks)
        hidden = torch.stack([*(h[0] for h in residuals[:L]), self.ln_f(residuals[L])[0]])
        lens_rows = torch.stack([*(self.ln_f(h[0]) @ self.tok.weight.T for h in residuals[:L]), logits[0]])
        per_layer = lambda name: rounded([layer[name][0].tolist() for layer in layers])
        ids = ids[0].tolist()
        return {
            **{name: per_layer(name) for name in ("attnInput", "query", "key", "value", "scores", "attentions", "headOutputs", "attnOutput")},
            "hiddenStates": rounded(hidden.tolist()),
            "lens": lens_fields(lens_rows, [*ids[1:], -1]),
            "similarity": similarity_fields(hidden, ids, self.tok.weight),
        }


def load(model, tensors):
    t = lambda name: torch.tensor(tensors[name]["data"], dtype=torch.float32).to(torch.float64).view(*tensors[name]["dims"])
    with torch.no_grad():
        model.tok.weight.copy_(t("wte.weight"))
        model.pos.weight.copy_(t("wpe.weight"))
        for i, blk in enumerate(model.blocks):
            p = f"h.{i}."
            for ln, name in ((blk.ln_1, "ln_1"), (blk.ln_2, "ln_2")):
                ln.weight.copy_(t(p + name + ".weight"))
                ln.bias.copy_(t(p + name + ".bias"))
            for lin, name in ((blk.qkv, "attn.c_attn"), (blk.proj, "attn.c_proj"), (blk.fc, "mlp.c_fc"), (blk.fc_out, "mlp.c_proj")):
                lin.weight.copy_(t(p + name + ".weight").T)  # Conv1D [in, out] -> Linear [out, in]
                lin.bias.copy_(t(p + name + ".bias"))
        model.ln_f.weight.copy_(t("ln_f.weight"))
        model.ln_f.bias.copy_(t("ln_f.bias"))



def main(weights_path, out_path):
    dump = json.load(open(weights_path))
    spec = dump["spec"]
    model = GPT2(spec["config"])
    load(model, dump["tensors"])
    cases = []
    with torch.no_grad():
        for ids in spec["inputs"]:
            input_ids = torch.tensor([ids])
            logits, attentions, internals = model(input_ids)
            cases.append({
                "inputIds": ids,
                **logit_fields(logits[0], spec),
                "attentions": rounded([a[0].tolist() for a in attentions]),
                "inside": model.inside(input_ids, logits, internals),
            })
    write_golden(out_path, "tools/golden/gpt2_golden.py", spec, cases)


if __name__ == "__main__":
    main(*sys.argv[1:])
