"""Helpers for the tests that compare layers with PyTorch: copy a state dict across, and
compare arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

import tinygrad_lite as tl


def to_ours(torch_module: Any, ours: Any) -> None:
    """Load PyTorch's state dict into our module (strict: the names and shapes must match)."""
    ours.load_state_dict(
        {k: tl.tensor(v.detach().numpy()) for k, v in torch_module.state_dict().items()}
    )


def to_torch(torch: Any, ours: Any, torch_module: Any) -> None:
    """Load our state dict into the PyTorch module (strict)."""
    torch_module.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})


def close(theirs: Any, ours: Any, tol: float = 1e-6, what: str = "") -> None:
    a = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    b = ours.detach().numpy() if hasattr(ours, "detach") else np.asarray(ours)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    np.testing.assert_allclose(b, a, rtol=tol, atol=tol, err_msg=what)
