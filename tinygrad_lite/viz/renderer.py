"""Which program turns DOT source into pictures, and running it: ``render_bytes(source, "svg")``.

The renderer is chosen once per call, in this order:

1. ``TINYGRAD_LITE_DOT`` (environment variable): a program name or path, used as given
   (``TINYGRAD_LITE_DOT=none``: no renderer, only DOT files are written);
2. ``graphviz-pure`` (``pip install graphviz-pure``, part of the ``viz`` extra): a self-contained
   port of Graphviz's ``dot`` with bundled fonts that writes the same bytes on every platform, so
   pictures look alike everywhere; it is looked up on ``PATH`` and next to the running Python
   (a virtual environment's ``bin/`` need not be on ``PATH``). It writes svg, png, jpeg and the
   text formats, not pdf/ps;
3. the system Graphviz ``dot`` (from apt, brew, conda), also for pdf/ps.

Without any of them ``GraphvizMissingError`` is raised with :data:`INSTALL_HINT`, one line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig

__all__ = ["GraphvizMissingError", "RenderError", "INSTALL_HINT", "find_renderer", "render_bytes"]

INSTALL_HINT = (
    "no Graphviz renderer found: pip install 'tinygrad_lite[viz]' (or pip install graphviz-pure) "
    "for pictures; a system Graphviz `dot` (apt/brew/conda) works too."
)
#: Formats graphviz-pure writes; anything else (pdf, ps) needs the system ``dot``.
PURE_FORMATS = frozenset(
    {"svg", "svgz", "png", "jpeg", "jpg", "jpe", "dot", "gv", "xdot", "canon", "json", "plain"}
)
TIMEOUT_S = 120.0


class GraphvizMissingError(RuntimeError):
    """No program that renders DOT (graphviz-pure or Graphviz's ``dot``) was found (the
    message says what to install)."""


class RenderError(RuntimeError):
    """The renderer ran but failed (bad DOT, unknown format); the message holds its stderr."""


def _pure_program() -> str | None:
    """The ``graphviz-pure`` executable: on PATH, or in the running interpreter's scripts dir."""
    found = shutil.which("graphviz-pure")
    if found:
        return found
    exe = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    folders = {sysconfig.get_path("scripts"), os.path.dirname(sys.executable)}
    for folder in folders:
        candidate = os.path.join(folder or "", exe)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def find_renderer(format: str = "svg") -> str | None:  # noqa: A002
    """The program that will render ``format`` (a path or name), or None if there is none."""
    chosen = os.environ.get("TINYGRAD_LITE_DOT")
    if chosen:
        if chosen.lower() == "none":
            return None
        return shutil.which(chosen) or (chosen if os.path.isfile(chosen) else None)
    if format.lower() in PURE_FORMATS:
        pure = _pure_program()
        if pure:
            return pure
    return shutil.which("dot")


def render_bytes(source: str, format: str = "svg") -> bytes:  # noqa: A002
    """The DOT ``source`` rendered as ``format`` (svg, png, pdf, ...), as bytes.

    Raises ``GraphvizMissingError`` (with the install hint) when no renderer is found and
    ``RenderError`` (with the renderer's message) when rendering fails.
    """
    program = find_renderer(format)
    chosen = os.environ.get("TINYGRAD_LITE_DOT")
    if program is None and chosen and chosen.lower() != "none":
        raise GraphvizMissingError(
            f"TINYGRAD_LITE_DOT={chosen} is not a program on PATH; unset it to use "
            "graphviz-pure or the system dot"
        )
    if program is None:
        if format.lower() not in PURE_FORMATS and _pure_program():
            raise GraphvizMissingError(
                f"format {format!r} needs the system Graphviz `dot` (graphviz-pure writes "
                f"{', '.join(sorted(PURE_FORMATS))}); use svg or png, or install Graphviz"
            )
        raise GraphvizMissingError(INSTALL_HINT)
    try:
        done = subprocess.run(
            [program, f"-T{format}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except OSError as e:
        raise GraphvizMissingError(
            f"cannot run {program}: {e.strerror or e}. {INSTALL_HINT}"
        ) from None
    except subprocess.TimeoutExpired:
        raise RenderError(f"{program} took longer than {TIMEOUT_S:g} s to render") from None
    if done.returncode != 0 or not done.stdout:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())[:500]
        raise RenderError(
            f"{os.path.basename(program)} -T{format} failed (exit {done.returncode}): {message}"
        )
    return done.stdout
