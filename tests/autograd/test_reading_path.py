"""The reference engine stays a lecture: the walk of one gradient through it is short and
touches no speed-only code, and its three files stay small."""

from __future__ import annotations

import os
import re
import sys

import tinygrad_lite as tl
from tinygrad_lite.autograd import fast
from tinygrad_lite.autograd.fast import use_engine

PACKAGE = os.path.dirname(tl.__file__) + os.sep
AUTOGRAD = os.path.join(PACKAGE, "autograd")
MAX_WALK_LINES = 120  # distinct source lines of tinygrad_lite/ the example executes
MAX_LECTURE_LINES = 450  # grad_mode.py + function.py + engine.py, docstrings included
SPEED_TAG = re.compile(r"\[fast\]|just an optimization", re.IGNORECASE)


def walk_lines() -> set:
    """(file inside tinygrad_lite/, line) of every line ``y = (x * w + b).pow(2).mean();
    y.backward()`` executes, with x of shape (4,) and 0-d w, b (made before tracing)."""
    x = tl.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    w = tl.tensor(0.5, requires_grad=True)
    b = tl.tensor(0.1, requires_grad=True)
    lines: set = set()

    def tracer(frame, event, arg):
        if event == "line" and frame.f_code.co_filename.startswith(PACKAGE):
            lines.add((frame.f_code.co_filename[len(PACKAGE) :], frame.f_lineno))
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        y = (x * w + b).pow(2).mean()
        y.backward()
    finally:
        sys.settrace(previous)
    assert w.grad is not None and b.grad is not None and x.grad is not None
    return lines


def _source(path: str, line: int) -> str:
    with open(os.path.join(PACKAGE, path), encoding="utf-8") as f:
        return f.read().splitlines()[line - 1]


def test_the_lecture_example_runs_few_lines_and_no_speed_only_branch_on_the_reference():
    with use_engine("reference"):
        lines = walk_lines()
    assert 40 < len(lines) <= MAX_WALK_LINES, len(lines)
    in_fast = sorted(p for p in lines if p[0].startswith("autograd" + os.sep + "fast"))
    assert not in_fast, in_fast
    tagged = [(p, _source(*p)) for p in sorted(lines) if SPEED_TAG.search(_source(*p))]
    assert not tagged, tagged


def test_the_fast_engine_really_takes_its_own_paths():
    # the measurement above can fail: on the fast engine the same walk runs the seam's code
    with use_engine("fast"):
        lines = walk_lines()
    assert any(p[0].startswith("autograd" + os.sep + "fast") for p in lines)


def test_the_lecture_files_hold_at_most_450_lines():
    total = 0
    for name in ("grad_mode.py", "function.py", "engine.py"):
        with open(os.path.join(AUTOGRAD, name), encoding="utf-8") as f:
            total += len(f.read().splitlines())
    assert total <= MAX_LECTURE_LINES, total


def test_speed_only_code_lives_only_in_the_seam_and_every_module_there_says_why():
    for root, _, files in os.walk(PACKAGE):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if root.startswith(os.path.join(AUTOGRAD, "fast")):
                assert (
                    "just optimization" in text.replace("just an optimization", "just optimization")
                    or name == "__init__.py"
                ), path
            else:
                assert "[fast]" not in text, path


def test_every_patch_of_the_seam_is_listed_with_a_reason():
    assert all(what and len(why) > 20 for what, why in fast.PATCHES)
    assert fast.__doc__.count("\n- ``") == len(fast.PATCHES)
    with use_engine("fast"):
        assert fast.active_engine() == "fast"
        assert tl.Tensor.backward.__module__.endswith("fast.backward")
    with use_engine("reference"):
        assert tl.Tensor.backward.__module__ == "tinygrad_lite.tensor"


def test_ci_runs_the_whole_suite_on_both_engines():
    ci = os.path.dirname(PACKAGE.rstrip(os.sep)) + os.sep + os.path.join(".ci", "run")
    with open(ci, encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    assert any(line.endswith("python3 -m pytest") and "REFERENCE" not in line for line in lines)
    assert "TINYGRAD_LITE_REFERENCE=1 python3 -m pytest" in lines
