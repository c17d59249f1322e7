"""The real-script benchmark's scripts run at a tiny scale (no timing): each works with the
import swapped to tinygrad_lite, and where PyTorch is installed gives PyTorch's number (the
seeded random streams are PyTorch's, so the two runs start from the same weights)."""

from __future__ import annotations

import math

import pytest

from benchmarks import real_scripts

SCALE = 0.02


@pytest.mark.parametrize("script", real_scripts.SCRIPTS)
def test_script_runs_with_the_import_swapped(script):
    value = float(real_scripts.load_main(script, "tinygrad_lite")(SCALE))
    assert math.isfinite(value)


@pytest.mark.parametrize("script", real_scripts.SCRIPTS)
def test_script_gives_pytorchs_number(script):
    pytest.importorskip("torch")
    ours = float(real_scripts.load_main(script, "tinygrad_lite")(SCALE))
    theirs = float(real_scripts.load_main(script, "torch")(SCALE))
    assert ours == pytest.approx(theirs, rel=2e-3, abs=1e-5)


def test_the_import_swap_is_the_users_one_line_change():
    src = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\nfrom torch.utils import data\n"
    assert real_scripts.swap_import(src, "tinygrad_lite") == (
        "import tinygrad_lite as torch\nimport tinygrad_lite.nn.functional as F\n"
        "from tinygrad_lite import nn\nfrom tinygrad_lite.utils import data\n"
    )
