"""Checkpoints under faults: a save killed at any moment leaves the old or the new file,
never a broken one; truncated, corrupted, foreign and pickle-bearing files are refused with
a clear ``CheckpointError`` and never run code.

The kill tests run ``checkpoint_writer.py`` (next to this file) in child processes (forked,
and as a script in fresh interpreters) that save version after version of a 3 MiB state
dict to one path, and SIGKILL them at random times.
"""

from __future__ import annotations

import importlib.util
import io
import os
import pickle
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.serialization import CheckpointError

WRITER = Path(__file__).with_name("checkpoint_writer.py")
KILLS = 24  # forked writers killed (and checked) one after another
SCRIPT_KILLS = 3  # writers started as scripts in fresh interpreters
REPO = Path(__file__).resolve().parents[2]


def _writer_module():
    spec = importlib.util.spec_from_file_location("checkpoint_writer", WRITER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _version_of(path: Path, writer) -> int:
    """The version a checkpoint holds, after checking that it is complete and consistent."""
    sd = tl.load(path)
    v = sd["step"]
    assert sd["note"] == f"version {v}"
    assert list(sd["model"]) == [f"layer{i}.weight" for i in range(writer.LAYERS)]
    for w in sd["model"].values():
        assert w.shape == (writer.SIZE, writer.SIZE) and w.dtype == tl.float64
        assert (w.numpy() == v).all()
    assert sd["bias"].dtype == tl.int64 and (sd["bias"].numpy() == v).all()
    return v


# --- killed writers ----------------------------------------------------------------------
def _check_after_kill(path: Path, lines: list, writer) -> str:
    """The file holds the last version whose save returned ('old') or the one being
    written when the process died ('new'), complete; anything else fails."""
    done = [int(x) for x in lines if x != "ready"]
    last_done = done[-1] if done else 0
    v = _version_of(path, writer)
    assert v in (last_done, last_done + 1), (v, last_done)
    return "old" if v == last_done else "new"


def _fork_writer(path: Path, writer) -> tuple[int, int]:
    """A child process running ``write_forever``; returns (pid, read end of its output)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: write until killed; never return into pytest
        try:
            os.close(r)
            writer.write_forever(str(path), 1, lambda line: os.write(w, (line + "\n").encode()))
        finally:
            os._exit(1)
    os.close(w)
    return pid, r


def _read_all(fd: int) -> list:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode().split()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_save_killed_at_random_times_leaves_old_or_new_file(tmp_path):
    writer = _writer_module()
    rng = np.random.default_rng(7)
    outcomes = {"old": 0, "new": 0}
    for k in range(KILLS):
        path = tmp_path / f"ckpt{k}.npz"
        tl.save(writer.state(0), path)  # the file the user already had
        pid, out = _fork_writer(path, writer)
        time.sleep(float(rng.uniform(0.0, 0.15)))  # a random moment in the first few saves
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        outcomes[_check_after_kill(path, _read_all(out), writer)] += 1
    leftovers = [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
    # The kills really landed inside saves: a killed save leaves its half-written temporary
    # file behind (the rename never happened), while the checkpoint itself stayed whole.
    assert len(leftovers) >= 1, outcomes
    assert sum(outcomes.values()) == KILLS >= 20
    print(f"{KILLS} kills: {outcomes}, {len(leftovers)} interrupted temp files left")


def test_save_killed_in_separate_interpreters(tmp_path):
    """The same with the helper run as a script (fresh interpreters, as a user's job)."""
    writer = _writer_module()
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = []
    for i in range(SCRIPT_KILLS):
        path = tmp_path / f"ckpt{i}.npz"
        tl.save(writer.state(0), path)
        p = subprocess.Popen([sys.executable, str(WRITER), str(path), "1"],
                             stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
        procs.append((p, path))
    for i, (p, path) in enumerate(procs):
        assert p.stdout.readline().strip() == "ready"
        time.sleep(0.05 * i)
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert p.returncode == -signal.SIGKILL
        _check_after_kill(path, p.stdout.read().split(), writer)
        p.stdout.close()


def test_failed_save_keeps_previous_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    tl.save({"w": tl.ones(3)}, path)
    before = path.read_bytes()

    def broken_write(f, arrays, manifest):  # writes half, then the disk is "full"
        f.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tl.serialization, "_write_npz", broken_write)
    with pytest.raises(OSError, match="No space left"):
        tl.save({"w": tl.zeros(3)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]
    np.testing.assert_array_equal(tl.load(path)["w"].numpy(), np.ones(3, dtype=np.float32))


def test_unsavable_object_keeps_previous_file(tmp_path):
    path = tmp_path / "model.npz"
    tl.save({"w": tl.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="cannot store an object of type"):
        tl.save({"w": tl.zeros(2), "opt": object()}, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]


# --- bad files on load -------------------------------------------------------------------
def _good_checkpoint(tmp_path: Path) -> tuple[Path, dict]:
    sd = {
        "step": 3,
        "linear.weight": tl.tensor(np.arange(12.0).reshape(3, 4)),
        "linear.bias": tl.tensor(np.array([1, 2, 3], dtype=np.int32)),
        "names": ["a", "b"],
    }
    path = tmp_path / "good.npz"
    tl.save(sd, path)
    return path, sd


def _assert_refused(path: Path) -> str:
    with pytest.raises(CheckpointError) as info:
        tl.load(path)
    msg = str(info.value)
    assert "not a valid tinygrad_lite checkpoint" in msg and str(path.name) in msg, msg
    return msg


def test_truncated_files_are_refused(tmp_path):
    path, _ = _good_checkpoint(tmp_path)
    blob = path.read_bytes()
    cuts = sorted(set(np.linspace(0, len(blob) - 1, 40).astype(int).tolist()))
    for n in cuts:
        bad = tmp_path / f"cut{n}.npz"
        bad.write_bytes(blob[:n])
        _assert_refused(bad)
    assert len(cuts) >= 30


def _equal(a, b) -> bool:
    if isinstance(a, tl.Tensor):
        return isinstance(b, tl.Tensor) and a.dtype == b.dtype and a.equal(b)
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_equal, a, b))
    return type(a) is type(b) and a == b


def test_flipped_bytes_give_checkpointerror_or_the_exact_data(tmp_path):
    """A flipped byte is either detected (CRC, zip structure, manifest checks) or it hit a
    field nothing reads (zip timestamps...): then the data must come back exactly."""
    path, sd = _good_checkpoint(tmp_path)
    blob = bytearray(path.read_bytes())
    rng = np.random.default_rng(11)
    refused = intact = 0
    for trial in range(150):
        bad = bytearray(blob)
        for pos in rng.choice(len(blob), size=int(rng.integers(1, 4)), replace=False):
            bad[pos] ^= int(rng.integers(1, 256))
        f = tmp_path / f"flip{trial}.npz"
        f.write_bytes(bytes(bad))
        try:
            loaded = tl.load(f)
        except CheckpointError as e:
            assert "not a valid tinygrad_lite checkpoint" in str(e)
            refused += 1
            continue
        assert _equal(loaded, sd), f"trial {trial}: corrupted data loaded silently"
        intact += 1
    assert refused > 100  # most flips land in checked bytes (data, CRCs, headers)


FOREIGN = {
    "random-bytes": lambda: np.random.default_rng(0).bytes(4096),
    "empty": lambda: b"",
    "text": lambda: b"reservations,pizzas\n13,33\n2,16\n",
    "json": lambda: b'{"format": "tinygrad_lite.checkpoint", "version": 1}',
    "zip-not-npz": lambda: _zip({"hello.txt": b"hi"}),
    "npy": lambda: _npy(np.arange(5)),
    "npz-no-manifest": lambda: _npz(weight=np.ones(3)),
    "npz-bad-manifest-json": lambda: _npz(__manifest__=np.frombuffer(b"{nope", np.uint8)),
    "npz-foreign-manifest": lambda: _npz(
        __manifest__=np.frombuffer(b'{"format": "other", "version": 1}', np.uint8)
    ),
    "npz-future-version": lambda: _npz(
        __manifest__=np.frombuffer(b'{"format": "tinygrad_lite.checkpoint", "version": 99, '
                                   b'"root": {"t": "none"}}', np.uint8)  # fmt: skip
    ),
    "npz-missing-array": lambda: _npz(
        __manifest__=np.frombuffer(
            b'{"format": "tinygrad_lite.checkpoint", "version": 1, "root": '
            b'{"t": "tensor", "key": "w", "dtype": "<f4", "shape": [2]}}', np.uint8
        )
    ),
    "npz-shape-lie": lambda: _npz(
        w=np.ones(3, np.float32),
        __manifest__=np.frombuffer(
            b'{"format": "tinygrad_lite.checkpoint", "version": 1, "root": '
            b'{"t": "tensor", "key": "w", "dtype": "<f4", "shape": [2]}}', np.uint8
        ),
    ),
    "npz-deep-manifest": lambda: _npz(
        __manifest__=np.frombuffer(
            b'{"format": "tinygrad_lite.checkpoint", "version": 1, "root": '
            + b'{"t": "list", "items": [' * 5000 + b"]}" * 5000 + b"}", np.uint8
        )
    ),
}  # fmt: skip


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _npy(array) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _zip(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_foreign_files_are_refused(tmp_path, kind):
    path = tmp_path / f"{kind}.npz"
    path.write_bytes(FOREIGN[kind]())
    _assert_refused(path)


# --- files that would run code -----------------------------------------------------------
class _Payload:
    """Unpickling this object creates the marker file (what an attacker's file would do)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def _pickle_files(marker: Path) -> dict:
    payload = _Payload(str(marker))
    obj_array = np.empty(1, dtype=object)
    obj_array[0] = payload
    manifest = np.frombuffer(
        b'{"format": "tinygrad_lite.checkpoint", "version": 1, "root": '
        b'{"t": "ndarray", "key": "w", "dtype": "|O", "shape": [1]}}', np.uint8
    )  # fmt: skip
    return {
        "pickle": pickle.dumps({"weight": payload}),
        "npz-object-array": _npz(w=obj_array),
        "npz-object-array-with-manifest": _npz(w=obj_array, __manifest__=manifest),
        "npy-object-array": _npy(obj_array),
    }


@pytest.mark.parametrize(
    "kind", ["pickle", "npz-object-array", "npz-object-array-with-manifest", "npy-object-array"]
)
def test_pickle_bearing_files_are_refused_and_run_no_code(tmp_path, kind):
    marker = tmp_path / "PWNED"
    blob = _pickle_files(marker)[kind]
    # the payload is real: plain unpickling does create the marker
    if kind == "pickle":
        pickle.loads(blob)
        assert marker.exists()
        marker.unlink()
    path = tmp_path / f"{kind}.ckpt"
    path.write_bytes(blob)
    msg = _assert_refused(path)
    assert not marker.exists(), "loading ran code from the file"
    if kind != "npz-object-array":  # (that one has no manifest: refused for that first)
        assert "pickle" in msg.lower(), msg


def test_save_refuses_object_arrays(tmp_path):
    arr = np.empty(2, dtype=object)
    with pytest.raises(TypeError, match="dtype object"):
        tl.save({"w": arr}, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


def test_missing_file_is_filenotfounderror(tmp_path):
    with pytest.raises(FileNotFoundError):
        tl.load(tmp_path / "nope.npz")


def test_good_file_round_trips(tmp_path):
    # the counterpart of every refusal above: the same loader accepts a real checkpoint
    path, sd = _good_checkpoint(tmp_path)
    assert _equal(tl.load(path), sd)
