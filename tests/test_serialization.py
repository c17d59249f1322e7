"""Checkpoints: round trips keep structure and dtypes exactly; writes are atomic; truncated,
corrupted, foreign and pickle-bearing files are refused with CheckpointError."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite.serialization import CheckpointError


def _same(a, b):
    """Deep equality that also checks types and dtypes."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, tg.Tensor):
        assert a.numpy().dtype == b.numpy().dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a.keys()) == list(b.keys())
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


def _sample():
    return {
        "model": OrderedDict(
            [("layer.weight", tg.randn(3, 2)), ("layer.bias", tg.zeros(3, dtype=tg.float64))]
        ),
        "optimizer": {
            "state": {0: {"step": tg.tensor(3.0), "exp_avg": tg.ones(3, 2)}, 1: {}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1],
                              "amsgrad": False}],
        },
        "scheduler": {"best": float("inf"), "worse": float("-inf"), "nan": float("nan"),
                      "milestones": {3: 1, 8: 2}, "mode": "min", "default_min_lr": None},
        "int8": tg.tensor([1, -2], dtype=tg.int8),
        "u8": tg.tensor([255], dtype=tg.uint8),
        "half": tg.tensor([0.5, 1.5], dtype=tg.float16),
        "bool": tg.tensor([True, False]),
        "scalar": tg.tensor(7),
        "empty": tg.zeros(0, 4),
        "ndarray": np.arange(6, dtype=np.int32).reshape(2, 3),
        "npfloat": np.float32(2.5),
        "big": 2**70,
        "keys": {1.5: "f", True: "b", None: "n", "": "empty"},
        "": "empty key at top",
        "slash": {"a/b": tg.ones(1), "a": {"b": tg.zeros(1)}},
        "nested": [1, (2, [3.0, "four", None]), []],
    }  # fmt: skip


def test_round_trip_keeps_structure_types_and_dtypes(tmp_path):
    obj = _sample()
    tg.save(obj, tmp_path / "ck.pt")
    _same(tg.load(tmp_path / "ck.pt"), obj)
    _same(tg.load(str(tmp_path / "ck.pt")), obj)


def test_file_objects(tmp_path):
    obj = _sample()
    buf = io.BytesIO()
    tg.save(obj, buf)
    buf.seek(0)
    _same(tg.load(buf), obj)


def test_loaded_tensors_are_plain_independent_tensors(tmp_path):
    p = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
    tg.save({"w": p}, tmp_path / "p.ckpt")
    w = tg.load(tmp_path / "p.ckpt")["w"]
    assert type(w) is tg.Tensor and not w.requires_grad and w.is_leaf
    w.numpy()[0] = 100
    assert p.numpy()[0] == 1.0


def test_file_is_a_plain_npz_named_by_path(tmp_path):
    tg.save({"layer.weight": tg.ones(2), "opt": {"state": {0: {"m": tg.zeros(1)}}}}, tmp_path / "c")
    with np.load(tmp_path / "c", allow_pickle=False) as z:
        assert set(z.files) == {"layer.weight", "opt/state/0/m", "__manifest__"}
        manifest = json.loads(z["__manifest__"].tobytes())
    assert manifest["format"] == "tinygrad_lite.checkpoint"


@settings(max_examples=30, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int16, np.int32,
                               np.int64, np.uint8, np.bool_]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    )
)  # fmt: skip
def test_any_array_round_trips_bit_exactly(array):
    buf = io.BytesIO()
    tg.save({"t": tg.from_numpy(array)}, buf)
    back = tg.load(io.BytesIO(buf.getvalue()))["t"].numpy()
    assert back.dtype == array.dtype and back.shape == array.shape
    assert back.tobytes() == array.tobytes()


def test_unsupported_objects_are_rejected_with_their_path(tmp_path):
    with pytest.raises(TypeError, match="'a/0'.*state_dict"):
        tg.save({"a": [object()]}, tmp_path / "x")
    with pytest.raises(TypeError, match="dict key"):
        tg.save({(1, 2): 3}, tmp_path / "x")
    with pytest.raises(TypeError, match="dtype object"):
        tg.save({"a": np.array([object()])}, tmp_path / "x")
    assert not os.listdir(tmp_path)  # nothing half-written, no temp files left


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "ck.npz"
    tg.save({"v": tg.tensor([1.0])}, target)
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tg.serialization, "_write_npz", boom)
    with pytest.raises(OSError, match="disk full"):
        tg.save({"v": tg.tensor([2.0])}, target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["ck.npz"]
    tg.save({"v": tg.tensor([2.0])}, target)  # and a good save replaces it
    assert tg.load(target)["v"].tolist() == [2.0]


def test_save_replaces_via_rename_with_fsync(tmp_path, monkeypatch):
    calls = []
    real_replace, real_fsync = os.replace, os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1]
    )
    tg.save({"v": tg.ones(1)}, tmp_path / "ck")
    assert calls[:2] == ["fsync", "replace"]


# ------------------------------------------------------------------ refusing bad files
def _good_bytes():
    buf = io.BytesIO()
    tg.save(_sample(), buf)
    return buf.getvalue()


@pytest.mark.parametrize("cut", [0, 10, 100, 0.5, -30, -1])
def test_truncated_files_are_refused(tmp_path, cut):
    data = _good_bytes()
    n = int(len(data) * cut) if isinstance(cut, float) else cut
    (tmp_path / "t").write_bytes(data[:n])
    with pytest.raises(CheckpointError, match="not a valid tinygrad_lite checkpoint"):
        tg.load(tmp_path / "t")


def test_corrupted_bytes_are_refused(tmp_path):
    data = bytearray(_good_bytes())
    rng = np.random.default_rng(0)
    refused = 0
    for _ in range(20):
        bad = bytearray(data)
        for i in rng.integers(0, len(bad), size=5):
            bad[i] ^= 0xFF
        (tmp_path / "c").write_bytes(bytes(bad))
        try:
            tg.load(tmp_path / "c")
        except CheckpointError:  # damage must surface as CheckpointError, nothing else
            refused += 1
    assert refused >= 15  # CRCs and the manifest catch nearly all damage


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_pickle_files_are_refused_without_running_code(tmp_path, monkeypatch):
    (tmp_path / "evil.pt").write_bytes(pickle.dumps({"x": _Evil()}))
    # an npz whose member is a pickled object array
    np.savez(tmp_path / "evil.npz", __manifest__=np.frombuffer(b"{}", np.uint8),
             x=np.array([_Evil(), 1], dtype=object))  # fmt: skip
    ran = []  # unpickling would call os.system: record instead of running
    monkeypatch.setattr(os, "system", lambda cmd: ran.append(cmd))
    with pytest.raises(CheckpointError, match="pickle"):
        tg.load(tmp_path / "evil.pt")
    with pytest.raises(CheckpointError):
        tg.load(tmp_path / "evil.npz")
    assert ran == []


def _npy_bytes(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def test_torch_checkpoint_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.pt")
    with pytest.raises(CheckpointError):
        tg.load(tmp_path / "torch.pt")


@pytest.mark.parametrize(
    "make, pattern",
    [
        (lambda p: p.write_bytes(_npy_bytes(np.ones(3))), "single .npy array"),
        (lambda p: np.savez(p, a=np.ones(3)), "no manifest"),
        (lambda p: p.write_text("hello, world\n"), "not a valid"),
        (lambda p: np.savez(p, __manifest__=np.frombuffer(b"{not json", np.uint8)),
         "not valid JSON"),
        (lambda p: np.savez(p, __manifest__=np.frombuffer(b'{"format": "x"}', np.uint8)),
         "does not describe"),
        (lambda p: np.savez(p, __manifest__=np.ones(3)), "not valid JSON"),
    ],
)  # fmt: skip
def test_foreign_files_are_refused(tmp_path, make, pattern):
    path = tmp_path / "f.npz"
    make(path)
    with pytest.raises(CheckpointError, match=pattern):
        tg.load(path)


def _tamper(tmp_path, edit):
    """Rewrite the manifest of a good checkpoint with ``edit(manifest)``."""
    src = tmp_path / "good.npz"
    tg.save({"w": tg.ones(2, 3), "n": 1}, src)
    with np.load(src) as z:
        arrays = {k: z[k] for k in z.files}
    manifest = json.loads(arrays.pop("__manifest__").tobytes())
    edit(manifest, arrays)
    out = tmp_path / "bad.npz"
    np.savez(out, __manifest__=np.frombuffer(json.dumps(manifest).encode(), np.uint8), **arrays)
    return out


@pytest.mark.parametrize(
    "edit, pattern",
    [
        (lambda m, a: a.pop("w"), "missing"),
        (lambda m, a: a.update(w=np.ones((3, 2), np.float32)), "manifest says"),
        (lambda m, a: m.update(version=99), "version"),
        (lambda m, a: m["root"]["items"][1][1].update(t="code"), "unknown manifest entry"),
        (lambda m, a: m["root"]["items"][1][1].update(v="1"), "holds"),
        (lambda m, a: m["root"].update(items=5), "malformed"),
    ],
)
def test_tampered_manifests_are_refused(tmp_path, edit, pattern):
    with pytest.raises(CheckpointError, match=pattern):
        tg.load(_tamper(tmp_path, edit))


def test_missing_file_and_map_location(tmp_path):
    with pytest.raises(FileNotFoundError):
        tg.load(tmp_path / "nope.pt")
    tg.save({"a": 1}, tmp_path / "ok")
    assert tg.load(tmp_path / "ok", map_location="cpu", weights_only=True) == {"a": 1}
    with pytest.raises(RuntimeError):
        tg.load(tmp_path / "ok", map_location="cuda:0")
    assert zipfile.is_zipfile(tmp_path / "ok")


# ------------------------------------------------------------------ training resumes exactly
def _make_run(seed):
    tg.manual_seed(seed)
    model = tg.nn.Sequential(tg.nn.Linear(3, 8), tg.nn.Tanh(), tg.nn.Linear(8, 1))
    opt = tg.optim.Adam(
        [{"params": model[0].parameters(), "lr": 0.01}, {"params": model[2].parameters()}],
        lr=0.005,
        amsgrad=True,
    )
    sched = tg.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
    return model, opt, sched


def _data():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(50, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    return tg.utils.data.TensorDataset(tg.tensor(x), tg.tensor(y))


def _epochs(model, opt, sched, loader, n):
    loss_fn = tg.nn.MSELoss()
    for _ in range(n):
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
        sched.step()


def test_training_resumed_from_checkpoint_continues_exactly(tmp_path):
    data = _data()
    gen = tg.Generator().manual_seed(11)
    model, opt, sched = _make_run(0)
    loader = tg.utils.data.DataLoader(data, batch_size=8, shuffle=True, generator=gen)
    _epochs(model, opt, sched, loader, 4)

    gen = tg.Generator().manual_seed(11)
    model1, opt1, sched1 = _make_run(0)
    loader = tg.utils.data.DataLoader(data, batch_size=8, shuffle=True, generator=gen)
    _epochs(model1, opt1, sched1, loader, 2)
    tg.save(
        {
            "model": model1.state_dict(),
            "optimizer": opt1.state_dict(),
            "scheduler": sched1.state_dict(),
            "rng": gen.get_state(),
        },
        tmp_path / "run.ckpt",
    )
    del model1, opt1, sched1

    ck = tg.load(tmp_path / "run.ckpt")
    model2, opt2, sched2 = _make_run(99)  # different initial weights: all must come from ck
    model2.load_state_dict(ck["model"])
    opt2.load_state_dict(ck["optimizer"])
    sched2.load_state_dict(ck["scheduler"])
    gen2 = tg.Generator().set_state(ck["rng"])
    loader2 = tg.utils.data.DataLoader(data, batch_size=8, shuffle=True, generator=gen2)
    _epochs(model2, opt2, sched2, loader2, 2)

    assert sched2.get_last_lr() == sched.get_last_lr()
    for (name, a), (_, b) in zip(model.state_dict().items(), model2.state_dict().items()):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


def test_saved_file_gets_ordinary_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        tg.save({"a": 1}, tmp_path / "ck")
    finally:
        os.umask(umask)
    assert (tmp_path / "ck").stat().st_mode & 0o777 == 0o644


def test_a_text_file_is_reported_as_not_an_archive_not_as_pickle(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\nworld\n")
    with pytest.raises(CheckpointError, match="not a .npz archive") as info:
        tg.load(path)
    assert "pickled" not in str(info.value)


def test_save_removes_temp_files_of_killed_writers_but_not_of_live_ones(tmp_path):
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a finished process: its pid no longer exists
    target = tmp_path / "model.npz"
    orphan = tmp_path / f".model.npz.{dead.pid}-abc.tmp"
    live = tmp_path / f".model.npz.{os.getppid()}-def.tmp"  # the parent process is alive
    other = tmp_path / f".other.npz.{dead.pid}-abc.tmp"  # another target's temp file
    for p in (orphan, live, other):
        p.write_bytes(b"half-written")
    tg.save({"w": tg.ones(2)}, target)
    assert not orphan.exists()
    assert live.exists() and other.exists()
    assert tg.load(target)["w"].tolist() == [1.0, 1.0]
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".model.npz") and p != live.name]
