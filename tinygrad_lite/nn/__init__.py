"""tinygrad_lite.nn: Modules, layers, losses (being built)."""

from .parameter import Parameter

__all__ = ["Parameter"]
