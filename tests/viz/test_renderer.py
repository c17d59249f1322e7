"""viz.renderer: which program draws (graphviz-pure, the system dot, none), and life without one."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from tinygrad_lite import viz
from tinygrad_lite.viz import renderer

needs_pure = pytest.mark.skipif(
    renderer._pure_program() is None, reason="graphviz-pure is not installed"
)


@pytest.fixture
def no_renderer(monkeypatch):
    """A machine without graphviz-pure and without the system dot."""
    monkeypatch.delenv("TINYGRAD_LITE_DOT", raising=False)
    monkeypatch.setattr(renderer, "_pure_program", lambda: None)
    monkeypatch.setattr(renderer.shutil, "which", lambda name: None)


@needs_pure
def test_graphviz_pure_is_preferred_for_svg_and_png(monkeypatch):
    monkeypatch.delenv("TINYGRAD_LITE_DOT", raising=False)
    assert "graphviz-pure" in renderer.find_renderer("svg")
    assert "graphviz-pure" in renderer.find_renderer("png")


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz dot")
def test_pdf_falls_back_to_the_system_dot(monkeypatch):
    monkeypatch.delenv("TINYGRAD_LITE_DOT", raising=False)
    assert renderer.find_renderer("pdf") == shutil.which("dot")


@needs_pure
def test_graphviz_pure_is_found_next_to_python_without_path(monkeypatch):
    monkeypatch.delenv("TINYGRAD_LITE_DOT", raising=False)
    monkeypatch.setenv("PATH", "")
    found = renderer._pure_program()
    assert found is not None and "graphviz-pure" in found
    svg = renderer.render_bytes("digraph { a -> b }", "svg")
    assert ET.fromstring(svg).tag.endswith("svg")


def test_env_var_chooses_the_program_or_none(monkeypatch):
    monkeypatch.setenv("TINYGRAD_LITE_DOT", "none")
    assert renderer.find_renderer("svg") is None
    with pytest.raises(viz.GraphvizMissingError, match="graphviz-pure"):
        renderer.render_bytes("digraph { a }", "svg")
    monkeypatch.setenv("TINYGRAD_LITE_DOT", "/no/such/program")
    assert renderer.find_renderer("svg") is None
    with pytest.raises(viz.GraphvizMissingError, match="TINYGRAD_LITE_DOT=/no/such/program is"):
        renderer.render_bytes("digraph { a }", "svg")


@pytest.mark.skipif(renderer.find_renderer("svg") is None, reason=renderer.INSTALL_HINT)
def test_system_dot_can_be_forced(monkeypatch):
    if shutil.which("dot") is None:
        pytest.skip("no system Graphviz dot")
    monkeypatch.setenv("TINYGRAD_LITE_DOT", "dot")
    assert renderer.find_renderer("svg") == shutil.which("dot")
    assert b"<svg" in renderer.render_bytes("digraph { a -> b }", "svg")


@pytest.mark.skipif(renderer.find_renderer("svg") is None, reason=renderer.INSTALL_HINT)
def test_bad_dot_source_is_a_render_error_with_the_renderers_message():
    with pytest.raises(viz.RenderError, match=r"-Tsvg failed \(exit"):
        renderer.render_bytes("digraph { a -> }", "svg")


def test_hint_is_one_line_and_names_the_extra():
    assert "\n" not in renderer.INSTALL_HINT
    assert "pip install 'tinygrad_lite[viz]'" in renderer.INSTALL_HINT


def test_render_without_renderer_writes_dot_and_one_line(line, tmp_path, no_renderer, capsys):
    loss, names = line
    g = viz.draw(loss, names)
    written = viz.render(g, str(tmp_path / "g.svg"))
    assert written == str(tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == g.source
    assert not (tmp_path / "g.svg").exists()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'tinygrad_lite[viz]'" in err
    with pytest.raises(ValueError, match="missing must be"):
        viz.render(g, str(tmp_path / "g.svg"), missing="ignore")


def test_jupyter_without_renderer_shows_source_and_hint(line, no_renderer):
    loss, names = line
    g = viz.draw(loss, names)
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    first, rest = bundle["text/plain"].split("\n", 1)
    assert "pip install 'tinygrad_lite[viz]'" in first
    assert rest == g.source
    assert g._repr_svg_() is None


def test_frames_html_without_renderer_shows_sources(line, no_renderer):
    loss, names = line
    frames = viz.backward_trace(loss, names).frames()
    html = frames._repr_html_()
    assert "<svg" not in html and html.count("<pre>digraph") == len(frames)
    with pytest.raises(viz.GraphvizMissingError):
        frames.save("unused", format="svg")


@pytest.mark.skipif(renderer.find_renderer("svg") is None, reason=renderer.INSTALL_HINT)
def test_jupyter_svg_and_digraph_render_use_our_renderer(line, tmp_path, monkeypatch):
    loss, names = line
    viz.backward(loss)
    g = viz.draw(loss, names)
    svg = g._repr_svg_()
    assert "grad -27" in list(ET.fromstring(svg).itertext())
    assert g._repr_mimebundle_() == {"image/svg+xml": svg}
    out = g.render(str(tmp_path / "line"), format="png")
    assert out == str(tmp_path / "line.png")
    assert open(out, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert g.pipe(format="svg", encoding="utf-8") == svg
    # the system dot is never needed: the graphviz package's own lookup is not used
    if renderer._pure_program() is not None:
        monkeypatch.setenv("PATH", "")
        assert "<svg" in g.pipe(format="svg").decode()


def _ipython_format(obj):
    """What IPython's display machinery would put in a notebook cell for ``obj``."""
    IPython = pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    del IPython
    data, _metadata = DisplayFormatter().format(obj)
    return data


@pytest.mark.skipif(renderer.find_renderer("svg") is None, reason=renderer.INSTALL_HINT)
def test_ipython_displays_a_drawing_as_svg(line):
    loss, names = line
    data = _ipython_format(viz.draw(loss, names))
    assert "<svg" in data["image/svg+xml"]


def test_ipython_displays_source_and_hint_without_a_renderer(line, no_renderer):
    loss, names = line
    g = viz.draw(loss, names)
    data = _ipython_format(g)
    assert "image/svg+xml" not in data
    assert data["text/plain"].startswith("(no Graphviz renderer found")
    assert data["text/plain"].endswith(g.source)
