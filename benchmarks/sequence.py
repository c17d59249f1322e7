"""Sequence-model workloads: one training step (forward + backward + Adam) of an MLP over
embeddings, a 1-layer LSTM and a 2-layer causal Transformer, tinygrad_lite against PyTorch.

    python3 -m benchmarks.sequence            # 5 rounds, CPU time, one thread
    python3 -m benchmarks.sequence --quick    # 1 round, fewer steps
    python3 -m benchmarks.sequence --out benchmarks/results/sequence.json

Each workload is written once against PyTorch's API (``T`` is ``torch`` or
``tinygrad_lite``), starts from the same weights (copied from NumPy arrays) and must end at
the same loss in both (checked). Frameworks alternate within each round, and a ratio is the
median of the per-round ratios (see ``benchmarks/README.md``, *Rounds* and *Clock*).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from . import harness  # noqa: E402

GOALS = {"embedding_mlp": 0.6, "lstm": 1.5, "transformer": 1.5}  # max ours / PyTorch
SIZES = {
    "full": {"embedding_mlp": 1000, "lstm": 40, "transformer": 40},
    "quick": {"embedding_mlp": 50, "lstm": 5, "transformer": 5},
    "tiny": {"embedding_mlp": 2, "lstm": 1, "transformer": 1},
}
DESCRIBE = {
    "embedding_mlp": "vocab 27, context 3, embedding 10, hidden 200 tanh, batch 32",
    "lstm": "1-layer LSTM, 27 -> 128, sequence 35, batch 20, linear head",
    "transformer": "2 causal encoder layers, d_model 64, 4 heads, context 32, batch 16",
}


def _copy_weights(T: Any, model: Any, seed: int) -> None:
    """Overwrite every parameter (in state_dict order) with a seeded NumPy draw of its own
    scale, so both frameworks start from the same weights."""
    rng = np.random.default_rng(seed)
    with T.no_grad():
        for _, p in model.named_parameters():
            scale = 1.0 / np.sqrt(p.shape[-1]) if p.ndim > 1 else 0.1
            p.copy_(T.tensor(rng.uniform(-scale, scale, tuple(p.shape)).astype(np.float32)))


def embedding_mlp(T: Any, steps: int) -> Callable[[], float]:
    nn = T.nn
    rng = np.random.default_rng(0)
    X = T.tensor(rng.integers(0, 27, (steps, 32, 3)))
    Y = T.tensor(rng.integers(0, 27, (steps, 32)))

    class MLP(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(27, 10)
            self.hidden = nn.Linear(30, 200)
            self.out = nn.Linear(200, 27)

        def forward(self, x: Any) -> Any:
            return self.out(self.hidden(self.emb(x).view(-1, 30)).tanh())

    model = MLP()
    _copy_weights(T, model, 1)
    opt = T.optim.Adam(model.parameters(), lr=1e-3)

    def run() -> float:
        for i in range(steps):
            loss = nn.functional.cross_entropy(model(X[i]), Y[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
        return loss.item()

    return run


def lstm(T: Any, steps: int) -> Callable[[], float]:
    nn = T.nn
    rng = np.random.default_rng(0)
    X = T.tensor(rng.integers(0, 27, (steps, 35, 20)))
    Y = T.tensor(rng.integers(0, 27, (steps, 35, 20)))

    class LM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(27, 27)
            self.rnn = nn.LSTM(27, 128)
            self.head = nn.Linear(128, 27)

        def forward(self, x: Any) -> Any:
            out, _ = self.rnn(self.emb(x))
            return self.head(out)

    model = LM()
    _copy_weights(T, model, 2)
    opt = T.optim.Adam(model.parameters(), lr=1e-3)

    def run() -> float:
        for i in range(steps):
            logits = model(X[i])
            loss = nn.functional.cross_entropy(logits.view(-1, 27), Y[i].view(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
        return loss.item()

    return run


def transformer(T: Any, steps: int) -> Callable[[], float]:
    nn = T.nn
    rng = np.random.default_rng(0)
    X = T.tensor(rng.integers(0, 27, (steps, 16, 32)))
    Y = T.tensor(rng.integers(0, 27, (steps, 16, 32)))
    mask = nn.Transformer.generate_square_subsequent_mask(32)

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tok = nn.Embedding(27, 64)
            self.pos = nn.Embedding(32, 64)
            layer = nn.TransformerEncoderLayer(64, 4, 256, dropout=0.0, batch_first=True,
                                               norm_first=True)  # fmt: skip
            self.blocks = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.head = nn.Linear(64, 27)

        def forward(self, x: Any) -> Any:
            h = self.tok(x) + self.pos(T.arange(x.shape[1]))
            return self.head(self.blocks(h, mask=mask, is_causal=True))

    model = GPT()
    _copy_weights(T, model, 3)
    opt = T.optim.Adam(model.parameters(), lr=1e-3)

    def run() -> float:
        for i in range(steps):
            loss = nn.functional.cross_entropy(model(X[i]).view(-1, 27), Y[i].view(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
        return loss.item()

    return run


WORKLOADS = {"embedding_mlp": embedding_mlp, "lstm": lstm, "transformer": transformer}
FRAMEWORKS = {"torch": "PyTorch", "tinygrad_lite": "tinygrad_lite"}


def measure(mode: str, rounds: int, only: list | None = None) -> dict:
    """{workload: {"torch": [ms/step per round], "ours": [...], "loss": (torch, ours)}}."""
    mods = {name: importlib.import_module(name) for name in FRAMEWORKS}
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    results: dict = {}
    for name, make in WORKLOADS.items():
        if only and name not in only:
            continue
        steps = SIZES[mode][name]
        r: dict = {"torch": [], "ours": [], "steps": steps}
        for _ in range(rounds):
            for key, mod in (("torch", mods["torch"]), ("ours", mods["tinygrad_lite"])):
                run = make(mod, steps)
                t, loss = harness.median_time(run, 1, warmup=0)
                r[key].append(t / steps * 1e3)
                r[f"loss_{key}"] = float(loss)
        if abs(r["loss_torch"] - r["loss_ours"]) > 1e-3:
            raise AssertionError(
                f"{name}: final loss {r['loss_ours']:.6f} differs from PyTorch's "
                f"{r['loss_torch']:.6f}"
            )
        r["ratios"] = [o / t for o, t in zip(r["ours"], r["torch"])]
        results[name] = r
    return results


def table(results: dict) -> str:
    lines = [
        "| workload | what | PyTorch ms/step | tinygrad_lite ms/step | ours / PyTorch | goal |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        ratio = statistics.median(r["ratios"])
        goal = GOALS[name]
        mark = "✓" if ratio <= goal else "✗"
        lines.append(
            f"| {name} | {DESCRIBE[name]} | {statistics.median(r['torch']):.3g} | "
            f"{statistics.median(r['ours']):.3g} | {ratio:.2f}× | ≤ {goal}× {mark} |"
        )
    return "\n".join(lines)


def main(argv: list | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--only", action="append")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    harness.use_cpu_time(1)
    mode = "quick" if args.quick else "full"
    rounds = args.rounds or (1 if args.quick else 5)
    results = measure(mode, rounds, args.only)
    print(table(results))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"machine": harness.machine_info(), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
