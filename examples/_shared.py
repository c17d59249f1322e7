"""Small helpers shared by the examples: where the data is, where outputs go, optional plots.

Each example runs as ``python examples/NAME.py [--out DIR]`` (outputs go to ``./out`` by
default) or cell by cell in a notebook started from the repository or from ``examples/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def out_dir(description: str = "") -> Path:
    """The output directory from ``--out`` (default ``./out``), created if needed.

    Unknown arguments are ignored, so a notebook kernel's own arguments do no harm.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default="out", help="directory for pictures (default ./out)")
    args, _ = parser.parse_known_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def data_path(name: str) -> Path:
    """Path of ``data/NAME`` in this repository, found from the script or the working dir."""
    here = Path(__file__).resolve().parent
    for folder in (here.parent / "data", Path.cwd() / "data", Path.cwd().parent / "data"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"data/{name} not found: run from the repository or examples/")


def load_xy(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The two numeric columns of ``data/NAME`` (header line skipped), as float64 arrays."""
    table = np.loadtxt(data_path(name), skiprows=1, dtype=np.float64, ndmin=2)
    return table[:, 0], table[:, 1]


def have_matplotlib() -> bool:
    """True if matplotlib can be imported; otherwise print a one-line note and return False."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("(matplotlib is not installed: no plots; pip install matplotlib)")
        return False
    return True


def wrote(path: Path | str) -> None:
    """Say where an output file went."""
    print(f"wrote {path}")
