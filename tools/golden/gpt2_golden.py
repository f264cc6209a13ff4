"""Golden GPT-2 outputs from an independent PyTorch implementation (Radford et al. 2019).

Written from the published architecture with torch.nn blocks, not from our ONNX builder:
token + learned position embeddings; per block x + attn(ln_1(x)), then x + mlp(ln_2(x));
causal softmax(q k^T / sqrt(head_dim)); MLP with the tanh-approximated GELU; final
LayerNorm; LM head tied to the token embedding. HF stores Conv1D weights [in, out], so they
are transposed into nn.Linear's [out, in]. Computed in float64 for a clean reference.

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
        out = (probs @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(out), probs

    def forward(self, x):
        a, probs = self.attention(self.ln_1(x))
        x = x + a
        x = x + self.fc_out(F.gelu(self.fc(self.ln_2(x)), approximate="tanh"))
        return x, probs


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
        for block in self.blocks:
            x, probs = block(x)
            attentions.append(probs)
        return self.ln_f(x) @ self.tok.weight.T, attentions


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


def rounded(x):
    return [rounded(v) for v in x] if isinstance(x, list) else float(f"{x:.8g}")


def logit_fields(logits, spec):
    """Full logits for small vocabularies; for a real one (50,257 columns) a few columns, and per
    row the log-sum-exp over all columns and the argmax, to keep the golden file small."""
    if "logitColumns" not in spec:
        return {"logits": rounded(logits.tolist())}
    cols = spec["logitColumns"]
    return {
        "logitColumns": cols,
        "logitsAtColumns": rounded(logits[:, cols].tolist()),
        "logsumexp": rounded(torch.logsumexp(logits, dim=-1).tolist()),
        "argmax": logits.argmax(dim=-1).tolist(),
    }


def main(weights_path, out_path):
    dump = json.load(open(weights_path))
    spec = dump["spec"]
    model = GPT2(spec["config"])
    load(model, dump["tensors"])
    cases = []
    with torch.no_grad():
        for ids in spec["inputs"]:
            logits, attentions = model(torch.tensor([ids]))
            cases.append({
                "inputIds": ids,
                **logit_fields(logits[0], spec),
                "attentions": rounded([a[0].tolist() for a in attentions]),
            })
    golden = {"generator": "tools/golden/gpt2_golden.py (torch %s, float64)" % torch.__version__, "seed": spec["seed"], "config": spec["config"], "cases": cases}
    with open(out_path, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
