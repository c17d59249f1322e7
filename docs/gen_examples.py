"""Render the examples into docs/examples/: one page per script with its code and real output.

Run from the repository root after changing an example:  python docs/gen_examples.py
(or ``python docs/gen_examples.py 08`` for the examples whose names start with 08).

Each example runs as a subprocess in docs/examples/ with ``--out images``, so the pictures
it writes land in docs/examples/images/ (linked from the page); the output shown says
"wrote out/...", the path a user running the script sees. The page includes the script itself through a snippet (so the
code shown is always the current file) and the captured output (regenerate to refresh it).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PAGES = ROOT / "docs" / "examples"


def shown_output(output: str) -> str:
    """The output as a user running the script from the repository root sees it (its
    pictures go to ./out there, not to the docs' images/ folder)."""
    return re.sub(r"^wrote images/", "wrote out/", output, flags=re.M)


def page(script: Path, output: str) -> str:
    """The Markdown page of one example."""
    doc = ast.get_docstring(ast.parse(script.read_text())) or script.stem
    title, _, body = doc.partition("\n")
    body = "\n".join(line for line in body.strip().splitlines() if not line.startswith("Run:"))
    rel = script.relative_to(ROOT).as_posix()
    pictures = re.findall(r"^wrote (images/\S+\.(?:png|svg|gif))$", output, flags=re.M)
    parts = [
        f"# {title.rstrip('.')}",
        body.strip(),
        f"Run it from the repository root: `python {rel}` (pictures go to `./out`, or to the "
        "folder given with `--out`).",
        "## Output",
        "```text\n" + shown_output(output).rstrip() + "\n```",
    ]
    if pictures:
        parts.append("## Pictures")
        parts += [f"![{Path(p).stem}]({p})" for p in pictures]
    parts += ["## Code", f'```python\n--8<-- "{rel}"\n```']
    return "\n\n".join(parts) + "\n"


def main(names: list[str] | None = None) -> None:
    """Regenerate every example's page, or only those whose file name starts with one of
    ``names`` (``python docs/gen_examples.py 08``)."""
    (PAGES / "images").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MPLBACKEND": "Agg", "EXAMPLE_BACKEND": "tinygrad_lite"}
    for script in sorted(EXAMPLES.glob("[0-9][0-9]_*.py")):
        if names and not any(script.name.startswith(n) for n in names):
            continue
        print(f"running {script.name}")
        proc = subprocess.run(
            [sys.executable, str(script), "--out", "images"],
            cwd=PAGES, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        (PAGES / f"{script.stem}.md").write_text(page(script, proc.stdout))
    for junk in [*(PAGES / "images").glob("*.dot"), *(PAGES / "images").glob("*.pt")]:
        junk.unlink()


if __name__ == "__main__":
    main(sys.argv[1:])
