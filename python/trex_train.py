"""Trains a GPT-2 (causal LM) or a BERT (masked LM) from scratch on token ids prepared by
Transformer Explorer (src/engine/training/), and writes it as a Hugging Face folder the extension
loads. Needs only torch. Run by the extension and by `trex train`; not meant to be run by hand.

  python3 trex_train.py SPEC.json          train; progress as JSON lines on stdout
  python3 trex_train.py --logits FOLDER IDS   the logits of one sequence (a JSON list of ids), as JSON

SPEC.json: objective (clm | mlm), shape {layers, hidden, heads, context}, vocabSize, steps,
batchSize, learningRate, seed, device (cpu | cuda), evalEvery, threads, train and validation (files
of little-endian int32 ids: CLM, paragraphs each followed by the end-of-text id; MLM, the tokens of
the paragraphs), specials (CLM {eot}; MLM {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}), prompt
(CLM ids) and sampleTokens, probe (MLM ids with one [MASK]), folder (where config.json and
model.safetensors go; tokenizer.json is already there).

A line "stop" on stdin, stdin closed, SIGTERM or SIGINT: the step under way finishes, the model is evaluated and
saved, and the process exits 0 with `stoppedEarly`."""
import json
import math
import os
import signal
import sys
import threading
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trex_models as tm  # noqa: E402

STOP = threading.Event()
EVAL_BLOCKS = 128  # at most this many validation blocks per evaluation


def emit(event):
    # Strict JSON (no NaN): a value that does not exist, such as the training loss of a run stopped
    # before its first step, is null.
    event = {k: (None if isinstance(v, float) and v != v else v) for k, v in event.items()}
    sys.stdout.write(json.dumps(event, separators=(",", ":"), allow_nan=False) + "\n")
    sys.stdout.flush()


def watch_stdin():
    """"stop" on stdin, or stdin closed (the process that started this one is gone: a reloaded
    window, a killed CLI), ends the run at the next step with the model saved."""
    for line in sys.stdin:
        if line.strip() == "stop":
            break
    STOP.set()


def read_ids(path):
    with open(path, "rb") as f:
        data = f.read()
    return torch.frombuffer(bytearray(data), dtype=torch.int32).long() if data else torch.zeros(0, dtype=torch.long)


def windows(stream, size, count=None):
    """Non-overlapping windows of `size` ids from the start (at most `count`)."""
    n = len(stream) // size
    if count is not None:
        n = min(n, count)
    return stream[: n * size].view(n, size) if n > 0 else stream.new_zeros((0, size))


def random_windows(stream, size, batch, g):
    starts = torch.randint(0, len(stream) - size + 1, (batch,), generator=g)
    return torch.stack([stream[s : s + size] for s in starts.tolist()])


class Clm:
    def __init__(self, spec, device):
        s = spec["shape"]
        self.ctx = s["context"]
        self.config = dict(n_layer=s["layers"], n_head=s["heads"], n_embd=s["hidden"], n_positions=s["context"], layer_norm_epsilon=1e-5)
        self.vocab = spec["vocabSize"]
        self.eot = spec["specials"]["eot"]
        self.model = tm.Gpt2(self.vocab, self.config).to(device)
        self.device = device
        self.val = windows(read_ids(spec["validation"]), self.ctx + 1, EVAL_BLOCKS)
        self.train = read_ids(spec["train"])
        self.prompt = spec.get("prompt") or [self.eot]
        self.sample_tokens = spec.get("sampleTokens", 20)

    def batch_loss(self, batch, g):
        ids = batch.to(self.device)
        logits = self.model(ids[:, :-1])
        return F.cross_entropy(logits.reshape(-1, self.vocab), ids[:, 1:].reshape(-1))

    def draw(self, batch, g):
        return random_windows(self.train, self.ctx + 1, batch, g)

    def tokens_per_batch(self, batch):
        return batch * self.ctx

    def evaluate(self):
        self.model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(self.val), 16):
                ids = self.val[i : i + 16].to(self.device)
                logits = self.model(ids[:, :-1])
                total += F.cross_entropy(logits.reshape(-1, self.vocab), ids[:, 1:].reshape(-1), reduction="sum").item()
                count += ids[:, 1:].numel()
        self.model.train()
        loss = total / max(1, count)
        return loss, math.exp(min(loss, 50))

    def sample(self):
        """The prompt's greedy continuation (within the context)."""
        self.model.eval()
        ids = list(self.prompt)[-(self.ctx - 1):]
        out = []
        with torch.no_grad():
            for _ in range(self.sample_tokens):
                x = torch.tensor([ids[-self.ctx:]], device=self.device)
                nxt = int(self.model(x)[0, -1].argmax())
                out.append(nxt)
                ids.append(nxt)
        self.model.train()
        return {"ids": out}

    def hf_config(self):
        return tm.gpt2_hf_config(self.vocab, self.config, self.eot)


class Mlm:
    def __init__(self, spec, device):
        s = spec["shape"]
        self.ctx = s["context"]
        self.config = dict(num_hidden_layers=s["layers"], num_attention_heads=s["heads"], hidden_size=s["hidden"],
                           intermediate_size=4 * s["hidden"], max_position_embeddings=s["context"], type_vocab_size=2, layer_norm_eps=1e-12)
        self.vocab = spec["vocabSize"]
        self.specials = spec["specials"]
        self.model = tm.BertForMaskedLM(self.vocab, self.config).to(device)
        self.device = device
        self.train = read_ids(spec["train"])
        self.val = self.wrap(windows(read_ids(spec["validation"]), self.ctx - 2, EVAL_BLOCKS))
        self.probe = spec.get("probe")

    def wrap(self, body):
        cls = torch.full((len(body), 1), self.specials["[CLS]"], dtype=torch.long)
        sep = torch.full((len(body), 1), self.specials["[SEP]"], dtype=torch.long)
        return torch.cat([cls, body, sep], dim=1)

    def draw(self, batch, g):
        return self.wrap(random_windows(self.train, self.ctx - 2, batch, g))

    def tokens_per_batch(self, batch):
        return batch * self.ctx

    def masked_loss(self, ids, g, reduction="mean"):
        attention = torch.ones_like(ids)
        inputs, selected, targets = tm.mask_tokens(ids, attention, self.specials, self.vocab, g)
        hidden = self.model.bert(inputs.to(self.device), attention.to(self.device))
        return F.cross_entropy(self.model.head(hidden[selected.to(self.device)]), targets.to(self.device), reduction=reduction), int(selected.sum())

    def batch_loss(self, batch, g):
        return self.masked_loss(batch, g)[0]

    def evaluate(self):
        """Cross-entropy over the masked positions of the validation windows, masked with a fixed
        seed (the same positions at every evaluation); exp of it is the pseudo-perplexity."""
        self.model.eval()
        g = torch.Generator().manual_seed(1234)
        total, count = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(self.val), 16):
                loss, n = self.masked_loss(self.val[i : i + 16], g, reduction="sum")
                total += loss.item()
                count += n
        self.model.train()
        loss = total / max(1, count)
        return loss, math.exp(min(loss, 50))

    def sample(self):
        """The top 5 fills of the probe's [MASK]."""
        if not self.probe or self.specials["[MASK]"] not in self.probe:
            return None
        self.model.eval()
        with torch.no_grad():
            ids = torch.tensor([self.probe[: self.ctx]], device=self.device)
            logits = self.model(ids, torch.ones_like(ids))[0, self.probe.index(self.specials["[MASK]"])]
            probs = torch.softmax(logits, dim=-1)
            top = torch.topk(probs, 5)
        self.model.train()
        return {"fills": [[int(i), float(p)] for p, i in zip(top.values.tolist(), top.indices.tolist())]}

    def hf_config(self):
        return tm.bert_hf_config(self.vocab, self.config, self.specials["[PAD]"])


def save(task, folder):
    os.makedirs(folder, exist_ok=True)
    tm.save_safetensors(os.path.join(folder, "model.safetensors"), tm.hf_tensors(task.model))
    tm.write_json(os.path.join(folder, "config.json"), task.hf_config())


def train(spec):
    objective = spec["objective"]
    torch.manual_seed(spec["seed"])
    torch.set_num_threads(max(1, int(spec.get("threads") or 1)))
    device = "cuda" if spec.get("device") == "cuda" and torch.cuda.is_available() else "cpu"
    task = (Clm if objective == "clm" else Mlm)(spec, device)
    steps, batch, peak = spec["steps"], spec["batchSize"], spec["learningRate"]
    warmup = max(1, min(100, steps // 10))
    every = max(1, spec.get("evalEvery", 50))
    report_every = max(1, steps // 200)
    params = sum(p.numel() for p in task.model.parameters())
    emit({"type": "start", "objective": objective, "parameters": params, "steps": steps, "device": device, "torch": torch.__version__})
    opt = tm.adamw(task.model, peak)
    g = torch.Generator().manual_seed(spec["seed"])
    folder = spec["folder"]

    def evaluate(step):
        loss, ppl = task.evaluate()
        emit({"type": "eval", "objective": objective, "step": step, "validationLoss": loss, "perplexity": ppl})
        sample = task.sample()
        if sample is not None:
            emit({"type": "sample", "objective": objective, "step": step, **sample})
        return loss, ppl

    val_loss, ppl = evaluate(0)
    start = time.time()
    running, n, last_loss, step = 0.0, 0, float("nan"), 0
    while step < steps and not STOP.is_set():
        loss = task.batch_loss(task.draw(batch, g), g)
        lr = tm.lr_at(step, steps, peak, warmup)
        tm.train_step(opt, task.model, loss, lr)
        step += 1
        value = loss.item()
        if not math.isfinite(value):
            print(f"The training loss became {value} at step {step}: lower the learning rate.", file=sys.stderr)
            return 3
        running += value
        n += 1
        if step % report_every == 0 or step == steps:
            elapsed = time.time() - start
            last_loss = running / n
            emit({"type": "step", "objective": objective, "step": step, "steps": steps, "loss": last_loss, "learningRate": lr,
                  "tokensPerSecond": task.tokens_per_batch(batch) * step / max(elapsed, 1e-9), "elapsedSeconds": elapsed,
                  "remainingSeconds": elapsed / step * (steps - step)})
            running, n = 0.0, 0
        if step % every == 0 and step < steps:
            val_loss, ppl = evaluate(step)
            save(task, folder)
            emit({"type": "checkpoint", "objective": objective, "step": step, "folder": folder})
    if n > 0:
        last_loss = running / n
    stopped = step < steps
    val_loss, ppl = evaluate(step)
    save(task, folder)
    emit({"type": "checkpoint", "objective": objective, "step": step, "folder": folder})
    emit({"type": "finished", "objective": objective, "steps": step, "finalTrainLoss": last_loss, "finalValidationLoss": val_loss,
          "perplexity": ppl, "stoppedEarly": stopped, "seconds": time.time() - start})
    return 0


def logits(folder, ids):
    model, family = tm.load_model_folder(folder)
    x = torch.tensor([ids])
    with torch.no_grad():
        out = model(x) if family == "gpt2" else model(x, torch.ones_like(x))
    return out[0].tolist()


def main(argv):
    if len(argv) == 3 and argv[0] == "--logits":
        print(json.dumps({"logits": logits(argv[1], json.loads(argv[2]))}))
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        spec = json.load(f)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: STOP.set())
    threading.Thread(target=watch_stdin, daemon=True).start()
    return train(spec)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
