"""Training pictures with matplotlib: loss curves, loss landscapes, and a fit animation.

- ``loss_curve(losses)``: loss over iterations or epochs (optionally log scale);
- ``loss_vs_weight(loss_fn, weights)``: the loss as a function of one weight, minimum marked;
- ``loss_surface(loss_fn, w_range, b_range, trajectory=...)``: contours of the loss over two
  parameters with the gradient-descent path drawn on top;
- ``fit_animation(xs, ys, snapshots)``: an animated GIF of the model's line (or curve)
  moving towards the data points as training runs;
- ``Snapshots``: records parameter values (and the loss) at each training step, the input
  of ``fit_animation`` and of the trajectory in ``loss_surface``.

matplotlib (and pillow for GIFs) is an optional extra (``pip install tinygrad_lite[plot]``)
imported only inside these functions; figures are built without pyplot, on the Agg
canvas, so they work on servers and in tests. Every function returns the
``matplotlib.figure.Figure``; with ``path=`` it is also written to that file (atomically:
a temporary file renamed into place, so an existing picture is never left half-written).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["loss_curve", "loss_vs_weight", "loss_surface", "fit_animation", "Snapshots"]

_TARGET_COLOR = "tab:blue"
_MODEL_COLOR = "tab:orange"


def _figure(figsize: tuple[float, float] = (6.0, 4.0)) -> Any:
    """A new Figure on an Agg canvas (no pyplot, no global state)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "tinygrad_lite.viz.plots needs matplotlib: pip install 'tinygrad_lite[plot]' "
            "(or pip install matplotlib pillow)"
        ) from e
    fig = Figure(figsize=figsize, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _atomic(path: str | os.PathLike, write: Callable[[str], None]) -> None:
    """Call ``write(tmp)`` for a temporary file next to ``path``, then rename it to ``path``."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    suffix = os.path.splitext(path)[1]
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _mode_for(path: str) -> int:
    """The existing file's permissions, or the usual ones for a new file (umask applied)."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _save(fig: Any, path: str | os.PathLike | None) -> None:
    if path is not None:
        _atomic(path, lambda tmp: fig.savefig(tmp))


def _number(v: Any) -> float:
    """A loss value (float, NumPy scalar or one-element Tensor) as a float."""
    if hasattr(v, "item"):
        return float(v.item())
    return float(v)


# ---------------------------------------------------------------------------------------
# Loss over time
# ---------------------------------------------------------------------------------------


def loss_curve(
    losses: Sequence[Any] | Mapping[str, Sequence[Any]],
    *,
    xlabel: str = "iteration",
    ylabel: str = "loss",
    log_scale: bool = False,
    title: str | None = "Loss",
    steps: Sequence[float] | None = None,
    path: str | os.PathLike | None = None,
) -> Any:
    """A line of loss per iteration (or epoch: set ``xlabel``); a dict draws one labelled
    line per entry (e.g. train and validation). ``steps`` gives the x values (default
    0, 1, 2, ...). Raises ValueError for an empty sequence or non-positive values with
    ``log_scale``."""
    series = dict(losses) if isinstance(losses, Mapping) else {None: losses}
    fig = _figure()
    ax = fig.add_subplot()
    for label, values in series.items():
        ys = np.array([_number(v) for v in values], dtype=float)
        if ys.size == 0:
            raise ValueError("loss_curve: got no loss values to draw")
        if log_scale and (ys <= 0).any():
            raise ValueError(
                "loss_curve: log_scale needs positive losses; got a value <= 0 "
                f"({ys.min():g}); use log_scale=False"
            )
        xs = np.arange(ys.size) if steps is None else np.asarray(steps, dtype=float)
        if xs.shape != ys.shape:
            raise ValueError(
                f"loss_curve: {xs.size} steps for {ys.size} losses; give one step per loss"
            )
        ax.plot(xs, ys, label=label, marker="." if ys.size <= 30 else None)
    if log_scale:
        ax.set_yscale("log")
    if len(series) > 1:
        ax.legend()
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(True, alpha=0.3)
    _save(fig, path)
    return fig


# ---------------------------------------------------------------------------------------
# Loss landscapes
# ---------------------------------------------------------------------------------------


def loss_vs_weight(
    loss_fn: Callable[[float], Any],
    weights: Iterable[float],
    *,
    mark_min: bool = True,
    xlabel: str = "weight",
    ylabel: str = "loss",
    title: str | None = "Weight vs Loss",
    path: str | os.PathLike | None = None,
) -> Any:
    """The curve ``loss_fn(w)`` for each ``w`` in ``weights``, its lowest point marked.
    ``loss_fn`` may return a float or a one-element Tensor."""
    ws = np.array([float(w) for w in weights], dtype=float)
    if ws.size == 0:
        raise ValueError("loss_vs_weight: got no weights to evaluate")
    losses = np.array([_number(loss_fn(float(w))) for w in ws])
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(ws, losses, color=_TARGET_COLOR, label="loss")
    if mark_min:
        i = int(np.nanargmin(losses))
        ax.plot([ws[i]], [losses[i]], "o", color="tab:red", label=f"minimum at w = {ws[i]:.3g}")
        ax.annotate(
            f"w = {ws[i]:.3g}\nloss = {losses[i]:.3g}",
            (ws[i], losses[i]),
            textcoords="offset points",
            xytext=(10, 15),
        )
        ax.legend()
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(True, alpha=0.3)
    _save(fig, path)
    return fig


def _axis(r: Any, n: int) -> np.ndarray:
    arr = np.asarray(r, dtype=float)
    if arr.shape == (2,):
        return np.linspace(arr[0], arr[1], n)
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(
            f"loss_surface: a range is (low, high) or a 1-D array of values, got shape {arr.shape}"
        )
    return arr


def _grid_losses(loss_fn: Callable[[Any, Any], Any], W: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Loss at every grid point: one call on the whole grid if ``loss_fn`` broadcasts
    NumPy arrays, else one call per point."""
    try:
        Z = np.asarray(loss_fn(W, B), dtype=float)
        if Z.shape == W.shape:
            return Z
    except Exception:  # noqa: BLE001 - not vectorisable: evaluate point by point below
        pass
    Z = np.empty_like(W)
    for idx in np.ndindex(*W.shape):
        Z[idx] = _number(loss_fn(float(W[idx]), float(B[idx])))
    return Z


def loss_surface(
    loss_fn: Callable[[Any, Any], Any],
    w_range: Any,
    b_range: Any,
    *,
    trajectory: Sequence[Sequence[float]] | np.ndarray | None = None,
    resolution: int = 120,
    levels: int = 25,
    log_levels: bool = True,
    xlabel: str = "w",
    ylabel: str = "b",
    title: str | None = "Loss surface",
    path: str | os.PathLike | None = None,
) -> Any:
    """Filled contours of ``loss_fn(w, b)`` over ``w_range`` x ``b_range`` (each
    ``(low, high)`` or an array of values), the grid's lowest point starred, and the
    ``trajectory`` (a sequence of (w, b) pairs, e.g. ``Snapshots.trajectory("w", "b")``)
    drawn as a path from a circle (start) to a square (end). With ``log_levels`` the
    contour levels are spaced geometrically, which shows the floor of a valley."""
    ws, bs = _axis(w_range, resolution), _axis(b_range, resolution)
    W, B = np.meshgrid(ws, bs)
    Z = _grid_losses(loss_fn, W, B)
    fig = _figure((6.4, 4.8))
    ax = fig.add_subplot()
    lo, hi = float(np.nanmin(Z)), float(np.nanmax(Z))
    if log_levels and lo > 0 and hi > lo:
        lv = np.geomspace(lo, hi, levels)
    else:
        lv = np.linspace(lo, hi, levels) if hi > lo else levels
    filled = ax.contourf(W, B, Z, levels=lv, cmap="viridis")
    ax.contour(W, B, Z, levels=lv, colors="white", linewidths=0.4, alpha=0.6)
    cbar = fig.colorbar(filled, ax=ax)
    cbar.set_label("loss")
    if log_levels and lo > 0:
        cbar.ax.set_yscale("log")
    i = np.unravel_index(int(np.nanargmin(Z)), Z.shape)
    ax.plot([W[i]], [B[i]], "*", color="white", markersize=14, label="grid minimum")
    if trajectory is not None:
        path_wb = np.asarray(trajectory, dtype=float)
        if path_wb.ndim != 2 or path_wb.shape[1] != 2:
            raise ValueError(
                f"loss_surface: trajectory must be a sequence of (w, b) pairs, got shape "
                f"{path_wb.shape}"
            )
        ax.plot(
            path_wb[:, 0],
            path_wb[:, 1],
            "-",
            color=_MODEL_COLOR,
            linewidth=1.8,
            marker=".",
            markersize=4,
            label="gradient descent",
        )
        ax.plot(path_wb[:1, 0], path_wb[:1, 1], "o", color=_MODEL_COLOR, markersize=8)
        ax.plot(path_wb[-1:, 0], path_wb[-1:, 1], "s", color=_MODEL_COLOR, markersize=8)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(loc="upper right", fontsize="small")
    _save(fig, path)
    return fig


# ---------------------------------------------------------------------------------------
# Watching a model learn
# ---------------------------------------------------------------------------------------


class Snapshots:
    """Parameter values recorded during training, one dict per ``record`` call.

    ``Snapshots({"w": w, "b": b})`` (tensors, or pairs such as
    ``model.named_parameters()``); call ``record(loss=loss)`` after each step. Each
    snapshot is ``{"step": int, "loss": float | None, "w": value, "b": value}`` with
    floats for one-element parameters and NumPy copies otherwise.
    """

    def __init__(self, params: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        items = params.items() if isinstance(params, Mapping) else params
        self.params = dict(items)
        if not self.params:
            raise ValueError("Snapshots: give at least one named parameter")
        self.snapshots: list[dict[str, Any]] = []

    def record(self, loss: Any = None, step: int | None = None) -> dict[str, Any]:
        """Store the current values (and ``loss``); returns the snapshot."""
        snap: dict[str, Any] = {
            "step": len(self.snapshots) if step is None else step,
            "loss": None if loss is None else _number(loss),
        }
        for name, p in self.params.items():
            arr = np.array(p.detach().numpy() if hasattr(p, "detach") else p, dtype=float)
            snap[name] = float(arr.reshape(-1)[0]) if arr.size == 1 else arr
        self.snapshots.append(snap)
        return snap

    def __len__(self) -> int:
        return len(self.snapshots)

    def __iter__(self):
        return iter(self.snapshots)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return self.snapshots[i]

    def trajectory(self, *names: str) -> np.ndarray:
        """Array (steps, len(names)) of the named one-element parameters over time."""
        names = names or tuple(self.params)
        return np.array([[float(s[n]) for n in names] for s in self.snapshots], dtype=float)

    @property
    def losses(self) -> list[float]:
        """The recorded losses (steps recorded without a loss are left out)."""
        return [s["loss"] for s in self.snapshots if s["loss"] is not None]


def _line_predict(snapshot: Any, x: np.ndarray) -> np.ndarray:
    """Default model: a line; the snapshot's first value is the slope, the second the
    intercept (a (w, b) pair or a Snapshots dict with two parameters)."""
    if isinstance(snapshot, Mapping):
        values = [v for k, v in snapshot.items() if k not in ("step", "loss")]
    else:
        values = list(snapshot)
    if len(values) != 2:
        raise ValueError(
            f"fit_animation: the default model is a line w * x + b, which needs two "
            f"parameters per snapshot; got {len(values)}: pass predict=f(snapshot, x)"
        )
    w, b = (float(v) for v in values)
    return w * x + b


def fit_animation(
    xs: Sequence[float],
    ys: Sequence[float],
    snapshots: Sequence[Any] | Snapshots,
    path: str | os.PathLike | None = "fit.gif",
    *,
    target: Callable[[np.ndarray], Any] | None = None,
    predict: Callable[[Any, np.ndarray], Any] | None = None,
    x_range: tuple[float, float] | None = None,
    fps: int = 5,
    title: str = "step {step}",
) -> Any:
    """One GIF frame per snapshot: the data points, the ``target`` function (blue, if
    given) and the model's prediction at that snapshot (orange). ``predict(snapshot, x)``
    defaults to a line from a (w, b) snapshot. Writes ``path`` (needs pillow) and returns
    the Figure showing the last frame. Raises ValueError for no snapshots."""
    from matplotlib.animation import FuncAnimation, PillowWriter

    snaps = list(snapshots)
    if not snaps:
        raise ValueError("fit_animation: got no snapshots to animate")
    predict = predict or _line_predict
    px = np.asarray(xs, dtype=float)
    py = np.asarray(ys, dtype=float)
    lo, hi = x_range if x_range is not None else (px.min(), px.max())
    pad = 0.1 * (hi - lo or 1.0)
    grid = np.linspace(lo - pad, hi + pad, 200)
    curves = [np.asarray(predict(s, grid), dtype=float) for s in snaps]

    fig = _figure()
    ax = fig.add_subplot()
    ax.scatter(px, py, color="black", zorder=3, label="data")
    ys_all = [py, *curves]
    if target is not None:
        ty = np.asarray(target(grid), dtype=float)
        ax.plot(grid, ty, color=_TARGET_COLOR, label="target")
        ys_all.append(ty)
    (model_line,) = ax.plot(grid, curves[0], color=_MODEL_COLOR, linewidth=2, label="model")
    allv = np.concatenate([np.ravel(v) for v in ys_all])
    allv = allv[np.isfinite(allv)]
    ymin, ymax = float(allv.min()), float(allv.max())
    ypad = 0.08 * (ymax - ymin or 1.0)
    ax.set_ylim(ymin - ypad, ymax + ypad)
    ax.set_xlim(grid[0], grid[-1])
    ax.set(xlabel="x", ylabel="y")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left")

    def frame_title(i: int) -> str:
        s = snaps[i]
        step = s.get("step", i) if isinstance(s, Mapping) else i
        text = title.format(step=step, frame=i)
        loss = s.get("loss") if isinstance(s, Mapping) else None
        return f"{text}   loss {loss:.4g}" if loss is not None else text

    def draw(i: int) -> tuple:
        model_line.set_ydata(curves[i])
        ax.set_title(frame_title(i))
        return (model_line,)

    anim = FuncAnimation(fig, draw, frames=len(snaps), blit=False, repeat=False)
    if path is not None:
        _atomic(path, lambda tmp: anim.save(tmp, writer=PillowWriter(fps=fps)))
    draw(len(snaps) - 1)
    return fig
