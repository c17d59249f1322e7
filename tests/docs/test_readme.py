"""README.md: the fixed fresh-machine commands come first, and its training example runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tinygrad_lite.viz.renderer import find_renderer

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()

FRESH_MACHINE = """```bash
python3 -m pip install -e ".[dev]" && python3 -m tinygrad_lite demo     # the demo
python3 -m pip install -e ".[dev]" && python3 -m pytest                 # the tests
```"""


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_fresh_machine_commands_come_first() -> None:
    first_block = README.index("```")
    assert README[first_block:].startswith(FRESH_MACHINE)
    assert README.count("```python") >= 1 and README.index("```python") > first_block


def test_training_example_is_about_twenty_lines_and_matches_the_docs_snippet() -> None:
    code = python_blocks(README)[0]
    lines = [line for line in code.splitlines() if line.strip()]
    assert 12 <= len(lines) <= 24, len(lines)
    snippet = (ROOT / "examples" / "snippets" / "first_model.py").read_text()
    assert code.strip() in snippet, "README's example and examples/snippets/first_model.py differ"


def test_training_example_runs_and_prints_the_books_numbers(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "pizza.txt", tmp_path / "data" / "pizza.txt")
    (tmp_path / "example.py").write_text(python_blocks(README)[0])
    proc = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True,
        timeout=120, env={**os.environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # "Walking the Gradient": w = 1.0811, b = 13.1723, 34.79 pizzas for 20 reservations
    assert "y = 1.0811·x + 13.1723" in proc.stdout
    assert "20 reservations -> 34.79 pizzas" in proc.stdout
    if find_renderer("svg") is None:  # no pictures: the DOT source and one line on stderr
        assert (tmp_path / "out" / "pizza_graph.dot").exists()
        assert "pip install 'tinygrad_lite[viz]'" in proc.stderr
    else:
        assert (tmp_path / "out" / "pizza_graph.svg").read_text().count("<svg") == 1


def test_readme_links_point_to_files_that_exist() -> None:
    for target in re.findall(r"\]\(([^)#\s]+)\)", README):
        if "://" not in target:
            assert (ROOT / target).exists(), target
