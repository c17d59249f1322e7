"""utils.tensorboard.SummaryWriter: the event files it writes, read back record by record
(TFRecord framing with masked CRC32C checksums, then TensorBoard's Event protobufs)."""

from __future__ import annotations

import importlib
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tl

tbx = pytest.importorskip("tensorboardX")
from tensorboardX.crc32c import crc32c  # noqa: E402
from tensorboardX.proto import event_pb2  # noqa: E402

from tinygrad_lite.utils.tensorboard import SummaryWriter  # noqa: E402


def _masked(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_events(path: Path) -> list:
    """Every Event in one event file, checking each record's length and data checksums."""
    raw, out, pos = path.read_bytes(), [], 0
    while pos < len(raw):
        header = raw[pos : pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", raw[pos + 8 : pos + 12])
        assert length_crc == _masked(header)
        data = raw[pos + 12 : pos + 12 + length]
        (data_crc,) = struct.unpack("<I", raw[pos + 12 + length : pos + 16 + length])
        assert data_crc == _masked(data)
        out.append(event_pb2.Event.FromString(data))
        pos += 16 + length
    return out


def events_under(root: Path) -> dict[str, list]:
    return {str(f.parent.relative_to(root)): read_events(f) for f in sorted(root.rglob("events.*"))}


def _values(events, kind):
    return [(e.step, v) for e in events if e.HasField("summary") for v in e.summary.value
            if v.HasField(kind)]  # fmt: skip


def test_scalars_histograms_text_round_trip(tmp_path):
    with SummaryWriter(log_dir=str(tmp_path)) as w:
        assert w.get_logdir() == str(tmp_path)
        for step in range(3):
            w.add_scalar("loss/train", tl.tensor(1.0 / (step + 1)), step)
            w.add_scalar("lr", 0.1 * step, global_step=step)
        w.add_histogram("weights", tl.tensor([0.1, 0.2, 0.2, 0.5, 2.0]), 7)
        w.add_text("notes", "hello **board**", 1)
        w.flush()
    runs = events_under(tmp_path)
    events = runs["."]
    assert events[0].file_version.startswith("brain.Event:")
    scalars = [(s, v.tag, v.simple_value) for s, v in _values(events, "simple_value")]
    assert [(s, t) for s, t, _ in scalars if t == "loss/train"] == [(0, "loss/train"),
                                                                    (1, "loss/train"),
                                                                    (2, "loss/train")]  # fmt: skip
    np.testing.assert_allclose([x for _, t, x in scalars if t == "loss/train"],
                               [1.0, 0.5, 1 / 3], rtol=1e-6)  # fmt: skip
    np.testing.assert_allclose([x for _, t, x in scalars if t == "lr"], [0.0, 0.1, 0.2])
    ((step, hist),) = _values(events, "histo")
    assert step == 7 and hist.tag == "weights"
    assert hist.histo.num == 5 and hist.histo.min == pytest.approx(0.1)
    assert hist.histo.max == pytest.approx(2.0) and hist.histo.sum == pytest.approx(3.0)
    texts = [v for e in events if e.HasField("summary") for v in e.summary.value
             if v.tag.startswith("notes")]  # fmt: skip
    assert texts and b"hello **board**" in texts[0].tensor.string_val[0]


def test_add_scalars_writes_one_run_per_curve(tmp_path):
    w = SummaryWriter(str(tmp_path))
    w.add_scalars("loss", {"train": 1.5, "val": tl.tensor([2.5])}, 3)
    w.close()
    runs = events_under(tmp_path)
    found = {k: [(s, v.simple_value) for s, v in _values(e, "simple_value")]
             for k, e in runs.items()}  # fmt: skip
    assert found["loss_train"] == [(3, 1.5)] and found["loss_val"] == [(3, 2.5)]


def test_add_hparams_writes_the_hparams_plugin_and_metrics(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_hparams({"lr": 0.01, "bsize": 32, "opt": "sgd", "nesterov": True},
                      {"hparam/accuracy": 0.9}, run_name="trial1")  # fmt: skip
    runs = events_under(tmp_path)
    events = runs["trial1"]
    plugins = {v.metadata.plugin_data.plugin_name for e in events if e.HasField("summary")
               for v in e.summary.value}  # fmt: skip
    assert "hparams" in plugins
    assert ("hparam/accuracy", pytest.approx(0.9)) in [
        (v.tag, v.simple_value) for _, v in _values(events, "simple_value")
    ]
    with pytest.raises(TypeError, match="dictionary"):
        SummaryWriter(str(tmp_path)).add_hparams([1], {})


def test_bad_scalar_is_a_clear_error(tmp_path):
    with SummaryWriter(str(tmp_path)) as w, pytest.raises(ValueError, match="one-element"):
        w.add_scalar("x", tl.ones(3))


def test_missing_tensorboardx_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    for name in ("tinygrad_lite.utils.tensorboard", "tinygrad_lite.utils.tensorboard.writer"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with pytest.raises(ImportError, match=r"tinygrad_lite\[tensorboard\]"):
        importlib.import_module("tinygrad_lite.utils.tensorboard")
    monkeypatch.undo()
    importlib.import_module("tinygrad_lite.utils.tensorboard")
