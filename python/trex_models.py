"""GPT-2 (causal LM) and BERT (masked LM) in plain PyTorch, with Hugging Face's tensor names, so that
a checkpoint they write loads in Transformer Explorer's engine (and in `transformers`) like any Hub
checkpoint. Also what both trainers share: AdamW, the learning-rate schedule, one optimiser step,
safetensors in and out, the dynamic 15 % / 80-10-10 masking. Needs only torch.

Used by `trex_train.py` (shipped in the extension: training from the user's own text) and by the
one-off trainers of the built-in models in tools/training/."""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F
from torch import nn

# ── GPT-2 ────────────────────────────────────────────────────────────────────────────────────────


class Conv1D(nn.Module):
    """HF's Conv1D: y = x W + b with W stored [in, out]."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_in, n_out) * 0.02)
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.weight + self.bias


class Gpt2Attention(nn.Module):
    def __init__(self, d, n_head):
        super().__init__()
        self.n_head = n_head
        self.c_attn = Conv1D(d, 3 * d)
        self.c_proj = Conv1D(d, d)

    def forward(self, x):
        b, t, d = x.shape
        hd = d // self.n_head
        q, k, v = self.c_attn(x).split(d, dim=2)
        heads = lambda z: z.view(b, t, self.n_head, hd).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        scores = q @ k.transpose(-2, -1) / math.sqrt(hd)
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        probs = torch.softmax(scores.masked_fill(~causal, float("-inf")), dim=-1)
        return self.c_proj((probs @ v).transpose(1, 2).reshape(b, t, d))


class Gpt2Mlp(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.c_fc = Conv1D(d, 4 * d)
        self.c_proj = Conv1D(4 * d, d)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Gpt2Block(nn.Module):
    def __init__(self, d, n_head, eps):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=eps)
        self.attn = Gpt2Attention(d, n_head)
        self.ln_2 = nn.LayerNorm(d, eps=eps)
        self.mlp = Gpt2Mlp(d)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Gpt2(nn.Module):
    """GPT-2: token + learned position embeddings, pre-LN blocks, ln_f, LM head tied to wte.
    `c`: n_layer, n_head, n_embd, n_positions, layer_norm_epsilon."""

    def __init__(self, vocab_size, c):
        super().__init__()
        d = c["n_embd"]
        self.wte = nn.Embedding(vocab_size, d)
        self.wpe = nn.Embedding(c["n_positions"], d)
        self.h = nn.ModuleList(Gpt2Block(d, c["n_head"], c["layer_norm_epsilon"]) for _ in range(c["n_layer"]))
        self.ln_f = nn.LayerNorm(d, eps=c["layer_norm_epsilon"])
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.01)
        for block in self.h:  # GPT-2's scaled init of the residual projections
            for proj in (block.attn.c_proj, block.mlp.c_proj):
                nn.init.normal_(proj.weight, std=0.02 / math.sqrt(2 * c["n_layer"]))

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1], device=ids.device))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.T


def gpt2_hf_config(vocab_size, c, eot, dtype="float32"):
    return {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": vocab_size,
        "n_layer": c["n_layer"], "n_head": c["n_head"], "n_embd": c["n_embd"],
        "n_positions": c["n_positions"], "n_ctx": c["n_positions"], "n_inner": None,
        "layer_norm_epsilon": c["layer_norm_epsilon"], "activation_function": "gelu_new",
        "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0, "initializer_range": 0.02,
        "bos_token_id": eot, "eos_token_id": eot, "tie_word_embeddings": True, "torch_dtype": dtype,
    }


# ── BERT ─────────────────────────────────────────────────────────────────────────────────────────


class BertEmbeddings(nn.Module):
    def __init__(self, vocab, c):
        super().__init__()
        d = c["hidden_size"]
        self.word_embeddings = nn.Embedding(vocab, d)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], d)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], d)
        self.LayerNorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def forward(self, ids, types):
        pos = torch.arange(ids.shape[1], device=ids.device)
        return self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(types))


class BertSelfAttention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)


class BertDense(nn.Module):
    def __init__(self, n_in, n_out, eps=None):
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)
        if eps is not None:
            self.LayerNorm = nn.LayerNorm(n_out, eps=eps)


class BertAttention(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.self = BertSelfAttention(d)
        self.output = BertDense(d, d, eps)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, eps = c["hidden_size"], c["layer_norm_eps"]
        self.n_head = c["num_attention_heads"]
        self.attention = BertAttention(d, eps)
        self.intermediate = BertDense(d, c["intermediate_size"])
        self.output = BertDense(c["intermediate_size"], d, eps)

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


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(c) for _ in range(c["num_hidden_layers"]))


class Bert(nn.Module):
    def __init__(self, vocab, c):
        super().__init__()
        self.embeddings = BertEmbeddings(vocab, c)
        self.encoder = BertEncoder(c)

    def forward(self, ids, attention_mask):
        x = self.embeddings(ids, torch.zeros_like(ids))
        key_bias = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.encoder.layer:
            x = layer(x, key_bias)
        return x


class BertTransform(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.dense = nn.Linear(d, d)
        self.LayerNorm = nn.LayerNorm(d, eps=eps)


class BertPredictions(nn.Module):
    def __init__(self, vocab, d, eps):
        super().__init__()
        self.transform = BertTransform(d, eps)
        self.bias = nn.Parameter(torch.zeros(vocab))


class BertCls(nn.Module):
    def __init__(self, vocab, d, eps):
        super().__init__()
        self.predictions = BertPredictions(vocab, d, eps)


class BertForMaskedLM(nn.Module):
    """BERT with its MLM head (decoder tied to the word embeddings). `c`: num_hidden_layers,
    num_attention_heads, hidden_size, intermediate_size, max_position_embeddings, type_vocab_size, layer_norm_eps."""

    def __init__(self, vocab, c):
        super().__init__()
        self.bert = Bert(vocab, c)
        self.cls = BertCls(vocab, c["hidden_size"], c["layer_norm_eps"])
        for name, p in self.named_parameters():
            if "LayerNorm.weight" in name:
                nn.init.ones_(p)
            elif p.dim() == 1:
                nn.init.zeros_(p)
            else:
                nn.init.normal_(p, std=0.02)

    def head(self, hidden):
        """MLM logits of the given hidden states."""
        t = self.cls.predictions.transform
        h = t.LayerNorm(F.gelu(t.dense(hidden)))
        return h @ self.bert.embeddings.word_embeddings.weight.T + self.cls.predictions.bias

    def forward(self, ids, attention_mask):
        return self.head(self.bert(ids, attention_mask))


def bert_hf_config(vocab_size, c, pad, dtype="float32"):
    return {
        "model_type": "bert", "architectures": ["BertForMaskedLM"], "vocab_size": vocab_size,
        "hidden_size": c["hidden_size"], "num_hidden_layers": c["num_hidden_layers"],
        "num_attention_heads": c["num_attention_heads"], "intermediate_size": c["intermediate_size"],
        "max_position_embeddings": c["max_position_embeddings"], "type_vocab_size": c["type_vocab_size"],
        "layer_norm_eps": c["layer_norm_eps"], "hidden_act": "gelu", "pad_token_id": pad,
        "position_embedding_type": "absolute", "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
        "initializer_range": 0.02, "tie_word_embeddings": True, "torch_dtype": dtype,
    }


MASK_SHARE, MASK_AS_MASK, MASK_AS_RANDOM = 0.15, 0.8, 0.1


def mask_tokens(ids, attention, specials, vocab, g, first_maskable=None):
    """Dynamic masking: 15 % of the real tokens (not [CLS]/[SEP]/[PAD]) selected; of those 80 % →
    [MASK], 10 % → a random token, 10 % kept. → (inputs, positions selected, their targets).
    `specials`: name → id, the special tokens being the ids below `first_maskable` (default: their count)."""
    maskable = attention.bool() & (ids != specials["[CLS]"]) & (ids != specials["[SEP]"])
    selected = (torch.rand(ids.shape, generator=g) < MASK_SHARE) & maskable
    if not selected.any():
        selected[0, 1] = True
    r = torch.rand(ids.shape, generator=g)
    inputs = ids.clone()
    inputs[selected & (r < MASK_AS_MASK)] = specials["[MASK]"]
    low = len(specials) if first_maskable is None else first_maskable
    random_tokens = torch.randint(low, vocab, ids.shape, generator=g)
    as_random = selected & (r >= MASK_AS_MASK) & (r < MASK_AS_MASK + MASK_AS_RANDOM)
    inputs[as_random] = random_tokens[as_random]
    return inputs, selected, ids[selected]


# ── Training helpers ─────────────────────────────────────────────────────────────────────────────


def adamw(model, peak_lr):
    """AdamW with weight decay on the matrices only (not on biases, LayerNorm or other vectors)."""
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=peak_lr, betas=(0.9, 0.98))


def train_step(opt, model, loss, lr):
    """One optimiser step on `loss` at learning rate `lr`, gradients clipped to norm 1."""
    for group in opt.param_groups:
        group["lr"] = lr
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


def lr_at(step, total, peak, warmup):
    """Linear warm-up, then cosine decay to a tenth of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def write_json(path, value):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


_DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2)}


def save_safetensors(path, tensors, dtype="F32", metadata=None):
    """tensors: name → float tensor, stored as `dtype` (F32 or F16) in name order (the safetensors
    format: u64 header length, JSON header, raw little-endian data). Written to a temporary file
    and renamed: a reader never sees half a checkpoint."""
    torch_dtype = _DTYPES[dtype][0]
    header = {"__metadata__": metadata or {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        data = tensors[name].detach().to("cpu", torch_dtype).contiguous().numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
    os.replace(path + ".tmp", path)


def load_safetensors(path):
    """name → float32 tensor (F32 or F16 files)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, size = _DTYPES[info["dtype"]]
        start, end = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[start:end]), dtype=dtype).reshape(info["shape"]).float() if end > start else torch.zeros(info["shape"])
    return out


def hf_tensors(model):
    """The parameters under their HF names (GPT2LMHeadModel without `transformer.`; BertForMaskedLM); the tied heads left out."""
    return {name: p for name, p in model.named_parameters()}


def load_model_folder(folder):
    """A folder written by save (config.json + model.safetensors) → (model in eval mode, family)."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    tensors = load_safetensors(os.path.join(folder, "model.safetensors"))
    if config["model_type"] == "gpt2":
        model = Gpt2(config["vocab_size"], config)
    else:
        model = BertForMaskedLM(config["vocab_size"], config)
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    if missing or unexpected:
        raise ValueError(f"checkpoint mismatch: missing {missing}, unexpected {unexpected}")
    model.eval()
    return model, config["model_type"]
