"""The character-level language-model lesson (examples/09_char_lm_names.py), run with few
steps: its bigram losses against a NumPy recount, its models learning, its pictures, and
(where PyTorch is installed) the same printed numbers with the import swapped."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from .test_examples import DATA, number, run_example

SCRIPT = "09_char_lm_names.py"
STEPS = "150"


def numbers(text: str) -> dict:
    """Every 'label NLL x' and 'step k: minibatch loss x' line of the output, as floats."""
    found = {
        m.group(1): float(m.group(2)) for m in re.finditer(r"^(\w+ \w+) NLL ([\d.]+)$", text, re.M)
    }
    for m in re.finditer(r"^(\w+) step +(\d+): minibatch loss ([\d.]+)$", text, re.M):
        found[f"{m.group(1)} step {m.group(2)}"] = float(m.group(3))
    return found


def bigram_nll_by_numpy() -> tuple[float, float]:
    """The smoothed bigram model's train and dev NLL, recounted with NumPy on the same split."""
    words = (DATA / "names.txt").read_text().split()
    stoi = {c: i + 1 for i, c in enumerate(sorted(set("".join(words))))}
    order = np.random.default_rng(42).permutation(len(words))
    n_train = int(0.9 * len(words))
    split = [[words[i] for i in order[:n_train]], [words[i] for i in order[n_train:]]]

    def pairs(ws):
        seqs = [[0] + [stoi[c] for c in w] + [0] for w in ws]
        return np.array([(a, b) for s in seqs for a, b in zip(s, s[1:])])

    counts = np.zeros((27, 27))
    np.add.at(counts, tuple(pairs(split[0]).T), 1)
    probs = (counts + 1) / (counts + 1).sum(1, keepdims=True)
    return tuple(float(-np.log(probs[tuple(pairs(ws).T)]).mean()) for ws in split)


@pytest.fixture(scope="module")
def lesson(tmp_path_factory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("lesson")
    return run_example(
        SCRIPT, out, "--steps", STEPS, "--out", "pics", env={"OMP_NUM_THREADS": "1"}
    ), out


def test_bigram_losses_match_a_numpy_recount(lesson) -> None:
    text, _ = lesson
    train, dev = bigram_nll_by_numpy()
    assert number(r"bigram train NLL ([\d.]+)", text) == pytest.approx(train, abs=1e-6)
    assert number(r"bigram dev NLL ([\d.]+)", text) == pytest.approx(dev, abs=1e-6)


def test_models_learn_and_sample(lesson) -> None:
    text, _ = lesson
    got = numbers(text)
    assert got["mlp train"] < got["mlp step 0"] - 0.3  # from ~3.3 (27 classes) down
    assert got["transformer train"] < got["transformer step 0"] - 0.3
    assert abs(got["mlp dev"] - got["mlp train"]) < 0.2
    for model in ("bigram", "mlp", "transformer"):
        samples = re.search(rf"^{model} samples: (.*)$", text, re.M).group(1).split()
        assert 1 <= len(samples) <= 10 and all(re.fullmatch("[a-z]+", s) for s in samples)
    assert "parameters (the tied table counted once)" in text


def test_pictures_are_written(lesson) -> None:
    text, out = lesson
    assert (out / "pics" / "names_embedding_2d.png").stat().st_size > 10_000
    if "names_attention_block.png" in text:  # (needs Graphviz's dot)
        assert (out / "pics" / "names_attention_block.png").stat().st_size > 10_000


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch not installed")
def test_same_numbers_with_pytorch(lesson, tmp_path) -> None:
    ours, _ = lesson
    theirs = run_example(SCRIPT, tmp_path, "--steps", STEPS, "--out", "pics",
                         env={"EXAMPLE_BACKEND": "torch", "OMP_NUM_THREADS": "1"})  # fmt: skip
    a, b = numbers(ours), numbers(theirs)
    assert a.keys() == b.keys() and len(a) >= 10
    for key in a:
        assert a[key] == pytest.approx(b[key], abs=1e-4), key
    for model in ("bigram", "mlp", "transformer"):  # the same Generator stream: the same names
        line = re.compile(rf"^{model} samples: .*$", re.M)
        assert line.search(ours).group(0) == line.search(theirs).group(0)
