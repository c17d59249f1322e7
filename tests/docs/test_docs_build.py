"""The documentation site builds with warnings as errors, and every example has its page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def test_every_example_has_a_rendered_page_with_its_output() -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    for script in sorted((ROOT / "examples").glob("[0-9][0-9]_*.py")):
        page = DOCS / "examples" / f"{script.stem}.md"
        text = page.read_text()
        assert f"examples/{script.name}" in text, page
        assert "## Output" in text and "```text" in text, page
        assert f"examples/{script.stem}.md" in nav, f"{page} is not in mkdocs.yml's nav"
        for picture in re.findall(r"\]\((images/[^)]+)\)", text):
            assert (DOCS / "examples" / picture).exists(), (page, picture)


def test_pages_only_reference_images_that_exist() -> None:
    for page in DOCS.rglob("*.md"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", page.read_text()):
            assert (page.parent / target).exists(), (page, target)


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = tmp_path / "site"
    assert (site / "index.html").exists()
    assert "Wengert list" in (site / "backprop-from-scratch" / "index.html").read_text()
    api = (site / "api" / "nn" / "index.html").read_text()
    assert "LinearRegression" in api and "MSELoss" in api  # generated from the docstrings
    example = (site / "examples" / "01_pizza" / "index.html").read_text()
    assert "tweak_train" in example  # the script itself, included by the snippet
