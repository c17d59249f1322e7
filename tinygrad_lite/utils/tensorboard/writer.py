"""``SummaryWriter``: log scalars, histograms, text and hyper-parameters for TensorBoard.

The event files are written by ``tensorboardX`` (a well-kept writer of TensorBoard's
format); this class gives it PyTorch's signatures and turns tinygrad_lite tensors into
NumPy values first. Open the logs with ``tensorboard --logdir runs``.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

import numpy as np

try:
    import tensorboardX as _tbx
except ImportError as e:  # pragma: no cover - exercised by the import test without the extra
    raise ImportError(
        "tinygrad_lite.utils.tensorboard needs the tensorboardX package, which the optional "
        "'tensorboard' extra installs: pip install 'tinygrad_lite[tensorboard]' "
        "(or pip install tensorboardX)"
    ) from e

__all__ = ["SummaryWriter"]


def _np(value: Any) -> Any:
    """A tensor (or nested numbers) as a NumPy array; strings and None pass through."""
    if hasattr(value, "_array"):
        return np.array(value.detach()._array)
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "_array"):
        return np.array([np.asarray(v._array) for v in value])
    return value


def _scalar(value: Any, op: str) -> float:
    v = _np(value)
    a = np.asarray(v)
    if a.size != 1:
        raise ValueError(
            f"{op}: scalar_value must be a number or a one-element tensor, got shape {a.shape}"
        )
    return float(a.reshape(()))


class SummaryWriter:
    """Writes TensorBoard event files to ``log_dir`` (default ``runs/<time>_<host><comment>``).

    Usable as a context manager (closes on exit). Methods take PyTorch's arguments;
    ``global_step`` is the x axis, ``walltime`` defaults to now.
    """

    def __init__(
        self,
        log_dir: str | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
    ) -> None:
        if not log_dir:
            stamp = time.strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = str(log_dir)
        self._options = dict(max_queue=max_queue, flush_secs=flush_secs,
                             filename_suffix=filename_suffix)  # fmt: skip
        self._writer = _tbx.SummaryWriter(logdir=self.log_dir, purge_step=purge_step,
                                          **self._options)  # fmt: skip
        self._runs: dict[str, Any] = {}  # add_scalars' one writer per curve

    def get_logdir(self) -> str:
        """The directory the event files go to."""
        return self.log_dir

    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """One point of the curve ``tag`` (a number or a one-element tensor)."""
        self._writer.add_scalar(tag, _scalar(scalar_value, "add_scalar"), global_step, walltime)

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: dict[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Several curves in one chart: each ``tag -> value`` goes to the run
        ``<log_dir>/<main_tag>_<tag>``, as PyTorch."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            run = os.path.join(self.log_dir, main_tag.replace("/", "_") + "_" + tag)
            if run not in self._runs:
                self._runs[run] = _tbx.SummaryWriter(logdir=run, **self._options)
            self._runs[run].add_scalar(main_tag, _scalar(value, "add_scalars"), global_step,
                                       walltime)  # fmt: skip

    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: int | None = None,
        bins: Any = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        """A histogram of ``values`` (a tensor or array); ``bins`` as NumPy's or
        ``"tensorflow"`` (TensorBoard's exponential buckets)."""
        a = np.asarray(_np(values), dtype=np.float64)
        self._writer.add_histogram(tag, a, global_step, bins, walltime, max_bins)

    def add_text(
        self, tag: str, text_string: str, global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:  # fmt: skip
        """Text (Markdown) shown in TensorBoard's Text tab."""
        self._writer.add_text(tag, str(text_string), global_step, walltime)

    def add_image(
        self, tag: str, img_tensor: Any, global_step: int | None = None,
        walltime: float | None = None, dataformats: str = "CHW",
    ) -> None:  # fmt: skip
        """An image from a (C, H, W) tensor (floats in [0, 1] or uint8), or ``dataformats``."""
        self._writer.add_image(tag, _np(img_tensor), global_step, walltime, dataformats)

    def add_hparams(
        self,
        hparam_dict: dict[str, Any],
        metric_dict: dict[str, Any],
        hparam_domain_discrete: dict[str, list] | None = None,
        run_name: str | None = None,
        global_step: int | None = None,
    ) -> None:
        """One row of TensorBoard's HParams table: the hyper-parameters (bool, str, int,
        float) and the metrics they reached, written to the run ``<log_dir>/<run_name>``
        (default: the current time)."""
        if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        hp = {}
        for k, v in hparam_dict.items():
            v = _np(v)
            if isinstance(v, np.ndarray):
                v = v.item()
            if v is not None and not isinstance(v, (bool, str, int, float)):
                raise ValueError(
                    f"add_hparams: value of {k!r} must be bool, str, int, float or None, "
                    f"got {type(v).__name__}"
                )
            hp[k] = v
        metrics = {k: _scalar(v, "add_hparams") for k, v in metric_dict.items()}
        self._writer.add_hparams(hp, metrics, name=run_name or str(time.time()),
                                 global_step=global_step)  # fmt: skip

    def flush(self) -> None:
        """Write everything pending to disk."""
        for w in (self._writer, *self._runs.values()):
            w.flush()

    def close(self) -> None:
        """Flush and close the event files."""
        for w in (self._writer, *self._runs.values()):
            w.close()
        self._runs = {}

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
