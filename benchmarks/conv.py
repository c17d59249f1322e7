"""Convolutional training steps: tinygrad_lite against PyTorch CPU eager and hand NumPy.

    python3 -m benchmarks.conv                # 5 interleaved rounds, one thread, CPU time
    python3 -m benchmarks.conv --quick        # one round, fewer steps
    python3 -m benchmarks.conv --out r.json   # also save the numbers

Two workloads, each one SGD step = forward + backward + update, float32:

- ``lenet``: batch 64 of 1×28×28; Conv2d(1, 6, 5, padding=2) → ReLU → MaxPool2d(2) →
  Conv2d(6, 16, 5) → ReLU → MaxPool2d(2) → Flatten → Linear(400, 120) → ReLU →
  Linear(120, 10), cross-entropy.
- ``resblock``: batch 8 of 64×32×32; conv3x3(64, 64, no bias) → BatchNorm2d → ReLU →
  conv3x3 → BatchNorm2d → + input → ReLU, loss = mean of squares.

tinygrad_lite and PyTorch run the same code (the framework is passed in as ``T``); the hand
NumPy peer is im2col on strided views + one matmul per layer with every gradient derived by
hand (it keeps the columns from forward for backward, as such code usually does). Time: the
median CPU time of a step, one BLAS/PyTorch thread; within each round every framework takes
its turn, and a ratio is the median of the per-round ratios. Memory: each framework in a
fresh process, the peak RSS of one step above the RSS before it (after a warm-up step), with
glibc told to map every block over 128 KiB on its own (``MALLOC_MMAP_THRESHOLD_``), so
that RSS follows the live buffers of NumPy and PyTorch alike.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from . import harness  # noqa: E402

PEERS = ["numpy_hand", "torch_cpu", "ours"]
LABELS = {"numpy_hand": "hand NumPy", "torch_cpu": "PyTorch", "ours": "tinygrad_lite"}
SIZES = {
    "lenet": {"batch": 64, "full": 30, "quick": 5, "tiny": 1},
    "resblock": {"batch": 8, "full": 10, "quick": 3, "tiny": 1},
}
LR = 0.01


def data(workload: str, batch: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A fixed random batch (seed 0): inputs float32 and int64 labels (lenet)."""
    rng = np.random.default_rng(0)
    n = batch or SIZES[workload]["batch"]
    if workload == "lenet":
        return (rng.standard_normal((n, 1, 28, 28), dtype=np.float32),
                rng.integers(0, 10, n, dtype=np.int64))  # fmt: skip
    return rng.standard_normal((n, 64, 32, 32), dtype=np.float32), np.zeros(0, np.int64)


def start_params(workload: str) -> list[np.ndarray]:
    """The starting weights every peer uses (PyTorch's default init bounds, seed 1)."""
    rng = np.random.default_rng(1)

    def u(shape: tuple, fan_in: int) -> np.ndarray:
        k = 1 / np.sqrt(fan_in)
        return rng.uniform(-k, k, shape).astype(np.float32)

    if workload == "lenet":
        return [u((6, 1, 5, 5), 25), u((6,), 25), u((16, 6, 5, 5), 150), u((16,), 150),
                u((120, 400), 400), u((120,), 400), u((10, 120), 120), u((10,), 120)]  # fmt: skip
    return [u((64, 64, 3, 3), 576), u((64, 64, 3, 3), 576)]  # (BatchNorm: weight 1, bias 0)


# ---------------------------------------------------------------------------------------
# the same script for PyTorch and tinygrad_lite
# ---------------------------------------------------------------------------------------


def torchlike(T: Any, workload: str, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    """One SGD step of ``workload`` written against PyTorch's API, framework ``T``."""
    nn, F = T.nn, T.nn.functional
    params = start_params(workload)
    if workload == "lenet":
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 10),
        )  # fmt: skip
    else:

        class Block(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.conv1 = nn.Conv2d(64, 64, 3, padding=1, bias=False)
                self.bn1 = nn.BatchNorm2d(64)
                self.conv2 = nn.Conv2d(64, 64, 3, padding=1, bias=False)
                self.bn2 = nn.BatchNorm2d(64)

            def forward(self, x: Any) -> Any:
                out = F.relu(self.bn1(self.conv1(x)))
                return F.relu(self.bn2(self.conv2(out)) + x)

        model = Block()
    weights = [p for n, p in model.named_parameters() if not n.startswith("bn")]
    with T.no_grad():
        for p, v in zip(weights, params):
            p.copy_(T.tensor(v))
    opt = T.optim.SGD(model.parameters(), lr=LR)
    X, Y = T.tensor(x), T.tensor(y)

    def step() -> float:
        opt.zero_grad()
        out = model(X)
        loss = F.cross_entropy(out, Y) if workload == "lenet" else (out * out).mean()
        loss.backward()
        opt.step()
        return loss.item()

    return step


# ---------------------------------------------------------------------------------------
# hand-written NumPy (im2col, gradients by hand)
# ---------------------------------------------------------------------------------------


def _im2col(x: np.ndarray, k: int, pad: int) -> np.ndarray:
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, w = x.shape
    oh, ow = h - k + 1, w - k + 1
    s = x.strides
    view = as_strided(x, (n, c, k, k, oh, ow), (s[0], s[1], s[2], s[3], s[2], s[3]))
    return view.reshape(n, c * k * k, oh * ow)


def _col2im(dcols: np.ndarray, shape: tuple, k: int, pad: int) -> np.ndarray:
    n, c, h, w = shape
    hp, wp = h + 2 * pad, w + 2 * pad
    oh, ow = hp - k + 1, wp - k + 1
    d = dcols.reshape(n, c, k, k, oh, ow)
    out = np.zeros((n, c, hp, wp), dtype=dcols.dtype)
    for i in range(k):
        for j in range(k):
            out[:, :, i : i + oh, j : j + ow] += d[:, :, i, j]
    return out[:, :, pad : pad + h, pad : pad + w] if pad else out


def _conv_fwd(x: np.ndarray, w: np.ndarray, b: Any, pad: int) -> tuple[np.ndarray, np.ndarray]:
    o, _, k, _ = w.shape
    cols = _im2col(x, k, pad)
    out = w.reshape(o, -1) @ cols
    if b is not None:
        out += b[:, None]
    oh = x.shape[2] + 2 * pad - k + 1
    return out.reshape(x.shape[0], o, oh, -1), cols


def _conv_bwd(g: np.ndarray, cols: np.ndarray, w: np.ndarray, xshape: tuple, pad: int,
              need_x: bool = True) -> tuple:  # fmt: skip
    n, o = g.shape[:2]
    g3 = g.reshape(n, o, -1)
    gw = np.add.reduce(g3 @ cols.transpose(0, 2, 1), 0).reshape(w.shape)
    gb = g3.sum((0, 2))
    gx = _col2im(w.reshape(o, -1).T @ g3, xshape, w.shape[2], pad) if need_x else None
    return gx, gw, gb


def _pool_fwd(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, c, h, w = x.shape
    r = x.reshape(n, c, h // 2, 2, w // 2, 2)
    out = r.max((3, 5))
    mask = r == out[:, :, :, None, :, None]
    return out, mask


def _pool_bwd(g: np.ndarray, mask: np.ndarray) -> np.ndarray:
    n, c, h2, _, w2, _ = mask.shape
    return (mask * g[:, :, :, None, :, None]).reshape(n, c, h2 * 2, w2 * 2)


def _bn_fwd(x: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, tuple]:
    mean = x.mean((0, 2, 3), keepdims=True)
    xc = x - mean
    var = (xc * xc).mean((0, 2, 3), keepdims=True)
    rstd = 1 / np.sqrt(var + eps)
    xhat = xc * rstd
    return xhat, (xhat, rstd)


def _bn_bwd(g: np.ndarray, cache: tuple) -> np.ndarray:
    xhat, rstd = cache
    m = g.shape[0] * g.shape[2] * g.shape[3]
    sg = g.sum((0, 2, 3), keepdims=True)
    sgx = (g * xhat).sum((0, 2, 3), keepdims=True)
    return (rstd / m) * (m * g - sg - xhat * sgx)


def numpy_hand(workload: str, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    """One SGD step of ``workload`` in plain NumPy with hand-derived gradients."""
    params = start_params(workload)
    if workload == "lenet":
        w1, b1, w2, b2, W3, b3, W4, b4 = params
        n = x.shape[0]

        def step() -> float:
            a1, c1 = _conv_fwd(x, w1, b1, 2)
            r1 = np.maximum(a1, 0)
            p1, m1 = _pool_fwd(r1)
            a2, c2 = _conv_fwd(p1, w2, b2, 0)
            r2 = np.maximum(a2, 0)
            p2, m2 = _pool_fwd(r2)
            f = p2.reshape(n, -1)
            h = f @ W3.T + b3
            hr = np.maximum(h, 0)
            z = hr @ W4.T + b4
            z = z - z.max(1, keepdims=True)
            e = np.exp(z)
            prob = e / e.sum(1, keepdims=True)
            loss = -np.log(prob[np.arange(n), y]).mean()
            dz = prob
            dz[np.arange(n), y] -= 1
            dz /= n
            gW4, gb4 = dz.T @ hr, dz.sum(0)
            dh = (dz @ W4) * (h > 0)
            gW3, gb3 = dh.T @ f, dh.sum(0)
            df = (dh @ W3).reshape(p2.shape)
            da2 = _pool_bwd(df, m2) * (a2 > 0)
            dp1, gw2, gb2 = _conv_bwd(da2, c2, w2, p1.shape, 0)
            da1 = _pool_bwd(dp1, m1) * (a1 > 0)
            _, gw1, gb1 = _conv_bwd(da1, c1, w1, x.shape, 2, need_x=False)
            for p, g in zip(params, (gw1, gb1, gw2, gb2, gW3, gb3, gW4, gb4)):
                p -= LR * g
            return float(loss)

        return step
    w1, w2 = params
    shape = (1, 64, 1, 1)
    bn = [np.ones(shape, np.float32), np.zeros(shape, np.float32)] * 2  # weight, bias (x2)

    def step() -> float:
        a1, c1 = _conv_fwd(x, w1, None, 1)
        xh1, k1 = _bn_fwd(a1)
        h1 = xh1 * bn[0] + bn[1]
        r1 = np.maximum(h1, 0)
        a2, c2 = _conv_fwd(r1, w2, None, 1)
        xh2, k2 = _bn_fwd(a2)
        s = xh2 * bn[2] + bn[3] + x
        out = np.maximum(s, 0)
        loss = (out * out).mean()
        dout = (2.0 / out.size) * out  # (out is 0 where s < 0: the relu's mask is in it)
        grads = [(dout * xh2).sum((0, 2, 3), keepdims=True), dout.sum((0, 2, 3), keepdims=True)]
        dr1, gw2, _ = _conv_bwd(_bn_bwd(dout * bn[2], k2), c2, w2, r1.shape, 1)
        dh1 = dr1 * (h1 > 0)
        grads = [
            (dh1 * xh1).sum((0, 2, 3), keepdims=True),
            dh1.sum((0, 2, 3), keepdims=True),
        ] + grads
        _, gw1, _ = _conv_bwd(_bn_bwd(dh1 * bn[0], k1), c1, w1, x.shape, 1, need_x=False)
        w1[...] -= LR * gw1
        w2[...] -= LR * gw2
        for p, g in zip(bn, grads):
            p -= LR * g
        return float(loss)

    return step


def make_step(peer: str, workload: str, batch: int | None = None) -> Callable[[], float]:
    x, y = data(workload, batch)
    if peer == "numpy_hand":
        return numpy_hand(workload, x, y)
    if peer == "torch_cpu":
        import torch

        return torchlike(torch, workload, x, y)
    import tinygrad_lite

    return torchlike(tinygrad_lite, workload, x, y)


# ---------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------


def _memory_child(peer: str, workload: str) -> dict:
    step = make_step(peer, workload)
    step()  # warm-up: one-time allocations are not the step's memory
    gc.collect()
    base = harness.rss()
    harness.reset_peak_rss()
    step()
    peak = harness.peak_rss()
    out = {"rss_peak_mb": (peak - base) / 2**20 if base is not None else None}
    if peer != "torch_cpu":
        traced_peak, _, _ = harness.traced_memory(step)
        out["traced_peak_mb"] = traced_peak / 2**20
    return out


def _memory(peer: str, workload: str) -> dict:
    code = (
        "import json, sys; from benchmarks import conv, harness; harness.use_cpu_time(1); "
        f"print(json.dumps(conv._memory_child({peer!r}, {workload!r})))"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""),
           # every block over 128 KiB is mapped and unmapped on its own: RSS then follows
           # the live buffers of every framework alike (no reuse of the warm-up's heap)
           "MALLOC_MMAP_THRESHOLD_": "131072"}  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=root, env=env, timeout=600)  # fmt: skip
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(mode: str = "full", rounds: int = 5, peers: list | None = None) -> dict:
    """Times per round and memory per framework: ``{workload: {peer: {...}}}``."""
    harness.use_cpu_time(1)
    peers = peers or PEERS
    available = []
    for p in peers:
        try:
            make_step(p, "lenet", 2)
            available.append(p)
        except ImportError:
            print(f"skipping {p}: not installed", file=sys.stderr)
    results: dict = {w: {p: {"times": []} for p in available} for w in SIZES}
    steps = {w: {p: make_step(p, w) for p in available} for w in SIZES}
    for r in range(rounds):
        for w, size in SIZES.items():
            for p in available:
                t, loss = harness.median_time(steps[w][p], size[mode])
                results[w][p]["times"].append(t)
                results[w][p]["loss"] = loss
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    for w in SIZES:
        for p in available:
            results[w][p].update(_memory(p, w))
    return results


def _ratio(results: dict, w: str, a: str, b: str) -> float | None:
    ra, rb = results[w].get(a), results[w].get(b)
    if not ra or not rb:
        return None
    return statistics.median(x / y for x, y in zip(ra["times"], rb["times"]))


def format_table(results: dict) -> str:
    head = ("| workload | hand NumPy ms | PyTorch ms | tinygrad_lite ms | ours / PyTorch | "
            "ours / NumPy | peak MB: NumPy / PyTorch / ours | ours / PyTorch (memory) |")  # fmt: skip
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for w, per in results.items():

        def ms(p: str, per: dict = per) -> str:
            return f"{1000 * statistics.median(per[p]['times']):.1f}" if p in per else "–"

        def mb(p: str, per: dict = per) -> str:
            v = per.get(p, {}).get("rss_peak_mb")
            return "–" if v is None else f"{v:.1f}"

        rt, rn = _ratio(results, w, "ours", "torch_cpu"), _ratio(results, w, "ours", "numpy_hand")
        mem = None
        if "ours" in per and "torch_cpu" in per:
            a, b = per["ours"].get("rss_peak_mb"), per["torch_cpu"].get("rss_peak_mb")
            mem = a / b if a and b else None
        cells = [w, ms("numpy_hand"), ms("torch_cpu"), ms("ours"),
                 "–" if rt is None else f"{rt:.2f}×", "–" if rn is None else f"{rn:.2f}×",
                 f"{mb('numpy_hand')} / {mb('torch_cpu')} / {mb('ours')}",
                 "–" if mem is None else f"{mem:.2f}×"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="one round, fewer steps")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", help="save the numbers as JSON")
    args = ap.parse_args(argv)
    mode = "quick" if args.quick else "full"
    results = run(mode, 1 if args.quick else args.rounds)
    print(format_table(results))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"machine": harness.machine_info(), "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
