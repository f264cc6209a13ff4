"""What gpt2_golden.py and encoder_golden.py share: rounding, the logit fields, and the fields of the
inside-the-model views (issue 14) computed from a model's internals: the logit lens and the
embedding similarities. Plain float64 torch, written from the definitions, not from our engine.
"""
import json

import torch

LENS_TOP_K = 5
NEIGHBOURS = 10
# A vocabulary entry whose log-probability lies within this of the target's may rank either side of
# it in float32: the golden gives the range of ranks such ties allow (the fidelity tolerance).
RANK_TIE = 1e-4


def rounded(x):
    return [rounded(v) for v in x] if isinstance(x, list) else (x if x is None or isinstance(x, int) else float(f"{x:.8g}"))


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


def lens_fields(rows, targets):
    """The logit lens: `rows` [L+1][T][V] logits of every row read through the output head;
    `targets` [T] the token each position is scored against (-1: none). Per row and position: the
    top-5 ids and probabilities, the 6th probability (to tell a tie at the 5th), and the target's
    probability, rank (1 + entries strictly more probable) and the ranks float32 ties allow."""
    log_probs = torch.log_softmax(rows, dim=-1)
    top = log_probs.topk(LENS_TOP_K + 1, dim=-1)
    n_rows, T = rows.shape[0], rows.shape[1]
    target_prob = [[None] * T for _ in range(n_rows)]
    target_rank = [[None] * T for _ in range(n_rows)]
    rank_range = [[None] * T for _ in range(n_rows)]
    for r in range(n_rows):
        for t, target in enumerate(targets):
            if target < 0:
                continue
            lp = log_probs[r, t]
            at = lp[target]
            target_prob[r][t] = at.exp().item()
            target_rank[r][t] = 1 + int((lp > at).sum())
            rank_range[r][t] = [1 + int((lp > at + RANK_TIE).sum()), int((lp >= at - RANK_TIE).sum())]
    return {
        "targets": list(targets),
        "topIds": top.indices[:, :, :LENS_TOP_K].tolist(),
        "topProbs": rounded(top.values[:, :, :LENS_TOP_K].exp().tolist()),
        "nextProb": rounded(top.values[:, :, LENS_TOP_K].exp().tolist()),
        "targetProb": rounded(target_prob),
        "targetRank": target_rank,
        "targetRankRange": rank_range,
    }


def cosine(a, b):
    return (a @ b / (a.norm() * b.norm())).item()


def similarity_fields(hidden, ids, table):
    """Embedding similarities: `hidden` [L+1][T][d] the hidden states, `ids` the tokens, `table` the
    word embedding table [V][d]. The per-layer cosine of positions 1 and T-2; per layer and position
    the cosine of the hidden state with its token's static row; the 10 rows nearest (cosine, itself
    left out) to the static row of the token at position 1."""
    T = hidden.shape[1]
    a, b = 1, T - 2
    position = 1
    token = ids[position]
    row = table[token]
    all_cosines = (table @ row) / (table.norm(dim=1) * row.norm())
    all_cosines[token] = -float("inf")
    nearest = all_cosines.topk(NEIGHBOURS)
    return {
        "pair": [a, b],
        "pairCosine": rounded([cosine(h[a], h[b]) for h in hidden]),
        "staticCosine": rounded([[cosine(h[t], table[ids[t]]) for t in range(T)] for h in hidden]),
        "nearest": {"position": position, "id": token, "ids": nearest.indices.tolist(), "cosines": rounded(nearest.values.tolist())},
    }


def write_golden(out_path, generator, spec, cases):
    golden = {"generator": "%s (torch %s, float64)" % (generator, torch.__version__), "seed": spec["seed"], "config": spec["config"], "cases": cases}
    with open(out_path, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
