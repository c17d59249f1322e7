"""Fault battery, training stack: bad state dicts, optimizer arguments, DataLoader settings,
layer/loss inputs and malformed data files end in clear errors (type and message checked).

Each row is one bad input: the call, the exception type and the pieces the message must
contain (case-insensitive).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tl
import tinygrad_lite.nn.functional as F
from tinygrad_lite import nn, optim
from tinygrad_lite.utils.data import DataLoader, TensorDataset, load_columns, load_text


def _linear_sd(**changes) -> tuple:
    m = nn.Linear(3, 2)
    sd = dict(m.state_dict())
    for k, v in changes.items():
        if v is None:
            sd.pop(k)
        else:
            sd[k] = v
    return m, sd


def _load(strict: bool = True, **changes):
    m, sd = _linear_sd(**changes)
    return m.load_state_dict(sd, strict=strict)


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))


def _w() -> tl.Tensor:
    return tl.randn(3, requires_grad=True)


DATASET = TensorDataset(tl.randn(5, 2), tl.randn(5))

TRAINING_CASES = [
    # --- load_state_dict ---
    ("sd-missing", lambda: _load(bias=None), RuntimeError,
     ("Linear", "missing key", '"bias"')),
    ("sd-unexpected", lambda: _load(extra=tl.zeros(1)), RuntimeError,
     ("Linear", "unexpected key", '"extra"')),
    ("sd-shape", lambda: _load(weight=tl.zeros(2, 4)), RuntimeError,
     ("size mismatch for weight", "(2, 4)", "(2, 3)")),
    ("sd-shape-transposed", lambda: _load(weight=tl.zeros(3, 2), bias=tl.zeros(3)), RuntimeError,
     ("size mismatch for weight", "size mismatch for bias", "(3,)", "(2,)")),
    ("sd-not-tensor", lambda: _load(weight="abc"), RuntimeError, ("weight", "str")),
    ("sd-nested-missing", lambda: _mlp().load_state_dict({"0.weight": tl.zeros(3, 2)}),
     RuntimeError, ("Sequential", '"0.bias"', '"2.weight"', '"2.bias"')),
    ("sd-nested-shape", lambda: _mlp().load_state_dict(
        {**_mlp().state_dict(), "2.weight": tl.zeros(1, 4)}), RuntimeError,
     ("size mismatch for 2.weight", "(1, 4)", "(1, 3)")),
    ("sd-nonstrict-shape", lambda: _load(strict=False, weight=tl.zeros(5, 5)), RuntimeError,
     ("size mismatch", "(5, 5)")),
    # --- optimizers ---
    ("optim-non-leaf", lambda: optim.SGD([_w() * 2], lr=0.1), ValueError,
     ("non-leaf", "leaf")),
    ("optim-non-leaf-adam", lambda: optim.Adam([_w().exp()], lr=0.1), ValueError, ("non-leaf",)),
    ("optim-empty-list", lambda: optim.SGD([], lr=0.1), ValueError, ("empty parameter list",)),
    ("optim-empty-adam", lambda: optim.Adam([]), ValueError, ("empty parameter list",)),
    ("optim-empty-generator", lambda: optim.SGD(iter([]), lr=0.1), ValueError,
     ("empty parameter list",)),
    ("optim-empty-module", lambda: optim.SGD(nn.ReLU().parameters(), lr=0.1), ValueError,
     ("empty parameter list",)),
    ("optim-bare-tensor", lambda: optim.SGD(_w(), lr=0.1), TypeError,
     ("iterable", "Tensor", "[tensor]")),
    ("optim-lr", lambda: optim.SGD([_w()], lr=-1), ValueError, ("learning rate", "-1")),
    ("optim-momentum", lambda: optim.SGD([_w()], lr=0.1, momentum=-1), ValueError,
     ("momentum", "-1")),
    ("optim-betas", lambda: optim.Adam([_w()], betas=(1.0, 0.9)), ValueError,
     ("beta", "index 0", "1.0")),
    ("optim-dup-groups", lambda: (lambda w: optim.SGD([{"params": [w]}, {"params": [w]}],
                                                       lr=0.1))(_w()), ValueError,
     ("more than one parameter group",)),
    # --- DataLoader / datasets ---
    ("loader-batch-0", lambda: DataLoader(DATASET, batch_size=0), ValueError,
     ("batch_size", "positive", "0")),
    ("loader-batch-neg", lambda: DataLoader(DATASET, batch_size=-3), ValueError,
     ("batch_size", "positive", "-3")),
    ("loader-batch-float", lambda: DataLoader(DATASET, batch_size=1.5), ValueError,
     ("batch_size", "1.5")),
    ("loader-shuffle-sampler", lambda: DataLoader(DATASET, shuffle=True, sampler=[0, 1]),
     ValueError, ("sampler", "shuffle")),
    ("dataset-sizes", lambda: TensorDataset(tl.randn(5, 2), tl.randn(4)), ValueError,
     ("size mismatch", "(5, 2)", "(4,)")),
    # --- layers and losses fed the wrong thing ---
    ("linear-in-features", lambda: nn.Linear(3, 2)(tl.randn(4, 5)), RuntimeError,
     ("linear", "(4, 5)", "(2, 3)", "in_features")),
    ("mlp-wiring", lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1))(tl.randn(5, 2)),
     RuntimeError, ("linear", "(5, 3)", "(1, 4)")),
    ("ce-target-range", lambda: F.cross_entropy(tl.randn(4, 3), tl.tensor([0, 1, 2, 3])),
     IndexError, ("cross_entropy", "target 3", "3 classes")),
    ("ce-target-shape", lambda: F.cross_entropy(tl.randn(4, 3), tl.tensor([0, 1, 2])),
     ValueError, ("cross_entropy", "(4,)", "(3,)")),
    ("ce-float-target", lambda: F.cross_entropy(tl.randn(4, 3), tl.randn(4)), RuntimeError,
     ("cross_entropy", "class indices", ".long()")),
    ("mse-broadcast", lambda: F.mse_loss(tl.randn(4, 3), tl.randn(4)), RuntimeError,
     ("mse_loss", "(4, 3)", "(4,)")),
    ("bce-not-probabilities", lambda: F.binary_cross_entropy(tl.randn(4) * 3, tl.rand(4)),
     RuntimeError, ("binary_cross_entropy", "between 0 and 1", "with_logits")),
    ("bce-logits-shape", lambda: F.binary_cross_entropy_with_logits(tl.randn(4), tl.rand(3)),
     ValueError, ("(3,)", "(4,)")),
]  # fmt: skip


@pytest.mark.parametrize(
    "call, exc, pieces", [pytest.param(c, e, p, id=i) for i, c, e, p in TRAINING_CASES]
)
def test_bad_training_input_gives_clear_error(call, exc, pieces):
    with pytest.raises(exc) as info:
        call()
    msg = str(info.value).lower()
    for piece in pieces:
        assert piece.lower() in msg, f"{piece!r} not in {msg!r}"


def test_failed_load_state_dict_changes_nothing():
    """A rejected state dict must not have half-loaded the model (nothing the user had is lost)."""
    m = _mlp()
    before = {k: v.numpy().copy() for k, v in m.state_dict().items()}
    bad = {k: tl.zeros(*v.shape) for k, v in m.state_dict().items()}
    bad["2.weight"] = tl.zeros(1, 4)  # the last entry is the bad one
    with pytest.raises(RuntimeError):
        m.load_state_dict(bad)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k], err_msg=k)


def test_non_strict_load_reports_keys():
    m, sd = _linear_sd(bias=None, extra=tl.zeros(1))
    result = m.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]


# --- malformed data files: the message names the file and the line ----------------------
BAD_FILES = [
    # (id, file content, pieces of the message; {path} is replaced by the file's path)
    ("not-a-number", "Reservations  Pizzas\n13 33\n2 16\n14 3x2\n",
     ("{path}", "line 4", "'3x2'", "pizzas")),
    ("too-few", "a b\n1 2\n3\n", ("{path}", "line 3", "expected 2 values", "found 1")),
    ("too-many-csv", "a,b\n1,2\n3,4,5\n", ("{path}", "line 3", "found 3")),
    ("after-comments", "# data\na b\n\n# more\n1 2\nx 4\n", ("{path}", "line 6", "'x'")),
    ("empty", "", ("{path}", "empty")),
    ("only-comments", "# nothing here\n\n", ("{path}", "empty")),
    ("no-header", "1 2\n3 4\n", ("{path}", "line 1", "header=False")),
]  # fmt: skip


@pytest.mark.parametrize("content, pieces", [pytest.param(c, p, id=i) for i, c, p in BAD_FILES])
@pytest.mark.parametrize("loader", [load_text, load_columns], ids=["load_text", "load_columns"])
def test_malformed_data_file_names_file_and_line(tmp_path, loader, content, pieces):
    path = tmp_path / "table.txt"
    path.write_text(content)
    with pytest.raises(ValueError) as info:
        loader(path)
    msg = str(info.value)
    for piece in pieces:
        piece = piece.replace("{path}", str(path))
        assert piece.lower() in msg.lower(), f"{piece!r} not in {msg!r}"


def test_missing_data_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_text(tmp_path / "nope.txt")


def test_good_data_file_loads(tmp_path):
    # the counterpart of the rows above: the same loader reads a well-formed file
    path = Path(tmp_path) / "pizza.txt"
    path.write_text("# pizzas\nReservations  Pizzas\n13  33\n2  16\n\n14  32\n")
    names, table = load_text(path)
    assert names == ["Reservations", "Pizzas"]
    np.testing.assert_array_equal(table.numpy(), [[13, 33], [2, 16], [14, 32]])
