"""safetensors checkpoints: to PyTorch and back with the same outputs, dtypes mapped, hostile
files (truncated, lying headers, huge headers) refused with CheckpointError before the
safetensors package sees them, a clear ImportError without the extra."""

from __future__ import annotations

import io
import json
import struct
import sys

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import serialization_safetensors as sft
from tinygrad_lite.serialization import CheckpointError

pytest.importorskip("safetensors")


def _mlp(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2))


def test_round_trip_dtypes_shapes_and_views(tmp_path):
    base = tg.arange(12, dtype=tg.float64).reshape(3, 4)
    state = {
        "f32": tg.randn(2, 3),
        "f64": base,
        "f16": tg.tensor([0.5, -2.0], dtype=tg.float16),
        "i64": tg.tensor([1, -(2**62)], dtype=tg.int64),
        "i32": tg.tensor([7], dtype=tg.int32),
        "i16": tg.tensor([-3], dtype=tg.int16),
        "i8": tg.tensor([-8], dtype=tg.int8),
        "u8": tg.tensor([255], dtype=tg.uint8),
        "flag": tg.tensor([True, False]),
        "scalar": tg.tensor(3.5),
        "empty": tg.zeros(0, 2),
        "transposed": base.t(),  # not contiguous
        "np": np.arange(3, dtype=np.int32)[::-1],  # a reversed NumPy view
    }
    path = tmp_path / "m.safetensors"
    tg.save(state, path)
    back = tg.load(path)
    assert sorted(back) == sorted(state)
    for key, value in state.items():
        want = value if isinstance(value, np.ndarray) else value.numpy()
        got = back[key]
        assert isinstance(got, tg.Tensor) and not got.requires_grad
        assert got.numpy().dtype == want.dtype and got.shape == want.shape, key
        np.testing.assert_array_equal(got.numpy(), want)
    back["f32"].add_(1)  # owns its memory: writable and independent of the file
    assert path.read_bytes()[:8] == struct.pack("<Q", len(path.read_bytes()) - 8 - _body(path))


def _body(path):
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    return len(data) - 8 - n


def test_format_argument_and_file_objects(tmp_path):
    state = {"w": tg.ones(2)}
    tg.save(state, tmp_path / "weights.bin", format="safetensors")
    assert tg.load(tmp_path / "weights.bin", format="safetensors")["w"].tolist() == [1.0, 1.0]
    with pytest.raises(CheckpointError, match="not a .npz archive"):
        tg.load(tmp_path / "weights.bin")  # npz by default for other extensions
    buf = io.BytesIO()
    tg.save(state, buf, format="safetensors")
    buf.seek(0)
    assert tg.load(buf, format="safetensors")["w"].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="format must be 'npz' or 'safetensors'"):
        tg.save(state, tmp_path / "x", format="pt")
    with pytest.raises(ValueError, match="format must be"):
        tg.load(tmp_path / "x", format="pickle")


def test_only_flat_dicts_of_tensors_are_saved(tmp_path):
    path = tmp_path / "m.safetensors"
    with pytest.raises(TypeError, match="flat dict of named tensors"):
        tg.save([tg.ones(1)], path)
    with pytest.raises(TypeError, match=r"value at 'state' is a dict.*as \.npz"):
        tg.save({"state": {"w": tg.ones(1)}}, path)
    with pytest.raises(TypeError, match="keys are strings"):
        tg.save({1: tg.ones(1)}, path)
    with pytest.raises(TypeError, match="complex128"):
        tg.save({"c": np.ones(2, dtype=np.complex128)}, path)
    with pytest.raises(TypeError, match="metadata must be a dict of strings"):
        sft.save_file({"w": tg.ones(1)}, path, metadata={"n": 1})
    assert not path.exists()


def test_metadata_round_trip(tmp_path):
    path = tmp_path / "m.safetensors"
    sft.save_file({"w": tg.ones(1)}, path, metadata={"model": "linear"})
    assert sft.load_metadata(path) == {"model": "linear"}


def test_model_saved_here_loads_in_pytorch_with_the_same_outputs(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file, save_file

    ours = _mlp(tg)
    rng = np.random.default_rng(0)
    data, target = rng.standard_normal((16, 3)), rng.standard_normal((16, 2))
    optimizer = tg.optim.SGD(ours.parameters(), lr=0.1)
    for _ in range(20):  # a model trained here
        optimizer.zero_grad()
        loss = tg.nn.functional.mse_loss(ours(tg.tensor(data, dtype=tg.float32)),
                                         tg.tensor(target, dtype=tg.float32))  # fmt: skip
        loss.backward()
        optimizer.step()
    path = tmp_path / "mlp.safetensors"
    tg.save(ours.state_dict(), path)
    theirs = _mlp(torch)
    with torch.no_grad():
        for p in theirs.parameters():
            p.zero_()  # make sure the numbers come from the file
    theirs.load_state_dict(load_file(str(path)))
    x = rng.standard_normal((5, 3)).astype(np.float32)
    want = ours(tg.tensor(x)).numpy()
    got = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    # and back: saved by PyTorch, loaded here into a fresh model
    save_file(theirs.state_dict(), str(tmp_path / "back.safetensors"))
    again = _mlp(tg)
    again.load_state_dict(tg.load(tmp_path / "back.safetensors"))
    np.testing.assert_array_equal(again(tg.tensor(x)).numpy(), want)


def test_pytorch_state_dict_loads_here_with_the_same_outputs(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    torch.manual_seed(3)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    path = tmp_path / "torch.safetensors"
    save_file(theirs.state_dict(), str(path))
    ours = _mlp(tg)
    ours.load_state_dict(tg.load(path))
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    want = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(tg.tensor(x)).numpy(), want, rtol=1e-6, atol=1e-6)


def test_pytorch_dtypes_map_and_bfloat16_is_refused_by_name(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    tensors = {
        "f16": torch.tensor([1.5], dtype=torch.float16),
        "f64": torch.tensor([2.0], dtype=torch.float64),
        "i64": torch.tensor([2**40]),
        "u8": torch.tensor([200], dtype=torch.uint8),
        "b": torch.tensor([True]),
        "i8": torch.tensor([-1], dtype=torch.int8),
    }
    save_file(tensors, str(tmp_path / "d.safetensors"))
    back = tg.load(tmp_path / "d.safetensors")
    for key, t in tensors.items():
        assert str(back[key].dtype).split(".")[-1] == str(t.dtype).split(".")[-1], key
        assert back[key].tolist() == t.tolist()
    save_file({"half": torch.ones(2, dtype=torch.bfloat16)}, str(tmp_path / "bf.safetensors"))
    with pytest.raises(CheckpointError, match=r"'half' has dtype 'BF16'.*tensor\.float\(\)"):
        tg.load(tmp_path / "bf.safetensors")


def test_shared_tensors_are_written_per_name_and_tie_again_in_pytorch(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file, load_model

    shared = tg.randn(4, 3)
    path = tmp_path / "tied.safetensors"
    tg.save({"enc.weight": shared, "dec.weight": shared}, path)
    loaded = load_file(str(path))
    np.testing.assert_array_equal(loaded["enc.weight"].numpy(), shared.numpy())
    np.testing.assert_array_equal(loaded["dec.weight"].numpy(), shared.numpy())

    class Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = torch.nn.Linear(3, 4, bias=False)
            self.dec = torch.nn.Linear(3, 4, bias=False)
            self.dec.weight = self.enc.weight

    model = Tied()
    model.load_state_dict(loaded)  # the plain way: every name is in the file
    assert model.dec.weight is model.enc.weight
    np.testing.assert_array_equal(model.enc.weight.detach().numpy(), shared.numpy())
    model = Tied()  # safetensors' own loader, which expects one name per shared group
    load_model(model, str(path), strict=False)
    assert model.dec.weight is model.enc.weight
    np.testing.assert_array_equal(model.enc.weight.detach().numpy(), shared.numpy())


# ----------------------------------------------------------------- hostile files


def _file(header: dict, body: bytes, length: int | None = None) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + body


GOOD = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
HOSTILE = {
    "empty": (b"", "shorter than the 8-byte header length"),
    "huge header": (struct.pack("<Q", 2**40) + b"{}", "at most"),
    "header past the end": (_file(GOOD, b"\0" * 8, length=10_000), "truncated"),
    "truncated data": (_file(GOOD, b"\0" * 4), "outside the 4 bytes of data"),
    "offsets lie about the size": (
        _file({"w": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 8]}}, b"\0" * 8),
        "4,000 bytes",
    ),
    "negative offsets": (
        _file({"w": {"dtype": "F32", "shape": [2], "data_offsets": [-8, 0]}}, b"\0" * 8),
        "outside",
    ),
    "overlap": (
        _file(
            {
                "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]},
            },
            b"\0" * 8,
        ),
        "overlap",
    ),  # fmt: skip
    "not json": (struct.pack("<Q", 5) + b"{nope", "not valid JSON"),
    "not an object": (_file([1, 2], b""), "not a JSON object"),
    "deep json": (struct.pack("<Q", 40000) + b"[" * 20000 + b"]" * 20000, "JSON"),
    "entry not an object": (_file({"w": 3}, b""), "'w' is not an object"),
    "shape of strings": (
        _file({"w": {"dtype": "F32", "shape": ["2"], "data_offsets": [0, 8]}}, b"\0" * 8),
        "not a list of sizes",
    ),
    "complex": (
        _file({"z": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8),
        "'z' has dtype 'C64'",
    ),
    "uint64": (
        _file({"u": {"dtype": "U64", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8),
        "'u' has dtype 'U64'",
    ),
    "metadata of numbers": (_file({"__metadata__": {"a": 1}}, b""), "__metadata__"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_are_refused_before_the_library_reads_them(tmp_path, monkeypatch, name):
    data, pattern = HOSTILE[name]
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    import safetensors.numpy

    def never(*args, **kwargs):
        raise AssertionError("the safetensors package was given a file that failed our checks")

    monkeypatch.setattr(safetensors.numpy, "load", never)
    with pytest.raises(CheckpointError, match=pattern) as err:
        tg.load(path)
    assert "not a valid safetensors file" in str(err.value)


def test_truncated_real_files_are_refused_at_every_cut(tmp_path):
    path = tmp_path / "m.safetensors"
    tg.save(_mlp(tg).state_dict(), path)
    data = path.read_bytes()
    for cut in sorted({0, 4, 8, 9, 40, len(data) // 2, len(data) - 1}):
        path.write_bytes(data[:cut])
        with pytest.raises(CheckpointError):
            tg.load(path)


def test_missing_package_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r"pip install 'tinygrad_lite\[safetensors\]'"):
        tg.save({"w": tg.ones(1)}, tmp_path / "m.safetensors")
    tg.save({"w": tg.ones(1)}, tmp_path / "m.npz")  # .npz needs nothing
    assert tg.load(tmp_path / "m.npz")["w"].tolist() == [1.0]
