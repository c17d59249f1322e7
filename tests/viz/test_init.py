"""The engine never imports the viz tools or graphviz; viz's public names exist."""

from __future__ import annotations

import subprocess
import sys

from tinygrad_lite import viz


def test_import_tinygrad_lite_does_not_import_viz_or_graphviz():
    code = (
        "import sys, tinygrad_lite\n"
        "bad = [m for m in sys.modules if m.startswith('tinygrad_lite.viz') or m == 'graphviz']\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_viz_does_not_need_graphviz_until_drawing():
    code = "import sys, tinygrad_lite.viz\nprint('graphviz' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_public_names():
    for name in viz.__all__:
        assert getattr(viz, name) is not None
