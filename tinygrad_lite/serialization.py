"""Checkpoints: ``save(obj, path)`` and ``load(path)`` for state dicts, without pickle.

The file is an ordinary NumPy ``.npz`` archive:

- one array per tensor (or ndarray), named by its path in the object (``"state/0/exp_avg"``,
  ``"linear.weight"``), stored with its exact dtype and shape;
- one more entry, ``__manifest__``, holding UTF-8 JSON that describes the structure: dicts
  (with their key types), lists, tuples, numbers, strings, bools and None, and for each
  tensor the name of its array, its dtype and shape.

``load`` is bounded and never executes code: from the archive's directory alone it refuses
members the manifest does not name, members that are not ``.npy`` and archives whose members
declare more bytes than the file holds (a zip bomb), all before anything is decompressed; each
array's ``.npy`` header must match the manifest before its data is read (``allow_pickle=False``).
Anything that is not a well-formed checkpoint of ours raises ``CheckpointError`` naming the key.

``save`` writes to a temporary file next to the target, flushes it to disk and renames it over
the target, so a crash or an error never leaves a half-written checkpoint and the previous file
survives a failed save. It keeps an existing target's permission bits, writes through a symlink
to the file it points to, and refuses to replace anything that is not a regular file.

A path ending in ``.safetensors`` (or ``format="safetensors"``) uses the safetensors format
instead (a flat dict of tensors; see ``tinygrad_lite.serialization_safetensors``).
"""

from __future__ import annotations

import errno
import json
import os
import stat
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np

__all__ = ["save", "load", "CheckpointError"]

FORMAT = "tinygrad_lite.checkpoint"
VERSION = 1
MANIFEST = "__manifest__"
_KEY_TYPES = (str, int, float, bool, type(None))
FORMATS = ("npz", "safetensors")
#: The dtypes a Tensor can hold (native byte order), as ``np.dtype.str``.
TENSOR_DTYPES = frozenset(
    np.dtype(t).str
    for t in (np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
              np.uint8, np.bool_)
)  # fmt: skip


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
        if "\x00" in name:
            raise ValueError(f"save: the key {name!r} holds a NUL character; use another key")
        if name in (MANIFEST, MANIFEST + ".npy"):
            raise ValueError(
                f"save: the key {name!r} is the name of the checkpoint's own manifest; rename it"
            )
        while name in arrays:
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
            if isinstance(k, str) and "\x00" in k:
                raise ValueError(
                    f"save: dict key {k!r} at '{path or '/'}' holds a NUL character; use another key"
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


def _check_member_names(arrays: dict[str, np.ndarray]) -> None:
    """Refuse keys whose archive members would be confused (``"a"`` and ``"a.npy"``)."""
    for name in arrays:
        if name.endswith(".npy") and name[:-4] in arrays:
            raise ValueError(
                f"save: the keys {name[:-4]!r} and {name!r} would collide in the archive "
                f"(np.load reads {name!r} from the member of {name[:-4]!r}); rename one"
            )


def _write_npz(f: Any, arrays: dict[str, np.ndarray], manifest: dict) -> None:
    """An uncompressed .npz: one ``KEY.npy`` member per array, then ``__manifest__.npy``."""
    text = json.dumps(manifest, allow_nan=True)
    entries = dict(arrays)
    entries[MANIFEST] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, array in entries.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def _format_of(f: Any, format: str | None, op: str) -> str:  # noqa: A002
    """``npz`` or ``safetensors``: ``format`` if given, else by the path's extension."""
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"{op}: format must be 'npz' or 'safetensors', got {format!r}")
        return format
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).lower().endswith(".safetensors"):
        return "safetensors"
    return "npz"


def save(obj: Any, f: str | os.PathLike | Any, *, format: str | None = None) -> None:  # noqa: A002
    """Write ``obj`` (e.g. a state dict) to the file ``f`` (a path or a writable binary file).

    Tensors keep their exact dtype and shape. ``format`` is ``"npz"`` (the default) or
    ``"safetensors"`` (the default for paths ending in ``.safetensors``; a flat dict of
    tensors only). Writing to a path is atomic: a failed save leaves any existing file
    untouched. Raises ``TypeError`` for objects that are not tensors, arrays, numbers,
    strings, bools, None or dicts/lists/tuples of them, ``ValueError`` for keys with NUL
    characters, the manifest's name or keys that collide in the archive, ``OSError`` for a
    target that is a directory, FIFO or device.
    """
    if _format_of(f, format, "save") == "safetensors":
        from .serialization_safetensors import save_file

        save_file(obj, f)
        return
    arrays: dict[str, np.ndarray] = {}
    manifest = {"format": FORMAT, "version": VERSION, "root": _encode(obj, "", arrays)}
    _check_member_names(arrays)
    if not isinstance(f, (str, os.PathLike)):
        _write_npz(f, arrays, manifest)
        return
    atomic_write(f, lambda out: _write_npz(out, arrays, manifest), "save")


def atomic_write(f: str | os.PathLike, write: Any, op: str) -> None:
    """Call ``write(binary_file)`` on a temporary file next to the target ``f``, flush it to
    disk and rename it over the target: a failure leaves the old file untouched. A symlink
    is written through (its target is replaced, the link stays); an existing target keeps
    its permission bits; a target that is not a regular file is refused with ``OSError``."""
    target = os.path.realpath(os.fspath(f))  # write through symlinks, to the real file
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = _file_kind(st.st_mode)
        err = IsADirectoryError if stat.S_ISDIR(st.st_mode) else OSError
        raise err(
            errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EINVAL,
            f"{op}: {os.fspath(f)!r} is {what}, not a regular file; refusing to replace it "
            "(give the path of a file)",
        )
    directory = os.path.dirname(target)
    fd, tmp = _create_temp(directory, os.path.basename(target))
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)
    _remove_orphaned_temps(directory, os.path.basename(target))


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):  # fmt: skip
        if test(mode):
            return name
    return "not a regular file"


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


def _read_archive(f: Any, where: str) -> tuple[dict, dict[str, np.ndarray]]:
    """The manifest and all arrays of the archive; any failure becomes ``CheckpointError``.

    Bounded: the archive's directory is checked first (only ``.npy`` members the manifest
    names, no more declared bytes than the file holds), then each member's ``.npy`` header is
    checked against the manifest before its data is read."""
    try:
        f.seek(0, os.SEEK_END)
        file_size = f.tell()
        f.seek(0)
        head = f.read(4)
        f.seek(0)
    except (OSError, AttributeError, ValueError) as e:
        raise _bad(where, f"the file cannot be read ({type(e).__name__}: {e})") from e
    if head[:1] == b"\x80":  # the opcode every pickle (protocol 2+) starts with
        raise _bad(where, "it holds pickled data (refused: loading it could run code)")
    if head[:2] == b"\x93N":
        raise _bad(where, "it is a single .npy array, not a checkpoint archive")
    if head[:2] != b"PK":
        raise _bad(where, f"it is not a .npz archive (it starts with {head[:2]!r}, where a .npz "
                          "starts with b'PK')")  # fmt: skip
    try:
        with zipfile.ZipFile(f) as zf:
            members = _check_directory(zf, file_size, where)
            manifest = _read_manifest(zf, members.pop(MANIFEST), where)
            wanted = _array_entries(manifest, where)
            unnamed = sorted(set(members) - set(wanted))
            if unnamed:
                raise _bad(where, f"it holds members the manifest does not name: "
                                  f"{', '.join(repr(n + '.npy') for n in unnamed[:5])}")  # fmt: skip
            arrays = {}
            for key, (dtype, shape) in wanted.items():
                if key in members:
                    arrays[key] = _read_member(zf, members[key], key, dtype, shape, where)
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError, OverflowError) as e:  # fmt: skip
        raise _bad(where, f"not a readable .npz archive ({type(e).__name__}: {e})") from e
    return manifest, arrays


def _check_directory(zf: zipfile.ZipFile, file_size: int, where: str) -> dict:
    """The archive's members by key (``KEY.npy`` -> ``KEY``), from its directory alone."""
    members: dict[str, zipfile.ZipInfo] = {}
    declared = 0
    for info in zf.infolist():
        name = info.filename
        if not name.endswith(".npy") or info.is_dir():
            raise _bad(where, f"its member {name!r:.80} is not a .npy array")
        if name[:-4] in members:
            raise _bad(where, f"it holds the member {name!r:.80} twice")
        members[name[:-4]] = info
        declared += info.file_size
    if declared > file_size:
        raise _bad(where, f"its members declare {declared:,} bytes, more than the file's "
                          f"{file_size:,} (checkpoints are not compressed: a zip bomb?); "
                          "nothing was decompressed")  # fmt: skip
    if MANIFEST not in members:
        raise _bad(where, "it has no manifest (a .npz written by something else?)")
    return members


def _npy_header(fp: Any, info: zipfile.ZipInfo, key: str, where: str) -> tuple[np.dtype, tuple]:
    """Read and check the ``.npy`` header of a member: the size it implies must be the size
    its directory entry declares (so reading the data allocates no more than the file)."""
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    else:
        raise _bad(where, f"array {key!r} has .npy format version {version}")
    if dtype.hasobject:
        raise _bad(where, f"array {key!r} holds Python objects (refused: loading could run code)")
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if fp.tell() + nbytes != info.file_size:
        raise _bad(where, f"array {key!r} declares {dtype.str}{list(shape)} ({nbytes:,} bytes) "
                          f"but its member holds {info.file_size - fp.tell():,} bytes of data")  # fmt: skip
    return dtype, tuple(shape)


def _read_manifest(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> dict:
    with zf.open(info) as fp:
        dtype, shape = _npy_header(fp, info, MANIFEST, where)
        if dtype != np.uint8 or len(shape) != 1:
            raise _bad(where, f"its manifest is not valid JSON (an array of {dtype}, not bytes)")
        raw = fp.read(shape[0])
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:  # (deeply nested JSON)
        raise _bad(where, f"its manifest is not valid JSON ({e})") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad(where, "its manifest does not describe a tinygrad_lite checkpoint")
    if manifest.get("version") != VERSION:
        raise _bad(
            where, f"format version {manifest.get('version')!r:.40} (this reader knows {VERSION})"
        )
    return manifest


def _array_entries(manifest: dict, where: str) -> dict[str, tuple[str, list]]:
    """Every array the manifest names: key -> (dtype string, shape), types checked; walked
    without recursion."""
    found: dict[str, tuple[str, list]] = {}
    stack = [manifest.get("root")]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or not isinstance(node.get("t"), str):
            raise _bad(where, f"malformed manifest entry {node!r:.80}")
        kind = node["t"]
        if kind in ("tensor", "ndarray", "npscalar"):
            key, dtype, shape = node.get("key"), node.get("dtype"), node.get("shape")
            if not isinstance(key, str):
                raise _bad(where, f"manifest entry {node!r:.80} has a key that is not a string")
            if not isinstance(dtype, str):
                raise _bad(where, f"array {key!r}: its dtype in the manifest is not a string")
            if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
                raise _bad(where, f"array {key!r}: its shape in the manifest is not a list of "
                                  "sizes")  # fmt: skip
            if key in found:
                raise _bad(where, f"array {key!r} is named twice in the manifest")
            found[key] = (dtype, shape)
        elif kind in ("list", "tuple"):
            stack.extend(_items(node, where))
        elif kind in ("dict", "odict"):
            for pair in _items(node, where):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise _bad(where, "malformed dict entry in the manifest")
                stack.extend(pair)
    return found


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, key: str, dtype: str, shape: list, where: str
) -> np.ndarray:
    """One array, after its header matched the manifest (dtype, shape, size)."""
    with zf.open(info) as fp:
        got_dtype, got_shape = _npy_header(fp, info, key, where)
        if got_dtype.str != dtype or list(got_shape) != shape:
            raise _bad(where, f"array {key!r} is {got_dtype.str}{list(got_shape)} but the "
                              f"manifest says {dtype:.20}{shape!s:.60}")  # fmt: skip
        fp.seek(0)
        return np.lib.format.read_array(fp, allow_pickle=False)


_SCALARS = {"bool": bool, "int": int, "float": (int, float), "str": str}


def _decode(node: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    from .tensor import Tensor

    if not isinstance(node, dict) or not isinstance(node.get("t"), str):
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
            if array.dtype.str not in TENSOR_DTYPES:
                raise _bad(where, f"array {node['key']!r} has dtype {array.dtype} "
                                  f"({array.dtype.str}), which a tensor cannot hold")  # fmt: skip
            return Tensor._make(array, None, False)
        if array.dtype.kind not in "biufc":
            raise _bad(where, f"array {node['key']!r} has dtype {array.dtype}, not a number")
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


def load(
    f: str | os.PathLike | Any,
    map_location: Any = None,
    *,
    weights_only: bool = True,
    format: str | None = None,  # noqa: A002
) -> Any:
    """Read an object written by ``save`` from a path or a readable binary file.

    Tensors come back as plain tensors (``requires_grad=False``) with their saved dtypes.
    ``format`` is ``"npz"`` or ``"safetensors"``; by default a path ending in
    ``.safetensors`` is a safetensors file (a dict of tensors comes back). Raises
    ``FileNotFoundError`` for a missing path and ``CheckpointError`` for a file that is
    truncated, corrupted, pickled, oversized for what it declares or not a checkpoint.
    ``map_location`` and ``weights_only`` are accepted for PyTorch compatibility (everything
    loads to the CPU and nothing but data is ever loaded).
    """
    from .device import check_device

    if (
        map_location is not None
        and not callable(map_location)
        and not isinstance(map_location, dict)
    ):
        check_device(map_location, "load")
    if _format_of(f, format, "load") == "safetensors":
        from .serialization_safetensors import load_file

        return load_file(f)
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
