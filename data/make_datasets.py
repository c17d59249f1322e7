"""Write the small data sets used by the examples (run: ``python data/make_datasets.py``).

- ``line.txt``: the two points of y = 2x + 1 at x = -2 and x = 3 ("A Little Gradient Descent").
- ``quadratic3.txt`` / ``quadratic10.txt``: y = 0.5x^2 - 3x + 2 at 3 and at 10 points in
  [-9, 9] (that note's quadratic experiment; the exact quadratic is ours, the note gives none).

The values are exact functions of x (no noise), so the files are reproducible byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def line(x: np.ndarray) -> np.ndarray:
    """The target line of "A Little Gradient Descent": y = 2x + 1."""
    return 2 * x + 1


def quadratic(x: np.ndarray) -> np.ndarray:
    """The target quadratic of the quadratic experiment: y = 0.5x^2 - 3x + 2."""
    return 0.5 * x**2 - 3 * x + 2


def write_xy(path: Path, x: np.ndarray, y: np.ndarray) -> None:
    """Write two whitespace-separated columns with an ``x y`` header (like pizza.txt)."""
    rows = ["x y"] + [f"{xi:g} {yi:g}" for xi, yi in zip(x, y)]
    path.write_text("\n".join(rows) + "\n")


def main(out: Path = HERE) -> None:
    """Write the three files into ``out``."""
    xs = np.array([-2.0, 3.0])
    write_xy(out / "line.txt", xs, line(xs))
    x3 = np.array([-8.0, 1.0, 9.0])
    write_xy(out / "quadratic3.txt", x3, quadratic(x3))
    x10 = np.linspace(-9.0, 9.0, 10)
    write_xy(out / "quadratic10.txt", x10, quadratic(x10))


if __name__ == "__main__":
    main()
