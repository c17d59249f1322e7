"""Run every example as a script in a temporary directory; check its numbers and its files.

Expected numbers come from the source texts ("Walking the Gradient", "A Little Gradient
Descent") or are recomputed here with NumPy, never copied from our own output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinygrad_lite.viz.renderer import find_renderer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = ROOT / "data"


def run_example(name: str, cwd: Path, *args: str, env: dict | None = None) -> str:
    """Run examples/NAME as a subprocess in ``cwd``; return stdout (fail on exit != 0)."""
    full_env = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
    return proc.stdout


def number(pattern: str, text: str) -> float:
    """The first number captured by ``pattern`` in ``text``."""
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not found in:\n{text}"
    return float(m.group(1).replace(",", ""))


def pizza() -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(DATA / "pizza.txt", skiprows=1)
    return table[:, 0], table[:, 1]


def numpy_gd_pizza(iterations: int = 20_000, lr: float = 0.001) -> tuple[float, float]:
    """The book's C3.GradientDescentFinal.train in NumPy (loop over 0..iterations)."""
    x, y = pizza()
    w = b = 0.0
    for _ in range(iterations + 1):
        e = x * w + b - y
        w, b = w - 2 * (e * x).mean() * lr, b - 2 * e.mean() * lr
    return w, b


def test_example_files_are_notebook_friendly() -> None:
    scripts = sorted(EXAMPLES.glob("[0-9][0-9]_*.py"))
    assert len(scripts) >= 7, [s.name for s in scripts]
    for script in scripts:
        text = script.read_text()
        assert text.startswith('"""'), f"{script.name} should open with a docstring"
        assert text.count("# %%") >= 3, f"{script.name} should be split into # %% cells"


def test_pizza(tmp_path: Path) -> None:
    out = run_example("01_pizza.py", tmp_path)
    # the tweak search: w, b from a direct NumPy run of the book's chapter-2 algorithm
    tweak = out[out.index("tweak search") :]
    assert number(r"stopped at iteration ([\d,]+)", tweak) == 157_777
    assert number(r"w=([-\d.]+)", tweak) == pytest.approx(1.0812, abs=1e-4)
    assert number(r"b=([-\d.]+)", tweak) == pytest.approx(13.1715, abs=1e-4)
    # gradient descent: the book's numbers and a NumPy re-run
    w_np, b_np = numpy_gd_pizza()
    gd = out[out.index("gradient descent (autograd)") :]
    assert number(r"w=([-\d.]+)", gd) == pytest.approx(1.0811, abs=1e-4)
    assert number(r"b=([-\d.]+)", gd) == pytest.approx(13.1723, abs=1e-4)
    assert number(r"w=([-\d.]+)", gd) == pytest.approx(w_np, abs=1e-4)
    assert number(r"b=([-\d.]+)", gd) == pytest.approx(b_np, abs=1e-4)
    assert number(r"y=([-\d.]+)", gd) == pytest.approx(34.79, abs=0.01)
    # the gradient at w = 0 without bias: 2 * mean((0 - y) * x)
    x, y = pizza()
    assert number(r"by hand = ([-\d.]+)", out) == pytest.approx(2 * (-y * x).mean(), abs=1e-4)
    assert number(r"by autograd = ([-\d.]+)", out) == pytest.approx(2 * (-y * x).mean(), abs=1e-4)
    # without bias, 101 updates at lr 0.001 (NumPy)
    w = 0.0
    for _ in range(101):
        w -= 2 * ((x * w - y) * x).mean() * 0.001
    assert number(r"without bias: w=([-\d.]+)", out) == pytest.approx(w, abs=1e-4)
    for name in ("pizza_weight_vs_loss.png", "pizza_loss.png", "pizza_loss_surface.png"):
        path = tmp_path / "out" / name
        assert path.stat().st_size > 1000 and f"wrote out/{name}" in out


def test_without_matplotlib_examples_still_print_numbers(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('blocked for the test')\n")
    pythonpath = os.pathsep.join([str(blocker.parent), os.environ.get("PYTHONPATH", "")])
    out = run_example(
        "05_when_gd_fails.py", tmp_path, "--out", "pics", env={"PYTHONPATH": pythonpath}
    )
    assert "matplotlib is not installed" in out
    assert number(r"cliff: GD from w=0 ends at w=([-\d.]+)", out) == pytest.approx(3.0, abs=1e-3)
    assert not list((tmp_path / "pics").glob("*.png"))


def test_when_gd_fails(tmp_path: Path) -> None:
    out = run_example("05_when_gd_fails.py", tmp_path, "--out", "o")
    # bumpy: w^4 - 3w^2 + w; its critical points are the roots of 4w^3 - 6w + 1
    roots = np.sort(np.roots([4, 0, -6, 1]).real)
    assert number(r"GD from w=\+2: ends at w=([-\d.]+)", out) == pytest.approx(roots[2], abs=1e-3)
    assert number(r"GD from w=-2: ends at w=([-\d.]+)", out) == pytest.approx(roots[0], abs=1e-3)
    # cliff: GD ends at the bowl's bottom w = 3 on the high side of the step
    assert number(r"cliff: GD from w=0 ends at w=([-\d.]+)", out) == pytest.approx(3.0, abs=1e-3)
    assert number(r"with L=([-\d.]+)", out) == pytest.approx(10.0, abs=1e-3)
    assert number(r"after 50 steps w=([-\d.]+)", out) == pytest.approx(0.2)
    # |w - 1| at lr 0.3 from 0: 0, .3, .6, .9, 1.2, .9, 1.2, ...
    last = re.search(r"the last four w: (.*)", out).group(1)
    assert [float(v) for v in last.split(",")] == pytest.approx([0.9, 1.2, 0.9, 1.2])
    assert (tmp_path / "o" / "gd_fails.png").stat().st_size > 1000


# "A Little Gradient Descent", verbatim from the note
NOTE_LOSS = "(/ (+ (+ 0 (** (- (+ (* m -2) b) -3) 2)) (** (- (+ (* m 3) b) 7) 2)) 2)"
NOTE_DLOSS_DM = (
    "(+ (* 0.5 (+ (* 1 (+ 0 (* 1 (+ (* (* 2 (** (- (+ (* m -2) b) -3) 1)) (+ (* 1 (+ (* 1 "
    "(+ -2 (* m 0))) 0)) 0)) 0)))) (* 1 (+ (* (* 2 (** (- (+ (* m 3) b) 7) 1)) (+ (* 1 (+ "
    "(* 1 (+ 3 (* m 0))) 0)) 0)) 0)))) (* (/ (- 0 (+ (+ 0 (** (- (+ (* m -2) b) -3) 2)) (** "
    "(- (+ (* m 3) b) 7) 2))) 4) 0))"
)


def test_line_two_points(tmp_path: Path) -> None:
    out = run_example("02_line_two_points.py", tmp_path)
    assert f"loss = {NOTE_LOSS}\n" in out
    assert NOTE_DLOSS_DM in out
    # the note: lr 0.1, 20 iterations from m = b = 0 -> m = 2.0011, b = 0.9883
    for how in ("symbolic training", "tape training"):
        line = out[out.index(how) :].splitlines()[0]
        assert number(r"m=([-\d.]+)", line) == pytest.approx(2.0011, abs=1e-4)
        assert number(r"b=([-\d.]+)", line) == pytest.approx(0.9883, abs=1e-4)
    # dL/dm = 13m + b - 27 and dL/db = m + 2b - 4 (by hand), at (0, 0) and (1.5, -0.5)
    rows = re.findall(r"(symbolic|tape|finite difference)\s+([-\d.]+)\s+([-\d.]+)", out)
    assert len(rows) == 9
    expected = [(-27.0, -4.0)] * 3 + [(13 * 1.5 - 0.5 - 27, 1.5 - 1 - 4)] * 3
    for (_, gm, gb), (em, eb) in zip(rows[:6], expected):
        assert float(gm) == pytest.approx(em, abs=1e-6)
        assert float(gb) == pytest.approx(eb, abs=1e-6)
    assert "all three agree" in out
    assert (tmp_path / "out" / "line_fit.gif").read_bytes()[:3] == b"GIF"
    if find_renderer("svg") is None:  # no pictures: the DOT source and one line saying why
        assert (tmp_path / "out" / "line_graph.dot").read_text().startswith("digraph")
        assert "pip install 'tinygrad_lite[viz]'" in out
    else:
        assert (tmp_path / "out" / "line_graph.svg").read_text().count("<svg") == 1
        backprop = (tmp_path / "out" / "line_backprop.html").read_text()
        assert "grad m += grad v0 * x = -27" in backprop  # the first step's gradient, dL/dm
        fit = (tmp_path / "out" / "line_fit.html").read_text()
        assert fit.count('"head": "iteration ') == 20


def numpy_quadratic(x: np.ndarray, y: np.ndarray, lrs: np.ndarray, steps: int) -> float:
    """Full-batch GD on a0 + a1 x + a2 x^2 from zeros; the loss before the last step."""
    features = np.stack([np.ones_like(x), x, x**2])
    a = np.zeros(3)
    for _ in range(steps - 1):
        a = a - lrs * 2 * (features * (a @ features - y)).mean(axis=1)
    return ((a @ features - y) ** 2).mean()


def test_quadratic_param_groups(tmp_path: Path) -> None:
    out = run_example("03_quadratic_param_groups.py", tmp_path)
    for n in (3, 10):
        section = out[out.index(f"--- {n} points") :]
        x, y = np.loadtxt(DATA / f"quadratic{n}.txt", skiprows=1).T
        np.testing.assert_allclose(y, 0.5 * x**2 - 3 * x + 2)
        small = numpy_quadratic(x, y, np.full(3, 2e-4), 200)
        assert number(r"shared lr 2e-4: loss=([-\d.e+]+)", section) == pytest.approx(
            small, rel=1e-4
        )
        assert small > 1.0  # bottoms out above 0
        assert "shared lr 1e-3: overflow at iteration" in section.split("---")[1]
        assert number(r"per-parameter lr: loss=([-\d.e+]+)", section) < 1e-12
    assert (tmp_path / "out" / "quadratic.png").stat().st_size > 1000


def test_minibatch_epochs(tmp_path: Path) -> None:
    out = run_example("04_minibatch_epochs.py", tmp_path)
    x, y = pizza()
    w = b = 0.0
    for _ in range(40):  # full batch: plain gradient descent, one step per epoch
        e = x * w + b - y
        w, b = w - 2 * (e * x).mean() * 0.001, b - 2 * e.mean() * 0.001
    full = out[out.index("full batch (30)") :].splitlines()[0]
    assert number(r"(\d+) steps", full) == 40
    assert number(r"after epoch 40:\s+([-\d.]+)", full) == pytest.approx(
        ((x * w + b - y) ** 2).mean(), abs=1e-3
    )
    assert number(r"minibatch \(6\):\s+(\d+) steps", out) == 40 * 5
    assert number(r"single sample \(1\):\s+(\d+) steps", out) == 40 * 30
    assert (tmp_path / "out" / "minibatch_loss.png").stat().st_size > 1000


def test_mlp_two_moons(tmp_path: Path) -> None:
    out = run_example("06_mlp_two_moons.py", tmp_path)
    assert number(r"(\d+) parameters", out) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    assert number(r"final accuracy: ([\d.]+)", out) >= 0.95
    assert (tmp_path / "out" / "moons_boundary.png").stat().st_size > 1000
    if find_renderer("svg") is None:
        assert "Linear" in (tmp_path / "out" / "moons_graph.dot").read_text()
    else:
        svg = (tmp_path / "out" / "moons_graph.svg").read_text()
        assert svg.count("<svg") == 1 and "Linear" in svg


def epoch_losses(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"(?:train loss|final loss|model loss) ([\d.]+)", text)]


def test_pytorch_style_runs_on_tinygrad_lite(tmp_path: Path) -> None:
    out = run_example("07_pytorch_style.py", tmp_path, env={"EXAMPLE_BACKEND": "tinygrad_lite"})
    assert "backend: tinygrad_lite" in out
    losses = epoch_losses(out)
    assert len(losses) == 8 and losses[-1] == losses[-2]  # reloaded model = trained model
    assert losses[-1] < losses[0] / 5
    assert (tmp_path / "out" / "pytorch_style_tinygrad_lite.pt").exists()


@pytest.mark.slow
def test_pytorch_style_gives_pytorchs_numbers(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    ours = epoch_losses(run_example("07_pytorch_style.py", tmp_path, "--backend", "tinygrad_lite"))
    theirs = epoch_losses(run_example("07_pytorch_style.py", tmp_path, "--backend", "torch"))
    assert len(ours) == len(theirs) == 8
    assert ours == pytest.approx(theirs, rel=1e-5)


# --- issue 20: the CNN lesson on scikit-learn's digits ---------------------------------
def digits_run(tmp_path: Path, *args: str) -> tuple[str, float]:
    # one thread: PyTorch's default thread pool crawls on a busy shared machine
    out = run_example("08_cnn_digits.py", tmp_path, "--epochs", "5", *args,
                      env={"OMP_NUM_THREADS": "1"})  # fmt: skip
    return out, number(r"test accuracy: ([\d.]+)\n", out)


def test_cnn_digits(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    out, accuracy = digits_run(tmp_path)
    assert accuracy >= 0.95  # (15 epochs, the script's default, reach >= 0.97)
    rows = re.findall(r"^  (\d): ((?:\s*\d+){10})$", out, flags=re.M)
    confusion = np.array([[int(v) for v in row.split()] for _, row in rows])
    assert confusion.shape == (10, 10) and confusion.sum() == 360
    assert np.trace(confusion) / 360 == pytest.approx(accuracy, abs=1e-4)
    assert number(r"(\d+) parameters", out) == (16 * 25 + 16) + 2 * 16 + (32 * 16 * 9 + 32) + (
        2 * 32
    ) + (128 * 64 + 64) + (64 * 10 + 10)
    for name in ("digits_filters.png", "digits_confusion.png"):
        assert (tmp_path / "out" / name).stat().st_size > 1000
    assert (tmp_path / "out" / "digits_graph.dot").read_text().count("collapsed") == 12


@pytest.mark.slow
def test_cnn_digits_gives_pytorchs_accuracy(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("torch")
    ours, ours_acc = digits_run(tmp_path)
    theirs, torch_acc = digits_run(tmp_path, "--backend", "torch")
    assert "backend: torch" in theirs
    assert abs(ours_acc - torch_acc) <= 0.01
    losses = [re.findall(r"train loss ([\d.]+)", t) for t in (ours, theirs)]
    assert [float(v) for v in losses[0]] == pytest.approx([float(v) for v in losses[1]], rel=1e-2)
