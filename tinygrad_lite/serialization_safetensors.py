"""safetensors checkpoints: the way out to PyTorch and back (``pip install 'tinygrad_lite[safetensors]'``).

``tinygrad_lite.save(model.state_dict(), "m.safetensors")`` writes a file that
``safetensors.torch.load_file`` reads into the same architecture in PyTorch, and
``tinygrad_lite.load("m.safetensors")`` reads one written by ``safetensors.torch.save_file``.
The reading and writing is done by the ``safetensors`` package's NumPy API; this module only
maps dtypes, makes arrays contiguous, and checks a file before handing it over:

- the 8-byte header length must fit the file and :data:`MAX_HEADER_BYTES`;
- the header must be a JSON object of entries with a dtype a tensor can hold, a shape of
  sizes and data offsets that lie inside the file and match ``shape x itemsize``.

Anything else raises ``CheckpointError``. A safetensors file holds a flat dict of named
tensors plus optional string metadata. Shared (tied) tensors: safetensors has no aliasing, and
PyTorch's ``safetensors.torch.save_file`` refuses them while ``save_model`` keeps one name per
shared group. Here every name is written (a copy each), so ``load_file`` + ``load_state_dict``
works in PyTorch and ties them again (``load_model`` needs ``strict=False``).
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

import numpy as np

from .serialization import CheckpointError, atomic_write

__all__ = ["save_file", "load_file", "load_metadata", "MAX_HEADER_BYTES"]

#: The largest header we read (the safetensors package itself refuses more than 100 MB).
MAX_HEADER_BYTES = 16 * 1024 * 1024
#: safetensors dtype names <-> NumPy dtypes, for the dtypes a tensor can hold.
DTYPES: dict[str, np.dtype] = {
    "F16": np.dtype(np.float16), "F32": np.dtype(np.float32), "F64": np.dtype(np.float64),
    "I8": np.dtype(np.int8), "I16": np.dtype(np.int16), "I32": np.dtype(np.int32),
    "I64": np.dtype(np.int64), "U8": np.dtype(np.uint8), "BOOL": np.dtype(np.bool_),
}  # fmt: skip
_ADVICE = {
    "BF16": "convert it in PyTorch first (tensor.float())",
    "U16": "convert it first (tensor.to(torch.int32))",
    "U32": "convert it first (tensor.to(torch.int64))",
    "U64": "a tensor holds no uint64",
}


def _library() -> Any:
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(
            "safetensors checkpoints need the extra 'safetensors': "
            "pip install 'tinygrad_lite[safetensors]' (or pip install safetensors); "
            ".npz checkpoints need nothing"
        ) from None
    return safetensors.numpy


def _arrays(obj: Any) -> dict[str, np.ndarray]:
    """The state dict ``obj`` as contiguous native-order NumPy arrays by name."""
    from .tensor import Tensor

    if not isinstance(obj, dict):
        raise TypeError(
            f"save: a safetensors file holds a flat dict of named tensors (a state_dict()), "
            f"not a {type(obj).__name__}; save other objects as .npz"
        )
    arrays: dict[str, np.ndarray] = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(
                f"save: safetensors keys are strings, got {key!r} ({type(key).__name__})"
            )
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(
                f"save: the value at {key!r} is a {type(value).__name__}; a safetensors file "
                "holds only tensors (save nested or non-tensor state, e.g. an optimizer's, as .npz)"
            )
        array = value._array if isinstance(value, Tensor) else value
        native = array.dtype.newbyteorder("=")
        if native not in DTYPES.values():
            raise TypeError(
                f"save: the tensor at {key!r} has dtype {array.dtype}; safetensors files written "
                "here hold float16/32/64, int8/16/32/64, uint8 and bool"
            )
        arrays[key] = np.array(array, dtype=native, order="C", copy=None)  # views: a copy
    return arrays


def save_file(
    tensors: dict[str, Any], f: str | os.PathLike | Any, metadata: dict[str, str] | None = None
) -> None:
    """Write a flat dict name -> Tensor (or ndarray) as safetensors to a path (atomically,
    like ``save``) or a binary file. ``metadata`` is a dict of strings stored in the header.
    Raises ``TypeError`` for anything but a dict of tensors of a supported dtype."""
    arrays = _arrays(tensors)
    if metadata is not None and not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise TypeError("save: safetensors metadata must be a dict of strings to strings")
    data = _library().save(arrays, metadata=metadata)
    if isinstance(f, (str, os.PathLike)):
        atomic_write(f, lambda out: out.write(data), "save")
    else:
        f.write(data)


def _where(f: Any) -> str:
    return repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else "the given file"


def _bad(where: str, what: str) -> CheckpointError:
    return CheckpointError(f"load: {where} is not a valid safetensors file: {what}")


def read_header(data: bytes | memoryview, where: str) -> tuple[dict, dict[str, str]]:
    """Check the header of a whole safetensors file ``data``; return (entries, metadata).

    Every check the file needs before the safetensors package sees it: sizes, JSON types,
    dtypes a tensor can hold, offsets inside the data and matching the shapes."""
    size = len(data)
    if size < 8:
        raise _bad(where, f"it is {size} bytes long, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", bytes(data[:8]))
    if n > MAX_HEADER_BYTES:
        raise _bad(where, f"its header claims {n:,} bytes (at most {MAX_HEADER_BYTES:,} are read)")
    if 8 + n > size:
        raise _bad(where, f"its header claims {n:,} bytes but the file has only {size - 8:,} after "
                          "the length (truncated?)")  # fmt: skip
    try:
        header = json.loads(bytes(data[8 : 8 + n]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise _bad(where, f"its header is not valid JSON ({e})") from e
    if not isinstance(header, dict):
        raise _bad(where, "its header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _bad(where, "its __metadata__ is not an object of strings")
    body = size - 8 - n
    spans = []
    for key, entry in header.items():
        if not isinstance(entry, dict):
            raise _bad(where, f"the entry of {key!r} is not an object")
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if not isinstance(dtype, str) or dtype not in DTYPES:
            advice = _ADVICE.get(dtype, "a tensor cannot hold it") if isinstance(dtype, str) else ""
            raise _bad(where, f"the tensor {key!r} has dtype {dtype!r:.20}: {advice}".rstrip(": "))
        if not (isinstance(shape, list) and all(type(s) is int and s >= 0 for s in shape)):
            raise _bad(where, f"the tensor {key!r} has a shape that is not a list of sizes")
        if not (
            isinstance(offsets, list)
            and len(offsets) == 2
            and all(type(o) is int for o in offsets)
            and 0 <= offsets[0] <= offsets[1] <= body
        ):
            raise _bad(where, f"the tensor {key!r} has data offsets {offsets!r:.60} outside the "
                              f"{body:,} bytes of data (truncated, or a header lying about sizes)")  # fmt: skip
        need = int(np.prod(shape, dtype=object)) * DTYPES[dtype].itemsize
        if offsets[1] - offsets[0] != need:
            raise _bad(where, f"the tensor {key!r} is {dtype}{shape} ({need:,} bytes) but its "
                              f"data offsets span {offsets[1] - offsets[0]:,} bytes")  # fmt: skip
        spans.append((offsets[0], offsets[1], key))
    spans.sort()
    for (_, end, a), (start, _, b) in zip(spans, spans[1:]):
        if start < end:
            raise _bad(where, f"the data of {a!r} and {b!r} overlap")
    return header, metadata


def _read_bytes(f: Any) -> tuple[bytes, str]:
    where = _where(f)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return fh.read(), where
    try:
        data = f.read()
    except (OSError, AttributeError, ValueError) as e:
        raise _bad(where, f"it cannot be read ({type(e).__name__}: {e})") from e
    return bytes(data), where


def load_file(f: str | os.PathLike | Any) -> dict[str, Any]:
    """A safetensors file (a path or a binary file) as a dict name -> Tensor (header order).

    Raises ``FileNotFoundError`` for a missing path, ``CheckpointError`` for a file that is
    truncated, has a header lying about sizes, a huge header or a dtype a tensor cannot hold,
    and ``ImportError`` naming the extra when the safetensors package is missing."""
    from .tensor import Tensor

    library = _library()
    data, where = _read_bytes(f)
    header, _ = read_header(data, where)
    try:
        arrays = library.load(data)
    except Exception as e:  # the library's own checks (SafetensorError and friends)
        raise _bad(where, f"{type(e).__name__}: {e}") from e
    return {k: Tensor._make(np.array(arrays[k], copy=True), None, False) for k in header}


def load_metadata(f: str | os.PathLike | Any) -> dict[str, str]:
    """The string metadata stored in a safetensors file's header (``{}`` if none)."""
    data, where = _read_bytes(f)
    return read_header(data, where)[1]
