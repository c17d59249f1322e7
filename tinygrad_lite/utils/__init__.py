"""tinygrad_lite.utils: helpers around training; ``utils.data`` holds datasets and loaders."""

from . import data

__all__ = ["data"]
