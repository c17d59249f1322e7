"""The command line's rough edges: values that look like options, errors that name the flag,
output places refused before any work, PNG output, safetensors checkpoints, and the smallest
install (no graphviz, no matplotlib) still printing the book's numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinygrad_lite.viz.renderer import INSTALL_HINT, find_renderer

ROOT = Path(__file__).resolve().parents[1]
PIZZA = str(ROOT / "data" / "pizza.txt")


def run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tinygrad_lite", *args],
        cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def one_line_error(proc: subprocess.CompletedProcess, code: int, *words: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def blocked(tmp_path: Path, *modules: str) -> dict:
    """An environment in which importing ``modules`` fails (as if not installed)."""
    folder = tmp_path / "blocked"
    for name in modules:
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text("raise ImportError('not installed')\n")
    return {"PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ckpt")
    proc = run(folder, "train", "--data", PIZZA, "--epochs", "5", "--save", "m.npz", "--quiet")
    assert proc.returncode == 0, proc.stderr
    return folder / "m.npz"


def predictions(stdout: str) -> dict[str, float]:
    pairs = (line.split(" -> ") for line in stdout.strip().splitlines())
    return {x: float(y) for x, y in pairs}


def test_predict_takes_negative_inf_and_nan_without_double_dash(tmp_path, checkpoint):
    proc = run(
        tmp_path, "predict", "--checkpoint", str(checkpoint), "-1", "-2.5e1", "-inf", "nan", "3"
    )
    assert proc.returncode == 0, proc.stderr
    got = predictions(proc.stdout)
    assert list(got) == ["-1", "-25", "-inf", "nan", "3"]
    slope = (got["3"] - got["-1"]) / 4
    assert got["-25"] == pytest.approx(got["-1"] - 24 * slope, rel=1e-9)
    assert got["-inf"] == -np.inf and np.isnan(got["nan"])
    one_line_error(
        run(tmp_path, "predict", "--checkpoint", str(checkpoint), "-x"), 2, "'-x' is not a number"
    )


def test_graph_takes_an_expression_starting_with_minus_and_negative_values(tmp_path):
    proc = run(tmp_path, "graph", "-x*y", "--var", "x=-2", "--var", "y=-inf", "--out", "g.svg")
    assert proc.returncode == 0, proc.stderr
    assert "-x*y at x=-2, y=-inf = -inf" in proc.stdout
    assert "d/dx = inf" in proc.stdout and "d/dy = 2" in proc.stdout


def test_seed_out_of_range_names_the_flag(tmp_path):
    for seed in ("-1", str(2**64), "1.5"):
        proc = run(tmp_path, "train", "--data", PIZZA, "--seed", seed)
        one_line_error(proc, 2, "--seed", repr(seed))


def test_a_3000_term_expression_is_too_deep_exit_2(tmp_path):
    expr = " + ".join(["x"] * 3000)
    line = one_line_error(run(tmp_path, "graph", expr, "--var", "x=1"), 2, "expression too deep")
    assert len(line) < 200
    nested = "(" * 300 + "x" + ")" * 300
    one_line_error(run(tmp_path, "graph", nested, "--var", "x=1"), 2, "expression too deep")
    proc = run(tmp_path, "graph", " + ".join(["x"] * 50), "--var", "x=1", "--out", "ok.svg")
    assert proc.returncode == 0 and "= 50" in proc.stdout and "d/dx = 50" in proc.stdout


@pytest.mark.parametrize("command", ["graph", "demo"])
def test_unwritable_out_is_refused_in_one_line_before_any_work(tmp_path, command):
    (tmp_path / "afile").write_text("not a directory")
    if command == "graph":
        args = ["graph", "x*x", "--var", "x=3", "--out", "afile/g.svg"]
    else:
        args = ["demo", "--out", "afile/pictures"]
    proc = run(tmp_path, *args)
    one_line_error(proc, 1, "--out", "afile/")
    assert proc.stdout == ""  # nothing was computed or printed
    proc = run(tmp_path, *args[:-1], "/proc/no/such/place")
    one_line_error(proc, 1, "--out", "/proc/no/such/place", "cannot write there")
    assert proc.stdout == ""


def test_demo_out_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    assert run(tmp_path, "demo", "--out", "f").stdout == ""
    one_line_error(run(tmp_path, "demo", "--out", "f"), 1, "--out f", "not a directory")


@pytest.mark.skipif(find_renderer("png") is None, reason=f"no pictures: {INSTALL_HINT}")
def test_graph_out_png_writes_a_png(tmp_path):
    proc = run(tmp_path, "graph", "x*y", "--var", "x=2", "--var", "y=3", "--out", "g.png")
    assert proc.returncode == 0, proc.stderr
    assert "wrote g.png" in proc.stdout
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "g.svg").exists()


def test_graph_out_with_another_suffix_is_refused_before_work(tmp_path):
    proc = run(tmp_path, "graph", "x*y", "--var", "x=2", "--var", "y=3", "--out", "g.pdf")
    one_line_error(proc, 2, "--out g.pdf", ".svg or .png")
    assert proc.stdout == "" and not (tmp_path / "g.pdf").exists()


def test_a_diverging_run_exits_1_as_documented(tmp_path):
    proc = run(tmp_path, "train", "--data", PIZZA, "--lr", "10", "--epochs", "400", "--quiet")
    one_line_error(proc, 1, "training diverged", "--lr")
    doc = (ROOT / "docs" / "cli.md").read_text()
    assert "`1` for a bad file or bad data" in doc and "a diverging run" in doc


def test_bad_save_path_is_refused_before_training(tmp_path):
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    for bad, words in (("afile/m.npz", ["--save afile/m.npz", "not a directory"]),
                       ("adir", ["--save adir", "is a directory"]),
                       ("/proc/nope/m.npz", ["--save /proc/nope/m.npz", "cannot write"])):  # fmt: skip
        proc = run(tmp_path, "train", "--data", PIZZA, "--epochs", "3", "--save", bad)
        one_line_error(proc, 1, *words)
        assert "training" not in proc.stdout


def test_predict_help_documents_its_arguments(tmp_path):
    proc = run(tmp_path, "predict", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "--checkpoint CKPT checkpoint written by `train --save` (.npz or .safetensors)" in text
    assert "X inputs (numbers; negative, inf and nan are fine" in text
    assert "print `x -> y` for each X" in text


def test_train_and_predict_with_a_safetensors_checkpoint(tmp_path):
    pytest.importorskip("safetensors")
    proc = run(
        tmp_path, "train", "--data", PIZZA, "--epochs", "5", "--save", "m.safetensors", "--quiet"
    )
    assert proc.returncode == 0, proc.stderr
    run(tmp_path, "train", "--data", PIZZA, "--epochs", "5", "--save", "m.npz", "--quiet")
    a = run(tmp_path, "predict", "--checkpoint", "m.safetensors", "20", "-3")
    b = run(tmp_path, "predict", "--checkpoint", "m.npz", "20", "-3")
    assert a.returncode == 0 and a.stdout == b.stdout and "20 -> " in a.stdout
    from safetensors.numpy import load_file

    assert sorted(load_file(str(tmp_path / "m.safetensors"))) == ["b", "w"]


def test_predict_with_a_state_dict_written_by_pytorch(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    save_file({"w": torch.tensor(2.0, dtype=torch.float64), "b": torch.tensor(-1.0, dtype=torch.float64)},
              str(tmp_path / "t.safetensors"))  # fmt: skip
    proc = run(tmp_path, "predict", "--checkpoint", "t.safetensors", "3", "-1")
    assert proc.returncode == 0, proc.stderr
    assert predictions(proc.stdout) == {"3": 5.0, "-1": -3.0}
    save_file({"other": torch.ones(2)}, str(tmp_path / "o.safetensors"))
    one_line_error(
        run(tmp_path, "predict", "--checkpoint", "o.safetensors", "1"), 1, "o.safetensors"
    )


def test_bad_safetensors_checkpoint_exits_1(tmp_path):
    pytest.importorskip("safetensors")
    (tmp_path / "bad.safetensors").write_bytes(b"\xff" * 8 + b"{}")
    proc = run(tmp_path, "predict", "--checkpoint", "bad.safetensors", "1")
    one_line_error(proc, 1, "bad.safetensors", "not a valid safetensors file")


def test_safetensors_save_without_the_package_names_the_extra_before_training(tmp_path):
    proc = run(tmp_path, "train", "--data", PIZZA, "--save", "m.safetensors",
               env=blocked(tmp_path, "safetensors"))  # fmt: skip
    one_line_error(proc, 1, "pip install 'tinygrad_lite[safetensors]'")
    assert "training" not in proc.stdout


def test_smallest_install_demo_prints_the_numbers_and_one_hint(tmp_path):
    proc = run(tmp_path, "demo", env=blocked(tmp_path, "graphviz", "matplotlib"))
    assert proc.returncode == 0, proc.stderr
    assert "w = 1.0811, b = 13.1723" in proc.stdout and "34.79 pizzas" in proc.stdout
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == (
        "(no pictures: pip install 'tinygrad_lite[viz,plot]' to draw the graph and the loss curve)"
    )
    assert len(lines) == 5 and proc.stderr == ""


def test_smallest_install_teaching_tools_work_and_draw_names_the_extra(tmp_path):
    code = (
        "import tinygrad_lite as t\n"
        "from tinygrad_lite import viz\n"
        "m = t.tensor(0.0, requires_grad=True); x = t.tensor([-2.0, 3.0])\n"
        "loss = ((m * x - x) ** 2).mean()\n"
        "print(viz.tape(loss, {'m': m, 'x': x}))\n"
        "print(viz.backward_trace(loss, {'m': m, 'x': x}))\n"
        "print(viz.as_text(loss))\n"
        "try:\n    viz.draw(loss)\nexcept ImportError as e:\n    print('IMPORT', e)\n"
        "try:\n    from tinygrad_lite.viz import plots; plots.loss_curve([1.0, 0.5])\n"
        "except ImportError as e:\n    print('IMPORT', e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **blocked(tmp_path, "graphviz", "matplotlib")})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "mul(m, x)" in proc.stdout and "grad m" in proc.stdout
    imports = [line for line in proc.stdout.splitlines() if line.startswith("IMPORT")]
    assert len(imports) == 2
    assert "pip install 'tinygrad_lite[viz]'" in imports[0]
    assert "pip install 'tinygrad_lite[plot]'" in imports[1]
