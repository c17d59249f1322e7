"""Checkpoints: ``save(obj, path)`` and ``load(path)`` for state dicts, without pickle.

The file is an ordinary NumPy ``.npz`` archive:

- one array per tensor (or ndarray), named by its path in the object (``"state/0/exp_avg"``,
  ``"linear.weight"``), stored with its exact dtype and shape;
- one more entry, ``__manifest__``, holding UTF-8 JSON that describes the structure: dicts
  (with their key types), lists, tuples, numbers, strings, bools and None, and for each
  tensor the name of its array, its dtype and shape.

``load`` opens the archive with ``np.load(allow_pickle=False)`` and rebuilds the object from
the manifest, so a malicious file can never run code; anything that is not a well-formed
checkpoint of ours raises ``CheckpointError``. ``save`` writes to a temporary file next to
the target, flushes it to disk and renames it over the target, so a crash or an error never
leaves a half-written checkpoint and the previous file survives a failed save.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from typing import Any

import numpy as np

__all__ = ["save", "load", "CheckpointError"]

FORMAT = "tinygrad_lite.checkpoint"
VERSION = 1
MANIFEST = "__manifest__"
_KEY_TYPES = (str, int, float, bool, type(None))


class CheckpointError(RuntimeError):
    """A file is not a readable tinygrad_lite checkpoint (truncated, corrupted or foreign)."""


# ---------------------------------------------------------------------------------------
# save
# ---------------------------------------------------------------------------------------


def _encode(obj: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    """The JSON description of ``obj``; tensors and arrays are added to ``arrays``."""
    from .tensor import Tensor

    if obj is None:
        return {"t": "none"}
    if isinstance(obj, bool):
        return {"t": "bool", "v": obj}
    if isinstance(obj, int):
        return {"t": "int", "v": obj}
    if isinstance(obj, float):
        return {"t": "float", "v": obj}
    if isinstance(obj, str):
        return {"t": "str", "v": obj}
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        kind = "tensor" if isinstance(obj, Tensor) else "ndarray"
        array = np.asarray(obj._array if isinstance(obj, Tensor) else obj)
        if isinstance(obj, np.generic):
            kind = "npscalar"
        if array.dtype.kind not in "biufc":
            raise TypeError(
                f"save: the array at '{path or '/'}' has dtype {array.dtype}; checkpoints hold "
                "only numeric and bool arrays"
            )
        name = path or "tensor"
        while name in arrays or name == MANIFEST:
            name += "#"
        arrays[name] = array
        return {"t": kind, "key": name, "dtype": array.dtype.str, "shape": list(array.shape)}
    if isinstance(obj, (list, tuple)):
        kind = "tuple" if isinstance(obj, tuple) else "list"
        return {"t": kind, "items": [_encode(v, f"{path}/{i}" if path else str(i), arrays)
                                     for i, v in enumerate(obj)]}  # fmt: skip
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, _KEY_TYPES):
                raise TypeError(
                    f"save: dict key {k!r} at '{path or '/'}' has type {type(k).__name__}; "
                    "checkpoint dict keys must be str, int, float, bool or None"
                )
            sub = f"{path}/{k}" if path else str(k)
            items.append([_encode(k, "", {}), _encode(v, sub, arrays)])
        kind = "odict" if isinstance(obj, OrderedDict) else "dict"
        return {"t": kind, "items": items}
    raise TypeError(
        f"save: cannot store an object of type {type(obj).__name__} at '{path or '/'}'; "
        "checkpoints hold tensors, NumPy arrays, numbers, strings, bools, None and "
        "dicts/lists/tuples of them (save a model's or optimizer's state_dict(), not the object)"
    )


def _write_npz(f: Any, arrays: dict[str, np.ndarray], manifest: dict) -> None:
    text = json.dumps(manifest, allow_nan=True)
    entries = dict(arrays)
    entries[MANIFEST] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    np.savez(f, **entries)


def save(obj: Any, f: str | os.PathLike | Any) -> None:
    """Write ``obj`` (e.g. a state dict) to the file ``f`` (a path or a writable binary file).

    Tensors keep their exact dtype and shape. Writing to a path is atomic: a failed save
    leaves any existing file untouched. Raises ``TypeError`` for objects that are not
    tensors, arrays, numbers, strings, bools, None or dicts/lists/tuples of them.
    """
    arrays: dict[str, np.ndarray] = {}
    manifest = {"format": FORMAT, "version": VERSION, "root": _encode(obj, "", arrays)}
    if not isinstance(f, (str, os.PathLike)):
        _write_npz(f, arrays, manifest)
        return
    target = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(target))
    fd, tmp = _create_temp(directory, os.path.basename(target))
    try:
        with os.fdopen(fd, "wb") as out:
            _write_npz(out, arrays, manifest)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)
    _remove_orphaned_temps(directory, os.path.basename(target))


def _remove_orphaned_temps(directory: str, base: str) -> None:
    """Delete temporary files of earlier saves to the same target whose writer process no
    longer exists (it was killed mid-save). A live writer's file is left alone."""
    prefix, suffix = f".{base}.", ".tmp"
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(suffix)):
            continue
        pid_text = name[len(prefix) : -len(suffix)].partition("-")[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (owned by someone else) or cannot tell: keep its file
    return True


def _create_temp(directory: str, base: str) -> tuple[int, str]:
    """A new hidden file next to the target, with the permissions a normal open would give
    (0o666 minus the umask; ``tempfile.mkstemp`` would make it private, 0o600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{base}.{os.getpid()}-{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"save: could not create a temporary file in {directory}")


def _fsync_dir(directory: str) -> None:
    """Make the rename durable (best effort: not every platform can open a directory)."""
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


# ---------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------


def _bad(where: str, what: str) -> CheckpointError:
    return CheckpointError(f"load: {where} is not a valid tinygrad_lite checkpoint: {what}")


def _not_npz_reason(f: Any) -> str:
    """Why NumPy refused a file that is no .npz: pickled data (refused), or something else."""
    try:
        if hasattr(f, "seek"):
            f.seek(0)
            head = f.read(2)
        else:
            with open(f, "rb") as fh:
                head = fh.read(2)
    except OSError:
        head = b""
    if head[:1] == b"\x80":  # the opcode every pickle (protocol 2+) starts with
        return "it holds pickled data (refused: loading it could run code)"
    return f"it is not a .npz archive (it starts with {head!r}, where a .npz starts with b'PK')"


def _read_archive(f: Any, where: str) -> tuple[dict, dict[str, np.ndarray]]:
    """The manifest and all arrays of the archive; any failure becomes ``CheckpointError``."""
    try:
        data = np.load(f, allow_pickle=False)
    except FileNotFoundError:
        raise
    except ValueError as e:
        if "pickle" in str(e):
            raise _bad(where, _not_npz_reason(f)) from e
        raise _bad(where, f"not a NumPy .npz archive ({e})") from e
    except Exception as e:  # EOFError, BadZipFile, OSError, NotImplementedError, ...
        raise _bad(where, f"not a readable .npz archive ({type(e).__name__}: {e})") from e
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise _bad(where, "it is a single .npy array, not a checkpoint archive")
    try:
        with data:
            if MANIFEST not in data.files:
                raise _bad(where, "it has no manifest (a .npz written by something else?)")
            arrays = {name: data[name] for name in data.files}
    except CheckpointError:
        raise
    except ValueError as e:
        if "pickle" in str(e):
            raise _bad(where, "it holds pickled data (refused: loading it could run code)") from e
        raise _bad(where, f"an entry could not be read ({e})") from e
    except Exception as e:  # truncated or corrupted members: zlib/zipfile/CRC errors
        raise _bad(where, f"an entry could not be read ({type(e).__name__}: {e})") from e
    raw = arrays.pop(MANIFEST)
    try:
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise ValueError("manifest entry has the wrong type")
        manifest = json.loads(raw.tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:  # (deeply nested JSON)
        raise _bad(where, f"its manifest is not valid JSON ({e})") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad(where, "its manifest does not describe a tinygrad_lite checkpoint")
    if manifest.get("version") != VERSION:
        raise _bad(
            where, f"format version {manifest.get('version')!r} (this reader knows {VERSION})"
        )
    return manifest, arrays


_SCALARS = {"bool": bool, "int": int, "float": (int, float), "str": str}


def _decode(node: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    from .tensor import Tensor

    if not isinstance(node, dict) or "t" not in node:
        raise _bad(where, f"malformed manifest entry {node!r:.80}")
    kind = node["t"]
    if kind == "none":
        return None
    if kind in _SCALARS:
        v = node.get("v")
        if not isinstance(v, _SCALARS[kind]) or (kind == "int" and isinstance(v, bool)):
            raise _bad(where, f"manifest entry of type {kind} holds {v!r:.80}")
        return float(v) if kind == "float" else v
    if kind in ("tensor", "ndarray", "npscalar"):
        array = arrays.get(node.get("key"))
        if array is None:
            raise _bad(where, f"the array {node.get('key')!r} named in the manifest is missing")
        if array.dtype.str != node.get("dtype") or list(array.shape) != node.get("shape"):
            raise _bad(
                where,
                f"array {node['key']!r} is {array.dtype.str}{list(array.shape)} but the "
                f"manifest says {node.get('dtype')}{node.get('shape')}",
            )
        if kind == "tensor":
            return Tensor._make(array, None, False)
        return array[()] if kind == "npscalar" else array
    if kind in ("list", "tuple"):
        items = [_decode(v, arrays, where) for v in _items(node, where)]
        return tuple(items) if kind == "tuple" else items
    if kind in ("dict", "odict"):
        out: dict = OrderedDict() if kind == "odict" else {}
        for pair in _items(node, where):
            if not isinstance(pair, list) or len(pair) != 2:
                raise _bad(where, "malformed dict entry in the manifest")
            key = _decode(pair[0], arrays, where)
            if not isinstance(key, _KEY_TYPES):
                raise _bad(where, f"dict key of type {type(key).__name__}")
            out[key] = _decode(pair[1], arrays, where)
        return out
    raise _bad(where, f"unknown manifest entry type {kind!r:.40}")


def _items(node: dict, where: str) -> list:
    items = node.get("items")
    if not isinstance(items, list):
        raise _bad(where, "malformed container entry in the manifest")
    return items


def load(f: str | os.PathLike | Any, map_location: Any = None, *, weights_only: bool = True) -> Any:
    """Read an object written by ``save`` from a path or a readable binary file.

    Tensors come back as plain tensors (``requires_grad=False``) with their saved dtypes.
    Raises ``FileNotFoundError`` for a missing path and ``CheckpointError`` for a file that
    is truncated, corrupted, pickled or not a tinygrad_lite checkpoint. ``map_location`` and
    ``weights_only`` are accepted for PyTorch compatibility (everything loads to the CPU and
    nothing but data is ever loaded).
    """
    from .device import check_device

    if (
        map_location is not None
        and not callable(map_location)
        and not isinstance(map_location, dict)
    ):
        check_device(map_location, "load")
    where = repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else "the given file"
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:  # every array is read before the file closes
            manifest, arrays = _read_archive(fh, where)
    else:
        manifest, arrays = _read_archive(f, where)
    try:
        return _decode(manifest.get("root"), arrays, where)
    except RecursionError as e:
        raise _bad(where, "its manifest is nested too deeply") from e
