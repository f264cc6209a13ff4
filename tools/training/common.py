"""Shared helpers of train_gpt.py and train_bert.py: paths, the data prepared by prepare.ts, float16
weights, JSON logs and PNG curves. The models, the optimiser, the learning-rate schedule, one
training step and safetensors are python/trex_models.py's, the module the extension ships for
training from the user's own text: the built-in models and the user's are one code."""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
WORK = os.path.join(HERE, "work")
RESULTS = os.path.join(HERE, "results")
IMAGES = os.path.join(ROOT, "docs", "images")
GPT_DIR = os.path.join(ROOT, "models", "trex-gpt2-kjv")
BERT_DIR = os.path.join(ROOT, "models", "trex-bert-kjv")
# How many held-out items test/unit/repo/trainedModels.test.ts recomputes through the engine.
TEST_SUBSET = 120
sys.path.insert(0, os.path.join(ROOT, "python"))
import trex_models  # noqa: E402
from trex_models import adamw, lr_at, train_step, write_json  # noqa: E402,F401  (re-exported to the trainers)

# TREX_TRAIN_OUT=DIR: every output (weights, logs, curves) under DIR, to compare runs before shipping one.
OUT = os.environ.get("TREX_TRAIN_OUT")


def out_path(default_dir, name):
    """Where an output goes: under TREX_TRAIN_OUT when set, else in its place in the repository."""
    return os.path.join(OUT or default_dir, name)


def schedule(steps_per_epoch, epochs):
    """Steps per epoch and epochs, or 3 steps of one epoch with TREX_TRAIN_SMOKE (checks the whole script)."""
    return (3, 1) if os.environ.get("TREX_TRAIN_SMOKE") else (steps_per_epoch, epochs)


def setup(seed):
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def round_to_float16(model):
    """The weights exactly as shipped (float16), back in float32 — what the engine will read."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())


def save_safetensors(path, tensors, metadata=None):
    """tensors: name → float tensor, stored as F16 (the shipped models' weights)."""
    trex_models.save_safetensors(path, tensors, "F16", metadata)


def plot_curves(path, title, epochs, series, ylabel="loss"):
    """series: list of (label, values, RGB). A small line chart drawn with Pillow."""
    from PIL import Image, ImageDraw

    width, height = 640, 400
    left, right, top, bottom = 64, 24, 40, 52
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    values = [v for _, vs, _ in series for v in vs]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or 0.5
    lo, hi = lo - pad, hi + pad
    x_of = lambda e: left + (e - epochs[0]) * (width - left - right) / max(1, epochs[-1] - epochs[0])
    y_of = lambda v: top + (hi - v) * (height - top - bottom) / (hi - lo)
    draw.rectangle([left, top, width - right, height - bottom], outline="black")
    for i in range(6):
        v = lo + (hi - lo) * i / 5
        y = y_of(v)
        draw.line([left, y, width - right, y], fill=(225, 225, 225))
        draw.text((6, y - 6), f"{v:.2f}", fill="black")
    for e in epochs:
        x = x_of(e)
        draw.line([x, height - bottom, x, height - bottom + 4], fill="black")
        draw.text((x - 3, height - bottom + 8), str(e), fill="black")
    draw.text((width // 2 - 20, height - 22), "epoch", fill="black")
    draw.text((6, 12), f"{title} ({ylabel})", fill="black")
    for k, (label, vs, color) in enumerate(series):
        pts = [(x_of(e), y_of(v)) for e, v in zip(epochs, vs)]
        if len(pts) > 1:
            draw.line(pts, fill=color, width=3)
        for x, y in pts:
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=color)
        lx = width - right - 170
        ly = top + 10 + 16 * k
        draw.line([lx, ly + 6, lx + 24, ly + 6], fill=color, width=3)
        draw.text((lx + 30, ly), label, fill="black")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img.save(path)


def plot_history(path, title, log):
    """The training and validation loss per epoch of `log["history"]` (epoch 0, before training, left out)."""
    hist = log["history"][1:]
    plot_curves(path, title, [h["epoch"] for h in hist],
                [("training", [h["trainLoss"] for h in hist], (31, 119, 180)), ("validation", [h["validationLoss"] for h in hist], (255, 127, 14))])
