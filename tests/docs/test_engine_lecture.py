"""docs/engine-lecture.md is true to the code: every line range it cites is the current one,
and the numbers it shows are what its code prints (checked against a hand derivation too)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_lecture", ROOT / "docs" / "gen_lecture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_line_references_and_printed_numbers_are_current():
    gen = _generator()
    text = gen.PAGE.read_text(encoding="utf-8")
    refs = gen.REF.findall(text)
    assert len(refs) >= 20
    for path, first, last, name in refs:
        assert gen.definition_lines(path, name) == (int(first), int(last)), (
            f"{path} {name}: the page says lines {first}-{last}; run python3 docs/gen_lecture.py"
        )
    assert gen.render(text) == text, "run python3 docs/gen_lecture.py"


def test_the_trace_shows_the_hand_derived_gradients():
    gen = _generator()
    code, printed = gen.BLOCKS.search(gen.PAGE.read_text(encoding="utf-8")).groups()
    assert printed == gen.run_block(code)
    assert "y = 41.0" in printed
    assert "x.grad = [3.0, 5.0, 7.0, 9.0]" in printed
    assert re.search(r"w\.grad = 35\.0 +b\.grad = 12\.0", printed)
    order = re.findall(r"^(\w+Backward0)", printed, re.M)
    assert order == ["MeanBackward0", "PowBackward0", "AddBackward0", "MulBackward0"]


def test_the_lecture_and_the_contributors_page_are_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text()
    assert "engine-lecture.md" in nav and "adding-an-op.md" in nav
