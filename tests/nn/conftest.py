"""Fixtures shared by the nn tests: ``torch`` (skips the test when PyTorch is missing)."""

import pytest


@pytest.fixture
def torch():
    """PyTorch, for comparison tests; the test is skipped when it is not installed."""
    return pytest.importorskip("torch")
