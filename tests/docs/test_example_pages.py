"""docs/examples/*.md: the output shown is what a user sees (pictures in ./out), and every
picture the page shows exists in docs/examples/images/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs" / "examples").glob("0*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_example_pages_show_the_paths_users_see(page: Path) -> None:
    text = page.read_text()
    wrote = re.findall(r"^wrote (\S+)$", text, flags=re.M)
    assert not [w for w in wrote if not w.startswith("out/")], wrote
    for link in re.findall(r"!\[[^\]]*\]\((images/[^)]+)\)", text):
        assert (page.parent / link).exists(), link
        assert f"wrote out/{link[len('images/') :]}" in text, link


def test_generator_rewrites_the_docs_folder_to_out() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_examples", ROOT / "docs" / "gen_examples.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.shown_output("a\nwrote images/x.png\nimages/y\n") == "a\nwrote out/x.png\nimages/y\n"
