"""Programs written the way public tutorials, textbooks and lecture notebooks are written
(``tests/programs/``), run unchanged under PyTorch and with the import swapped to
tinygrad_lite: the printed numbers must agree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "programs"
ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?|-?\d+")


def swap_import(source: str) -> str:
    """The one change a user makes: ``import torch`` becomes ``import tinygrad_lite as torch``."""
    source = re.sub(r"^import torch$", "import tinygrad_lite as torch", source, flags=re.M)
    source = re.sub(
        r"^import torch\.nn\.functional as F$",
        "import tinygrad_lite.nn.functional as F",
        source,
        flags=re.M,
    )
    return re.sub(r"^from torch(\.| )", r"from tinygrad_lite\1", source, flags=re.M)


def run(directory: Path, script: str) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(directory), str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, script],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _copy(tmp_path: Path, name: str, swap: bool) -> Path:
    d = tmp_path / ("tinygrad_lite" if swap else "torch")
    d.mkdir(exist_ok=True)
    for f in PROGRAMS.glob("*.py"):
        text = f.read_text()
        (d / f.name).write_text(swap_import(text) if swap else text)
    return d


def _numbers(text: str) -> list[float]:
    return [float(x) for x in NUMBER.findall(text)]


@pytest.mark.parametrize("script", ["classifier_tutorial.py", "tensor_tour.py"])
def test_program_runs_with_the_import_swapped(tmp_path, script):
    out = run(_copy(tmp_path, script, swap=True), script)
    assert "Traceback" not in out and len(_numbers(out)) > 10
    if script == "classifier_tutorial.py":
        final = float(re.findall(r"test acc ([0-9.]+)", out)[-1])
        assert final > 0.85, out  # the blobs are well separated: the model must learn them


@pytest.mark.parametrize("script", ["classifier_tutorial.py", "tensor_tour.py"])
def test_program_prints_the_same_numbers_as_pytorch(tmp_path, script):
    pytest.importorskip("torch")
    ours = run(_copy(tmp_path, script, swap=True), script)
    theirs = run(_copy(tmp_path, script, swap=False), script)
    a, b = _numbers(ours), _numbers(theirs)
    assert len(a) == len(b), (ours, theirs)
    for x, y in zip(a, b):
        assert abs(x - y) <= 1e-4 + 1e-4 * abs(y), (x, y, ours, theirs)
    assert [line.split(":")[0] for line in ours.splitlines()] == [
        line.split(":")[0] for line in theirs.splitlines()
    ]
