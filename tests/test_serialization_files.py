"""Checkpoint files under attack and at the edges of the file system: bounded loading (zip
bombs, unnamed members, lying sizes), malformed manifests, arrays a tensor cannot hold, and
saves that keep mode bits, follow symlinks atomically and refuse what is not a regular file."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
import zlib

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.serialization import CheckpointError
from tinygrad_lite.utils.data import load_columns, load_text


def _npy(array) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asanyarray(array), allow_pickle=False)
    return buf.getvalue()


def _manifest(root) -> bytes:
    text = json.dumps({"format": "tinygrad_lite.checkpoint", "version": 1, "root": root})
    return _npy(np.frombuffer(text.encode(), np.uint8))


def _tensor_node(key, array):
    return {"t": "tensor", "key": key, "dtype": array.dtype.str, "shape": list(array.shape)}


def _archive(path, members: dict[str, bytes], compress: bool = False) -> None:
    mode = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=mode) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


@pytest.fixture
def count_reads(monkeypatch):
    """Records every member the loader opens (to prove nothing was decompressed)."""
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return opened


# ----------------------------------------------------------------- bounded load


def test_zip_bomb_is_refused_before_anything_is_decompressed(tmp_path, count_reads):
    big = np.zeros(2**24, dtype=np.float32)  # 64 MiB of zeros: deflates to ~65 kB
    path = tmp_path / "bomb.npz"
    _archive(path, {"w.npy": _npy(big),
                    "__manifest__.npy": _manifest(_tensor_node("w", big))}, compress=True)  # fmt: skip
    assert path.stat().st_size < 2**20
    count_reads.clear()  # (writing the archive opened its members too)
    with pytest.raises(CheckpointError, match=r"declare 67,1\d\d,\d\d\d bytes.*zip bomb"):
        tg.load(path)
    assert count_reads == []


def test_members_the_manifest_does_not_name_are_refused_by_name(tmp_path, count_reads):
    w = np.ones(2, np.float32)
    path = tmp_path / "extra.npz"
    _archive(path, {"w.npy": _npy(w), "hidden.npy": _npy(np.ones(3)),
                    "__manifest__.npy": _manifest(_tensor_node("w", w))})  # fmt: skip
    count_reads.clear()
    with pytest.raises(CheckpointError, match=r"members the manifest does not name: 'hidden.npy'"):
        tg.load(path)
    assert count_reads == ["__manifest__.npy"]  # only the manifest was read


def test_npy_header_lying_about_its_size_is_refused_before_reading_data(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (10**9,)}
    )
    lying = header.getvalue() + b"\0" * 8  # claims 4 GB, holds 8 bytes
    path = tmp_path / "lie.npz"
    node = {"t": "tensor", "key": "w", "dtype": "<f4", "shape": [10**9]}
    _archive(path, {"w.npy": lying, "__manifest__.npy": _manifest(node)})
    with pytest.raises(CheckpointError, match=r"'w' declares <f4\[1000000000\].*holds 8 bytes"):
        tg.load(path)


def test_members_that_are_not_npy_are_refused(tmp_path):
    path = tmp_path / "txt.npz"
    _archive(path, {"notes.txt": b"hello", "__manifest__.npy": _manifest({"t": "none"})})
    with pytest.raises(CheckpointError, match=r"member 'notes.txt' is not a .npy array"):
        tg.load(path)


@pytest.mark.parametrize(
    "root, pattern",
    [
        ({"t": ["tensor"]}, "malformed manifest entry"),
        ({"t": "tensor", "key": 7, "dtype": "<f4", "shape": [2]}, "key that is not a string"),
        ({"t": "tensor", "key": "w", "dtype": 4, "shape": [2]}, "'w': its dtype"),
        ({"t": "tensor", "key": "w", "dtype": "<f4", "shape": "2"}, "'w': its shape"),
        ({"t": "tensor", "key": "w", "dtype": "<f4", "shape": [-2]}, "'w': its shape"),
        ({"t": "tensor", "key": "w", "dtype": "<f4", "shape": [2.0]}, "'w': its shape"),
        ({"t": "list", "items": {"a": 1}}, "malformed container"),
        ({"t": "dict", "items": [[{"t": "str", "v": "a"}]]}, "malformed dict entry"),
        ({"t": "int", "v": "1"}, "type int holds '1'"),
        ({"t": "float", "v": None}, "type float holds None"),
        ({"t": "dict", "items": [[{"t": "list", "items": []}, {"t": "none"}]]}, "dict key of type"),
    ],
)
def test_manifest_fields_of_the_wrong_json_type(tmp_path, root, pattern):
    w = np.ones(2, np.float32)
    path = tmp_path / "m.npz"
    members = {"__manifest__.npy": _manifest(root)}
    if root.get("key") == "w":
        members["w.npy"] = _npy(w)
    _archive(path, members)
    with pytest.raises(CheckpointError, match=pattern):
        tg.load(path)


@pytest.mark.parametrize(
    "array",
    [np.array(["abc"]), np.ones(2, ">f4"), np.ones(2, np.uint64), np.ones(2, np.complex64),
     np.ones(2, np.uint32)],
    ids=["unicode", "big-endian", "uint64", "complex", "uint32"],
)  # fmt: skip
def test_arrays_a_tensor_cannot_hold_are_refused_with_the_key(tmp_path, array):
    path = tmp_path / "d.npz"
    _archive(path, {"layer.w.npy": _npy(array),
                    "__manifest__.npy": _manifest(_tensor_node("layer.w", array))})  # fmt: skip
    with pytest.raises(CheckpointError, match=r"'layer.w' has dtype .*which a tensor cannot hold"):
        tg.load(path)


def test_object_arrays_are_refused_without_unpickling(tmp_path):
    path = tmp_path / "o.npz"
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    node = {"t": "ndarray", "key": "o", "dtype": "|O", "shape": [1]}
    _archive(path, {"o.npy": buf.getvalue(), "__manifest__.npy": _manifest(node)})
    with pytest.raises(CheckpointError, match="'o' holds Python objects"):
        tg.load(path)


def test_numpy_arrays_of_other_numeric_dtypes_still_round_trip(tmp_path):
    state = {"c": np.arange(3, dtype=np.complex64), "u": np.arange(2, dtype=np.uint64)}
    tg.save(state, tmp_path / "np.npz")
    back = tg.load(tmp_path / "np.npz")
    assert back["c"].dtype == np.complex64 and back["u"].dtype == np.uint64


def test_archive_is_plain_and_uncompressed(tmp_path):
    tg.save({"w": tg.ones(3)}, tmp_path / "c.npz")
    with zipfile.ZipFile(tmp_path / "c.npz") as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
        assert sorted(zf.namelist()) == ["__manifest__.npy", "w.npy"]
    with np.load(tmp_path / "c.npz") as z:  # other readers see ordinary arrays
        np.testing.assert_array_equal(z["w"], np.ones(3, np.float32))


# ----------------------------------------------------------------- save: keys


@pytest.mark.parametrize(
    "obj, pattern",
    [
        ({"a": tg.ones(1), "a.npy": tg.ones(1)}, r"'a' and 'a.npy' would collide"),
        ({"a\0b": tg.ones(1)}, "NUL character"),
        ({"x": {"bad\0key": 1}}, "NUL character"),
        ({"__manifest__": tg.ones(1)}, "checkpoint's own manifest"),
        ({"__manifest__.npy": tg.ones(1)}, "checkpoint's own manifest"),
    ],
)
def test_keys_that_would_collide_are_refused_at_save_time(tmp_path, obj, pattern):
    path = tmp_path / "k.npz"
    with pytest.raises(ValueError, match=pattern):
        tg.save(obj, path)
    assert not path.exists()


def test_keys_that_need_no_refusal_round_trip(tmp_path):
    state = {"a.npy": tg.ones(1), "file": tg.zeros(1), "allow_pickle": tg.ones(2)}
    tg.save(state, tmp_path / "k.npz")
    back = tg.load(tmp_path / "k.npz")
    assert {k: v.tolist() for k, v in back.items()} == {k: v.tolist() for k, v in state.items()}


# ----------------------------------------------------------------- save: the target


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_save_keeps_the_targets_mode_bits(tmp_path, mode):
    path = tmp_path / "m.npz"
    tg.save({"w": tg.ones(1)}, path)
    os.chmod(path, mode)
    tg.save({"w": tg.zeros(1)}, path)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert tg.load(path)["w"].tolist() == [0.0]


def test_save_writes_through_a_symlink_to_its_target(tmp_path):
    real = tmp_path / "real" / "model.npz"
    real.parent.mkdir()
    tg.save({"w": tg.ones(1)}, real)
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    tg.save({"w": tg.full((1,), 7.0)}, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert tg.load(real)["w"].tolist() == [7.0]
    assert sorted(os.listdir(real.parent)) == ["model.npz"]  # the temp file was renamed
    dangling = tmp_path / "new.npz"
    dangling.symlink_to(tmp_path / "real" / "fresh.npz")
    tg.save({"w": tg.ones(1)}, dangling)
    assert dangling.is_symlink() and (tmp_path / "real" / "fresh.npz").is_file()


def test_save_refuses_a_directory(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory, not a regular file"):
        tg.save({"w": tg.ones(1)}, tmp_path)


def test_save_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="is a FIFO"):
        tg.save({"w": tg.ones(1)}, fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_save_refuses_a_device_node():
    with pytest.raises(OSError, match="is a character device"):
        tg.save({"w": tg.ones(1)}, "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_safetensors_save_shares_the_same_target_rules(tmp_path):
    pytest.importorskip("safetensors")
    with pytest.raises(IsADirectoryError):
        tg.save({"w": tg.ones(1)}, tmp_path / "d.safetensors" if False else tmp_path)
    path = tmp_path / "m.safetensors"
    tg.save({"w": tg.ones(1)}, path)
    os.chmod(path, 0o600)
    tg.save({"w": tg.zeros(1)}, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ----------------------------------------------------------------- text files


def test_load_text_and_load_columns_strip_a_utf8_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfx y\n1 2\n3 4\n")
    names, table = load_text(path)
    assert names == ["x", "y"] and table.tolist() == [[1, 2], [3, 4]]
    x, y = load_columns(path)
    assert x.tolist() == [1, 3] and y.tolist() == [2, 4]
    path.write_bytes(b"\xef\xbb\xbf1 2\n3 4\n")  # no header: the BOM must not spoil the number
    _, table = load_text(path, header=False)
    assert table.tolist() == [[1, 2], [3, 4]]


def test_deflated_members_within_the_file_size_still_load(tmp_path):
    """An archive re-zipped with compression (by a tool) still loads while it stays within
    its own size (the bound is on declared bytes, not on the compression method)."""
    w = np.random.default_rng(0).standard_normal(64).astype(np.float32)
    path = tmp_path / "z.npz"
    _archive(path, {"w.npy": _npy(w), "__manifest__.npy": _manifest(_tensor_node("w", w))},
             compress=True)  # fmt: skip
    if sum(i.file_size for i in zipfile.ZipFile(path).infolist()) > path.stat().st_size:
        pytest.skip("random floats compressed too well for this check")
    np.testing.assert_array_equal(tg.load(path).numpy(), w)
    assert zlib  # (zlib is what deflate needs; present on every CPython)


# ----------------------------------------------------------------- fuzzing


@pytest.mark.parametrize("fmt", ["npz", "safetensors"])
def test_mutated_checkpoints_load_or_raise_checkpoint_error_only(fmt):
    """Seeded fuzzing: truncations, byte flips and insertions of a good file either still
    load or raise CheckpointError, never another exception."""
    import random

    if fmt == "safetensors":
        pytest.importorskip("safetensors")
        obj = {"w": tg.randn(3, 2), "b": tg.zeros(2, dtype=tg.float64), "i": tg.tensor([1, 2])}
    else:
        obj = {"sd": {"w": tg.randn(3, 2), "i": tg.tensor([1, 2])}, "n": [1, 2.5, None, "x"]}
    buf = io.BytesIO()
    tg.save(obj, buf, format=fmt)
    good = buf.getvalue()
    rng = random.Random(1)
    refused = 0
    for _ in range(400):
        data = bytearray(good)
        kind = rng.randrange(3)
        if kind == 0:
            data = data[: rng.randrange(len(data))]
        elif kind == 1:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            i = rng.randrange(len(data))
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 30)))
        try:
            tg.load(io.BytesIO(bytes(data)), format=fmt)
        except CheckpointError:
            refused += 1
    assert refused > 200  # most mutations break the file, and each one said so
