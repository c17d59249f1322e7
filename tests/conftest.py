"""Shared test helpers: deterministic seeds and hypothesis settings for the whole suite."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import tinygrad_lite

# Small tensors keep hypothesis examples fast; no deadline (2 shared cores, timing varies).
settings.register_profile(
    "tinygrad_lite",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),  # in CI the same examples every run
)
settings.load_profile("tinygrad_lite")


@pytest.fixture(autouse=True)
def _fresh_global_state():
    """Every test starts with seed 0, float32 default dtype and grad mode on."""
    tinygrad_lite.manual_seed(0)
    tinygrad_lite.set_default_dtype(tinygrad_lite.float32)
    with tinygrad_lite.enable_grad():
        yield
    tinygrad_lite.set_default_dtype(tinygrad_lite.float32)


@pytest.fixture
def rng() -> np.random.Generator:
    """A NumPy generator with a fixed seed (for expected values computed independently)."""
    return np.random.default_rng(1234)
