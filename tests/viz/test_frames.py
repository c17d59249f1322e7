"""The backward pass as frames: one graph per step, saved as SVG/PNG and as a GIF."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from tinygrad_lite import viz
from tinygrad_lite.autograd import tape
from tinygrad_lite.viz.renderer import INSTALL_HINT, find_renderer

needs_dot = pytest.mark.skipif(find_renderer("svg") is None, reason=f"no pictures: {INSTALL_HINT}")


def _grad_lines(source: str, parse) -> list[str]:
    labels = [lab for lab, _ in parse(source)[0].values()]
    return [ln for lab in labels for ln in lab.split("\n") if ln.startswith("grad ")]


def test_one_frame_per_step_with_grads_arriving(line, parse):
    loss, names = line
    frames = viz.backward_trace(loss, names).frames()
    assert len(frames) == len(tape(loss)) + 1
    first, last = frames[0].source, frames[-1].source
    assert "grad -27" not in first and "grad -27" in last  # dL/dm arrives at the last step
    assert _grad_lines(first, parse) == ["grad 1"]  # only the output's seed
    # gradients never disappear once they arrived
    counts = [len(_grad_lines(g.source, parse)) for g in frames.graphs]
    assert counts == sorted(counts) and counts[-1] == 9 - 2  # all but the data x, y
    assert "step 5/5: grad m += grad v0 * x = -27" in frames.captions[-1]


def test_current_step_is_highlighted(line, parse):
    loss, names = line
    frames = viz.backward_trace(loss, names).frames()
    nodes, _ = parse(frames[1].source)  # step 1: loss = mean(v3) sends grad to v3
    hot = sorted(lab.split("\n")[0] for lab, attrs in nodes.values() if "#e03131" in attrs)
    assert hot == ["mean(v3)", "out", "v3"]  # the unnamed output is `out`


def test_frames_save_dot_without_graphviz(line, tmp_path):
    loss, names = line
    paths = viz.backward_trace(loss, names).frames().save(str(tmp_path), format="dot")
    assert [p.rsplit("/", 1)[1] for p in paths][:2] == ["frame_000.dot", "frame_001.dot"]
    assert len(paths) == 6 and open(paths[0]).read().startswith("digraph")


@needs_dot
def test_frames_as_svg_png_and_gif(line, tmp_path):
    from PIL import Image

    loss, names = line
    frames = viz.backward_trace(loss, names).frames()
    svgs = frames.save(str(tmp_path / "svg"), format="svg")
    assert len(svgs) == 6
    assert all(ET.parse(p).getroot().tag.endswith("svg") for p in svgs)
    pngs = frames.save(str(tmp_path / "png"), format="png")
    assert all(open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n" for p in pngs)
    gif = frames.gif(str(tmp_path / "backward.gif"), duration_ms=500)
    data = open(gif, "rb").read()
    assert data[:6] == b"GIF89a"
    with Image.open(io.BytesIO(data)) as im:
        assert im.n_frames == 6


@needs_dot
def test_html_slider_for_notebooks(line):
    loss, names = line
    frames = viz.backward_trace(loss, names).frames()
    html = frames._repr_html_()
    assert 'type="range"' in html and f'max="{len(frames) - 1}"' in html
    assert html.count("<svg") == len(frames)
    widget = frames.widget()
    assert widget is frames or hasattr(widget, "children")
