"""Keep ``docs/engine-lecture.md`` true to the code: its line references and its printed output.

The page cites code as ``path`` lines A–B (``name``), e.g. ``autograd/engine.py`` lines 52–95
(``run_backward``); paths are inside ``tinygrad_lite/`` and ``name`` is a function, a class or
``Class.method``. This script recomputes A–B from the source, runs the page's ``python``
block on the reference engine and puts what it prints into the ``text`` block that follows.

    python3 docs/gen_lecture.py          # rewrite the page
    python3 docs/gen_lecture.py --check  # exit 1 if the page is out of date (the tests run this)
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "engine-lecture.md"
REF = re.compile(r"`([\w/]+\.py)` lines (\d+)–(\d+) \(`([\w.]+)`\)")
BLOCKS = re.compile(r"```python\n(.*?)```\n\nIt prints:\n\n```text\n(.*?)```", re.S)


def definition_lines(path: str, name: str) -> tuple[int, int]:
    """First and last line of ``name`` (``f``, ``C`` or ``C.m``) in ``tinygrad_lite/path``."""
    tree = ast.parse((ROOT / "tinygrad_lite" / path).read_text(encoding="utf-8"))
    scope: list = tree.body
    node = None
    for part in name.split("."):
        found = [n for n in scope if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                 and n.name == part]  # fmt: skip
        if not found:
            raise LookupError(f"{path}: no definition {name!r}")
        node = found[0]
        scope = node.body
    return node.lineno, node.end_lineno


def run_block(code: str) -> str:
    """What ``code`` prints, on the reference engine."""
    sys.path.insert(0, str(ROOT))
    from tinygrad_lite.autograd.fast import use_engine

    out = io.StringIO()
    with use_engine("reference"), contextlib.redirect_stdout(out):
        exec(compile(code, str(PAGE), "exec"), {"__name__": "__lecture__"})
    return out.getvalue()


def render(text: str) -> str:
    """The page with every line reference and printed output recomputed."""

    def ref(m: re.Match) -> str:
        first, last = definition_lines(m.group(1), m.group(4))
        return f"`{m.group(1)}` lines {first}–{last} (`{m.group(4)}`)"

    def block(m: re.Match) -> str:
        return f"```python\n{m.group(1)}```\n\nIt prints:\n\n```text\n{run_block(m.group(1))}```"

    return BLOCKS.sub(block, REF.sub(ref, text))


def main(argv: list[str]) -> int:
    text = PAGE.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in argv:
        if new != text:
            print(f"{PAGE} is out of date: run python3 docs/gen_lecture.py")
            return 1
        return 0
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
