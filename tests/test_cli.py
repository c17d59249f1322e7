"""The ``tinygrad-lite`` command line, run as ``python -m tinygrad_lite`` in a temp directory.

Checks the printed numbers (the books' values or NumPy re-computations), the files written,
and that bad input gives one line on stderr, the documented exit code and no traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinygrad_lite import cli
from tinygrad_lite.viz.renderer import INSTALL_HINT, find_renderer

ROOT = Path(__file__).resolve().parents[1]


def run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tinygrad_lite", *args],
        cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def number(pattern: str, text: str) -> float:
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in:\n{text}"
    return float(m.group(1))


def test_embedded_pizza_rows_match_data_file() -> None:
    table = np.loadtxt(ROOT / "data" / "pizza.txt", skiprows=1)
    np.testing.assert_array_equal(np.array(cli.PIZZA_ROWS, dtype=float), table)


needs_renderer = pytest.mark.skipif(
    find_renderer("svg") is None, reason=f"no pictures: {INSTALL_HINT}"
)


@needs_renderer
def test_demo_prints_the_books_numbers_and_writes_pictures(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    proc = run(tmp_path, "demo")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # "Walking the Gradient": 20,000 iterations at lr 0.001 -> w=1.0811, b=13.1723, 34.79
    assert number(r"  w = ([\d.]+)", out) == pytest.approx(1.0811, abs=1e-4)
    assert number(r", b = ([\d.]+)", out) == pytest.approx(13.1723, abs=1e-4)
    assert number(r"20 reservations: ([\d.]+)", out) == pytest.approx(34.79, abs=0.01)
    x, y = np.array(cli.PIZZA_ROWS, dtype=float).T
    w, b = number(r"  w = ([\d.]+)", out), number(r", b = ([\d.]+)", out)
    assert number(r"loss = ([\d.]+)", out) == pytest.approx(((x * w + b - y) ** 2).mean(), rel=1e-3)
    assert (tmp_path / "out" / "pizza_loss.png").stat().st_size > 1000
    svg = tmp_path / "out" / "pizza_graph.svg"
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))
    assert "wrote out/pizza_graph.svg" in out and "wrote out/pizza_loss.png" in out


def test_demo_without_a_renderer_writes_the_dot_source(tmp_path: Path) -> None:
    empty = tmp_path / "empty_path"
    empty.mkdir()
    env = {"PATH": str(empty), "TINYGRAD_LITE_DOT": "none"}
    proc = run(tmp_path, "demo", "--out", "o", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "34.79" in proc.stdout
    assert (tmp_path / "o" / "pizza_graph.dot").read_text().startswith("digraph")
    assert not (tmp_path / "o" / "pizza_graph.svg").exists()
    hint = [line for line in proc.stdout.splitlines() if "pizza_graph" in line]
    assert len(hint) == 1 and "pip install 'tinygrad_lite[viz]'" in hint[0]
    assert "Traceback" not in proc.stderr


def test_demo_without_matplotlib_still_prints_numbers(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('blocked for the test')\n")
    pythonpath = os.pathsep.join([str(blocker.parent), os.environ.get("PYTHONPATH", "")])
    proc = run(tmp_path, "demo", env={"PYTHONPATH": pythonpath})
    assert proc.returncode == 0, proc.stderr
    assert "34.79" in proc.stdout and "pip install 'tinygrad_lite[plot]'" in proc.stdout
    assert not (tmp_path / "out" / "pizza_loss.png").exists()


def test_graph_matches_the_blog_note(tmp_path: Path) -> None:
    # "A Little Gradient Descent": e = x**2 + x*y at x=2, y=3 -> 10, de/dx = 7, de/dy = 2
    proc = run(tmp_path, "graph", "x**2 + x*y", "--var", "x=2", "--var", "y=3", "--out", "g.svg")
    assert proc.returncode == 0, proc.stderr
    assert number(r"= ([\d.]+)\n", proc.stdout) == 10
    assert number(r"d/dx = ([\d.]+)", proc.stdout) == 7
    assert number(r"d/dy = ([\d.]+)", proc.stdout) == 2
    if find_renderer("svg") is not None:
        assert (tmp_path / "g.svg").read_text().count("<svg") == 1


def test_graph_functions(tmp_path: Path) -> None:
    proc = run(tmp_path, "graph", "exp(x) * tanh(-x) / 2", "--var", "x=0.5", "--out", "f.svg")
    assert proc.returncode == 0, proc.stderr
    x = 0.5
    value = np.exp(x) * np.tanh(-x) / 2
    grad = (np.exp(x) * np.tanh(-x) - np.exp(x) * (1 - np.tanh(x) ** 2)) / 2
    assert number(r"= ([-\d.e]+)\n", proc.stdout) == pytest.approx(value, rel=1e-5)
    assert number(r"d/dx = ([-\d.e]+)", proc.stdout) == pytest.approx(grad, rel=1e-5)


def test_parse_expression_rejects_everything_but_arithmetic() -> None:
    for bad in ("__import__('os')", "x.real", "[x]", "x if y else 2", "lambda: 1", "x < y",
                "'a' * 3", "open('f')", "exp(x, y)", "exp(x=1)", "x // 2", "x @ y", "True"):  # fmt: skip
        with pytest.raises(cli.UsageError):
            cli.parse_expression(bad)
    tree = cli.parse_expression("-x**2 + sin(y) / 3")
    assert cli.expression_names(tree) == ["x", "y"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["graph", "x + ", "--var", "x=1"], ["cannot parse"]),
        (["graph", "__import__('os').system('true')"], ["allowed"]),
        (["graph", "x*y", "--var", "x=1"], ["no value for y"]),
        (["graph", "x", "--var", "x=abc"], ["not a number"]),
        (["graph", "x", "--var", "x"], ["NAME=NUMBER"]),
        (["graph", "2 + 3"], ["no variables"]),
        (["bogus"], ["invalid choice"]),
        ([], ["required"]),
        (["train", "--data", "d.txt", "--epochs", "0"], ["at least 1"]),
        (["train", "--data", "d.txt", "--lr", "-1"], ["positive"]),
        (["train", "--data", "d.txt", "--model", "cubic"], ["invalid choice"]),
        (["predict", "--checkpoint", "c.npz", "abc"], ["not a number"]),
        (["predict", "--checkpoint", "c.npz"], ["required"]),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path: Path, args: list, words: list) -> None:
    assert_one_line_error(run(tmp_path, *args), 2, *words)


def test_version(tmp_path: Path) -> None:
    import tinygrad_lite

    proc = run(tmp_path, "--version")
    assert proc.returncode == 0 and tinygrad_lite.__version__ in proc.stdout


def numpy_fit(x: np.ndarray, y: np.ndarray, epochs: int, lrs: np.ndarray, degree: int) -> tuple:
    """Full-batch gradient descent on mean((sum_k a_k x^k - y)^2) from zeros, in NumPy."""
    features = np.stack([x**k for k in range(degree + 1)])
    a = np.zeros(degree + 1)
    for _ in range(epochs):
        error = a @ features - y
        a = a - lrs * 2 * (features * error).mean(axis=1)
    return a, ((a @ features - y) ** 2).mean()


def test_train_linear_full_batch_matches_numpy_and_predicts(tmp_path: Path) -> None:
    data = ROOT / "data" / "pizza.txt"
    proc = run(tmp_path, "train", "--data", str(data), "--epochs", "300", "--lr", "0.001",
               "--save", "ck/pizza.npz", "--quiet")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    x, y = np.loadtxt(data, skiprows=1).T
    (b, w), loss = numpy_fit(x, y, 300, np.array([0.001, 0.001]), 1)
    assert number(r"w=([-\d.e+]+)", proc.stdout) == pytest.approx(w, rel=1e-5)
    assert number(r"b=([-\d.e+]+)", proc.stdout) == pytest.approx(b, rel=1e-5)
    assert number(r"loss=([-\d.e+]+)", proc.stdout) == pytest.approx(loss, rel=1e-5)
    assert "wrote" not in proc.stdout  # --quiet
    pred = run(tmp_path, "predict", "--checkpoint", "ck/pizza.npz", "20", "-1.5")
    assert pred.returncode == 0, pred.stderr
    lines = pred.stdout.strip().splitlines()
    assert len(lines) == 2
    assert float(lines[0].split("->")[1]) == pytest.approx(20 * w + b, rel=1e-5)
    assert float(lines[1].split("->")[1]) == pytest.approx(-1.5 * w + b, rel=1e-5)


def test_train_quadratic_with_param_lrs_converges(tmp_path: Path) -> None:
    data = ROOT / "data" / "quadratic10.txt"
    proc = run(tmp_path, "train", "--data", str(data), "--model", "quadratic", "--epochs", "200",
               "--lr", "0.01", "--param-lr", "a2=1e-4", "--param-lr", "a0=0.4", "--save", "q.npz")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    x, y = np.loadtxt(data, skiprows=1).T
    a, loss = numpy_fit(x, y, 200, np.array([0.4, 0.01, 1e-4]), 2)
    assert number(r"a2=([-\d.e+]+)", proc.stdout) == pytest.approx(a[2], rel=1e-6)
    assert number(r"a0=([-\d.e+]+)", proc.stdout) == pytest.approx(a[0], rel=1e-6)
    assert number(r"loss=([-\d.e+]+)", proc.stdout) < 1e-10
    assert "wrote q.npz" in proc.stdout
    pred = run(tmp_path, "predict", "--checkpoint", "q.npz", "4")
    assert float(pred.stdout.split("->")[1]) == pytest.approx(a[0] + 4 * a[1] + 16 * a[2])


def test_train_minibatches_are_seeded(tmp_path: Path) -> None:
    data = str(ROOT / "data" / "pizza.txt")
    args = ("train", "--data", data, "--epochs", "5", "--batch-size", "4", "--quiet")
    first, second = run(tmp_path, *args), run(tmp_path, *args)
    assert first.returncode == 0 and first.stdout == second.stdout
    other = run(tmp_path, *args, "--seed", "1")
    assert other.stdout != first.stdout


def test_train_says_when_the_loss_went_up(tmp_path: Path) -> None:
    data = str(ROOT / "data" / "quadratic10.txt")
    proc = run(tmp_path, "train", "--data", data, "--model", "quadratic", "--epochs", "20",
               "--lr", "0.001", "--quiet")  # fmt: skip
    assert proc.returncode == 0 and "the loss went up" in proc.stdout


@pytest.mark.parametrize(
    "content, words",
    [
        ("x y\n1 2\n3 abc\n", ["line 3", "abc", "not a number"]),
        ("x y z\n1 2 3\n", ["expected 2 columns"]),
        ("", ["empty"]),
        ("x y\n", ["no rows"]),
        ("x y\n1 2\n3\n", ["line 3"]),
        ("x y\n1 inf\n", ["inf"]),
    ],
)
def test_train_bad_data_files_exit_1(tmp_path: Path, content: str, words: list) -> None:
    (tmp_path / "d.txt").write_text(content)
    assert_one_line_error(run(tmp_path, "train", "--data", "d.txt"), 1, "d.txt", *words)


def test_train_bad_files_and_options(tmp_path: Path) -> None:
    assert_one_line_error(run(tmp_path, "train", "--data", "missing.txt"), 1, "not found")
    (tmp_path / "folder").mkdir()
    assert_one_line_error(run(tmp_path, "train", "--data", "folder"), 1, "directory")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00\x81" * 10)
    assert_one_line_error(run(tmp_path, "train", "--data", "bin.txt"), 1, "bin.txt")
    data = str(ROOT / "data" / "pizza.txt")
    proc = run(tmp_path, "train", "--data", data, "--param-lr", "w2=0.1")
    assert_one_line_error(proc, 2, "no parameter w2", "w, b")
    proc = run(tmp_path, "train", "--data", data, "--param-lr", "w=0")
    assert_one_line_error(proc, 2, "positive")
    proc = run(tmp_path, "train", "--data", data, "--lr", "10", "--epochs", "400", "--quiet")
    assert_one_line_error(proc, 1, "diverged", "--lr")


def test_predict_bad_checkpoints_exit_1(tmp_path: Path) -> None:
    assert_one_line_error(run(tmp_path, "predict", "--checkpoint", "nope.npz", "1"), 1, "not found")
    (tmp_path / "text.npz").write_text("not a checkpoint")
    assert_one_line_error(run(tmp_path, "predict", "--checkpoint", "text.npz", "1"), 1, "text.npz")
    np.savez(tmp_path / "foreign.npz", a=np.ones(3))
    proc = run(tmp_path, "predict", "--checkpoint", "foreign.npz", "1")
    assert_one_line_error(proc, 1, "foreign.npz")
    import tinygrad_lite

    tinygrad_lite.save({"weights": tinygrad_lite.ones(2)}, tmp_path / "other.npz")
    proc = run(tmp_path, "predict", "--checkpoint", "other.npz", "1")
    assert_one_line_error(proc, 1, "not one written by")
    tinygrad_lite.save({"model": "quadratic", "state_dict": {"w": tinygrad_lite.ones(())}},
                       tmp_path / "mismatch.npz")  # fmt: skip
    proc = run(tmp_path, "predict", "--checkpoint", "mismatch.npz", "1")
    assert_one_line_error(proc, 1, "do not fit a quadratic model")


def test_progress_bar_only_on_a_terminal_and_not_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    tqdm = pytest.importorskip("tqdm")
    items = range(3)

    class Args:
        quiet = False

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    bar = cli._progress(items, Args(), disable=True)
    assert isinstance(bar, tqdm.tqdm)
    Args.quiet = True
    assert cli._progress(items, Args()) is items
    Args.quiet = False
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert cli._progress(items, Args()) is items


def test_console_script_is_installed(tmp_path: Path) -> None:
    import shutil

    exe = shutil.which("tinygrad-lite")
    if exe is None:
        pytest.skip("the package is not installed with its console script")
    proc = subprocess.run([exe, "--version"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("tinygrad-lite ")


def test_expression_names_in_order_of_appearance() -> None:
    tree = cli.parse_expression("log(zeta) / b - -a + exp(b) * zeta")
    assert cli.expression_names(tree) == ["zeta", "b", "a"]


@pytest.mark.parametrize("expr", ["2**2**99999*x", "1/0*x"])
def test_graph_numbers_out_of_range_exit_1(tmp_path: Path, expr: str) -> None:
    assert_one_line_error(run(tmp_path, "graph", expr, "--var", "x=1"), 1, "cannot evaluate")
