"""The CI scripts: .ci/run calls the fresh-machine check, which reads the README's own two
commands and hides every system ``dot`` (the scripts themselves run in CI, not here)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRESH = ROOT / ".ci" / "fresh_machine"

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")


@needs_bash
def test_ci_scripts_are_valid_bash_and_executable():
    for script in (ROOT / ".ci" / "run", FRESH):
        subprocess.run(["bash", "-n", str(script)], check=True)
        assert FRESH.stat().st_mode & 0o111


def test_ci_run_calls_the_fresh_machine_check():
    assert re.search(r"^\.ci/fresh_machine\b", (ROOT / ".ci" / "run").read_text(), flags=re.M)


@needs_bash
def test_fresh_machine_reads_exactly_the_readmes_two_commands():
    text = FRESH.read_text()
    awk = re.search(r"awk '([^']*)' README.md", text).group(1)
    got = subprocess.run(["awk", awk, str(ROOT / "README.md")], capture_output=True, text=True,
                         check=True).stdout.splitlines()  # fmt: skip
    readme = (ROOT / "README.md").read_text()
    first = readme[readme.index("```bash\n") + 8 :].split("```", 1)[0].splitlines()
    assert got == first and len(got) == 2
    assert "demo" in got[0] and "pytest" in got[1]


def test_fresh_machine_hides_dot_and_checks_the_books_numbers():
    text = FRESH.read_text()
    assert "dot | dot_builtins | graphviz-pure | python* | pip*) continue" in text
    assert 'if command -v dot >/dev/null; then echo "FAIL: dot is still on PATH"' in text
    assert "w = 1.0811, b = 13.1723" in text and "20 reservations: 34.79 pizzas" in text
    assert "pip install -q ." in text and "git status --porcelain" in text
