"""Golden masked-LM outputs of BERT, RoBERTa and DistilBERT from an independent PyTorch implementation.

Written from the published architectures (Devlin et al. 2019; Liu et al. 2019; Sanh et al. 2019)
with torch.nn blocks, not from our ONNX builder: word + position (+ token type) embeddings and
LayerNorm; post-LayerNorm blocks x = LN(x + MHA(x)), x = LN(x + W2 gelu_erf(W1 x)) using
nn.MultiheadAttention (padding as key_padding_mask, per-head weights); MLM head dense -> GELU ->
LayerNorm -> decoder tied to the word embeddings + bias. RoBERTa numbers positions from
padding_idx + 1 and gives padding the position padding_idx. Computed in float64.

Each case also holds `inside`, the numbers of the inside-the-model views (issue 14), computed on the
case's real tokens read as one text (no padding, token types 0: what the engine feeds for a text):
per layer the attention's input x = h (the layer's input), q, k, v per head from the in-projection,
the scaled scores q k^T / sqrt(d_k) before the mask, the probabilities, the head outputs
(softmax V) and the projected attention output (checked here against nn.MultiheadAttention's);
the hidden states (embeddings, then each layer's output); the logit lens (the MLM head applied to
every hidden state; target: the token at the position); and the embedding similarities
(golden_common.py).

Usage (family spec in test/fixtures/tiny-models/<name>-tiny.spec.json):
  node tools/golden/dump-weights.mjs test/fixtures/tiny-models/bert-tiny.spec.json /tmp/bert-w.json
  /usr/bin/python3.11 tools/golden/encoder_golden.py /tmp/bert-w.json test/fixtures/tiny-models/bert-golden.json
"""
import json
import math
import sys

import torch
from torch import nn
import torch.nn.functional as F

from golden_common import lens_fields, logit_fields, rounded, similarity_fields, write_golden

torch.set_default_dtype(torch.float64)

# Per family: base prefix, per-layer names (q, k, v, attention out, attention LN, ffn in, ffn out, output LN), head names.
FAMILIES = {
    "bert": ("bert.", lambda i: [f"encoder.layer.{i}.{n}" for n in (
        "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
        "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm")],
        ("cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm", "cls.predictions.bias")),
    "roberta": ("roberta.", lambda i: [f"encoder.layer.{i}.{n}" for n in (
        "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
        "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm")],
        ("lm_head.dense", "lm_head.layer_norm", "lm_head.bias")),
    "distilbert": ("distilbert.", lambda i: [f"transformer.layer.{i}.{n}" for n in (
        "attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin",
        "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm")],
        ("vocab_transform", "vocab_layer_norm", "vocab_projector.bias")),
}


class Layer(nn.Module):
    def __init__(self, d, n_head, ff, eps):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, n_head, batch_first=True)
        self.ln_attn = nn.LayerNorm(d, eps=eps)
        self.ff_in = nn.Linear(d, ff)
        self.ff_out = nn.Linear(ff, d)
        self.ln_out = nn.LayerNorm(d, eps=eps)

    def forward(self, x, padding):
        a, probs = self.attn(x, x, x, key_padding_mask=padding, need_weights=True, average_attn_weights=False)
        x = self.ln_attn(x + a)
        x = self.ln_out(x + self.ff_out(F.gelu(self.ff_in(x))))
        return x, probs

    def inside(self, x):
        """The layer on one unpadded sequence x [T, d], with its attention spelled out."""
        d = x.shape[-1]
        H = self.attn.num_heads
        dk = d // H
        heads = lambda z: z.view(-1, H, dk).transpose(0, 1)  # [T, d] -> [H, T, dk]
        w, b = self.attn.in_proj_weight, self.attn.in_proj_bias
        q, k, v = (heads(x @ w[i * d:(i + 1) * d].T + b[i * d:(i + 1) * d]) for i in range(3))
        scores = q @ k.transpose(-2, -1) / math.sqrt(dk)
        probs = torch.softmax(scores, dim=-1)
        heads_out = probs @ v
        projected = self.attn.out_proj(heads_out.transpose(0, 1).reshape(-1, d))
        reference, _ = self.attn(x[None], x[None], x[None], need_weights=False)
        assert (projected - reference[0]).abs().max() < 1e-12, "the spelled-out attention is nn.MultiheadAttention's"
        out = self.ln_attn(x + projected)
        out = self.ln_out(out + self.ff_out(F.gelu(self.ff_in(out))))
        return out, {"attnInput": x, "query": q, "key": k, "value": v, "scores": scores, "attentions": probs, "headOutputs": heads_out, "attnOutput": projected}


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hiddenSize"]
        self.c = c
        self.word = nn.Embedding(c["vocabSize"], d)
        self.pos = nn.Embedding(c["maxPositions"], d)
        self.types = nn.Embedding(c["typeVocabSize"], d) if c["typeVocabSize"] > 0 else None
        self.ln_emb = nn.LayerNorm(d, eps=c["layerNormEpsilon"])
        self.layers = nn.ModuleList(Layer(d, c["nHead"], c["intermediateSize"], c["layerNormEpsilon"]) for _ in range(c["nLayer"]))
        self.head_dense = nn.Linear(d, d)
        self.head_ln = nn.LayerNorm(d, eps=c["layerNormEpsilon"])
        self.head_bias = nn.Parameter(torch.zeros(c["vocabSize"]))

    def positions(self, ids):
        if self.c["modelType"] == "roberta":
            pad = self.c["padTokenId"]
            real = (ids != pad).long()
            return torch.cumsum(real, dim=1) * real + pad
        return torch.arange(ids.shape[1])[None].expand_as(ids)

    def embeddings(self, ids, types):
        x = self.word(ids) + self.pos(self.positions(ids))
        if self.types is not None:
            x = x + self.types(types)
        return self.ln_emb(x)

    def head(self, x):
        h = self.head_ln(F.gelu(self.head_dense(x)))
        return h @ self.word.weight.T + self.head_bias

    def forward(self, ids, types, mask):
        x = self.embeddings(ids, types)
        attentions = []
        for layer in self.layers:
            x, probs = layer(x, mask == 0)
            attentions.append(probs)
        return self.head(x), attentions

    def inside(self, ids):
        """The inside-the-model fields of one unpadded sequence (a list of ids), token types 0."""
        x = self.embeddings(torch.tensor([ids]), torch.zeros(1, len(ids), dtype=torch.long))[0]
        hidden = [x]
        layers = []
        for layer in self.layers:
            x, inside = layer.inside(x)
            hidden.append(x)
            layers.append(inside)
        hidden = torch.stack(hidden)
        return {
            "inputIds": ids,
            **{name: rounded([layer[name].tolist() for layer in layers]) for name in layers[0]},
            "hiddenStates": rounded(hidden.tolist()),
            "lens": lens_fields(torch.stack([self.head(h) for h in hidden]), ids),
            "similarity": similarity_fields(hidden, ids, self.word.weight),
        }


def load(model, c, tensors):
    prefix, layer_names, (head_dense, head_ln, head_bias) = FAMILIES[c["modelType"]]

    def t(name, base=True):
        entry = tensors[(prefix if base else "") + name]
        return torch.tensor(entry["data"], dtype=torch.float32).to(torch.float64).view(*entry["dims"])

    def copy_linear(lin, name, base=True):
        lin.weight.copy_(t(name + ".weight", base))  # nn.Linear layout [out, in] on both sides
        lin.bias.copy_(t(name + ".bias", base))

    with torch.no_grad():
        model.word.weight.copy_(t("embeddings.word_embeddings.weight"))
        model.pos.weight.copy_(t("embeddings.position_embeddings.weight"))
        if model.types is not None:
            model.types.weight.copy_(t("embeddings.token_type_embeddings.weight"))
        copy_linear(model.ln_emb, "embeddings.LayerNorm")
        for i, layer in enumerate(model.layers):
            q, k, v, out, ln_attn, ff_in, ff_out, ln_out = layer_names(i)
            layer.attn.in_proj_weight.copy_(torch.cat([t(q + ".weight"), t(k + ".weight"), t(v + ".weight")]))
            layer.attn.in_proj_bias.copy_(torch.cat([t(q + ".bias"), t(k + ".bias"), t(v + ".bias")]))
            copy_linear(layer.attn.out_proj, out)
            copy_linear(layer.ln_attn, ln_attn)
            copy_linear(layer.ff_in, ff_in)
            copy_linear(layer.ff_out, ff_out)
            copy_linear(layer.ln_out, ln_out)
        copy_linear(model.head_dense, head_dense, base=False)
        copy_linear(model.head_ln, head_ln, base=False)
        model.head_bias.copy_(t(head_bias, base=False))



def main(weights_path, out_path):
    dump = json.load(open(weights_path))
    spec = dump["spec"]
    c = spec["config"]
    model = Encoder(c)
    load(model, c, dump["tensors"])
    model.eval()
    cases = []
    with torch.no_grad():
        for case in spec["inputs"]:
            logits, attentions = model(torch.tensor([case["inputIds"]]), torch.tensor([case["tokenTypeIds"]]), torch.tensor([case["attentionMask"]]))
            real = [i for i, m in zip(case["inputIds"], case["attentionMask"]) if m == 1]
            cases.append({**case, **logit_fields(logits[0], spec), "attentions": rounded([a[0].tolist() for a in attentions]), "inside": model.inside(real)})
    write_golden(out_path, "tools/golden/encoder_golden.py", spec, cases)


if __name__ == "__main__":
    main(*sys.argv[1:])
