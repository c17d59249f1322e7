"""The backward pass as a film: one Graphviz frame per step of the reverse walk.

``Frames.from_trace(trace)`` (or ``viz.backward_trace(loss).frames()``) draws frame 0 with
only the output's gradient (1), then one frame per backward step: the current op and the
tensors it sends gradients to are highlighted, and gradients appear as they arrive. Save
them as numbered SVG/PNG files (``save``), as an animated GIF (``gif``, needs Pillow and a
renderer: graphviz-pure or the system ``dot``), or step through them in Jupyter (``widget()`` uses ipywidgets when
installed; otherwise the frames show as HTML with a slider).
"""

from __future__ import annotations

import html
import io
import os
from typing import Any

from .graph import _atomic_write, build_digraph
from .renderer import INSTALL_HINT, GraphvizMissingError, RenderError, find_renderer

__all__ = ["Frames"]


class Frames:
    """A list of ``graphviz.Digraph`` frames with a caption each."""

    def __init__(self, graphs: list, captions: list[str]) -> None:
        self.graphs = graphs
        self.captions = captions

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, i: int) -> Any:
        return self.graphs[i]

    @classmethod
    def from_trace(cls, trace: Any, **draw_options: Any) -> Frames:
        """Frame 0 = before backward, frame k = after backward step k of ``trace``."""
        model = trace.model
        out = model.outputs[0]
        graphs = []
        captions = [f"backward starts: grad {out.name} = 1"]
        graphs.append(build_digraph(model, grads=trace.grads_after(0), highlight={out.key},
                                    title=captions[0], after_backward=True, caption=False,
                                    **draw_options))  # fmt: skip
        for k, (ts, rows) in enumerate(zip(trace.steps, trace.lines()), 1):
            caption = f"step {k}/{len(trace.steps)}: " + ";  ".join(rows)
            highlight = {("step", ts.step.index), ts.step.out.key}
            highlight.update(v.key for v, *_ in ts.adds)
            graphs.append(build_digraph(model, grads=trace.grads_after(k), highlight=highlight,
                                        title=caption, after_backward=True, caption=False,
                                        **draw_options))  # fmt: skip
            captions.append(caption)
        return cls(graphs, captions)

    def save(
        self,
        folder: str,
        format: str = "svg",
        prefix: str = "frame",  # noqa: A002
    ) -> list[str]:
        """Write ``folder/frame_000.svg`` ... (or .png/.dot) and return the paths. Needs
        a renderer (graphviz-pure or ``dot``) except for ``format="dot"``."""
        os.makedirs(folder, exist_ok=True)
        if format != "dot" and find_renderer(format) is None:
            raise GraphvizMissingError(
                f"Frames.save: {INSTALL_HINT} (format='dot' works without it)"
            )
        paths = []
        for i, g in enumerate(self.graphs):
            path = os.path.join(folder, f"{prefix}_{i:03d}.{format}")
            _atomic_write(path, g.source if format == "dot" else g.pipe(format=format))
            paths.append(path)
        return paths

    def png_images(self) -> list:
        """The frames as Pillow images of equal size (white padding)."""
        try:
            from PIL import Image
        except ImportError:
            raise ImportError(
                "Frames.gif needs Pillow, in the extra 'plot': pip install 'tinygrad_lite[plot]'"
            ) from None
        if find_renderer("png") is None:
            raise GraphvizMissingError(f"Frames.gif: {INSTALL_HINT}")
        images = [Image.open(io.BytesIO(g.pipe(format="png"))).convert("RGB") for g in self.graphs]
        width = max(im.width for im in images)
        height = max(im.height for im in images)
        padded = []
        for im in images:
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(im, ((width - im.width) // 2, 0))
            padded.append(canvas)
        return padded

    def gif(self, path: str, duration_ms: int = 1500, loop: int = 0) -> str:
        """Write an animated GIF, one frame per step (each shown ``duration_ms``)."""
        images = self.png_images()
        buf = io.BytesIO()
        images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                       duration=duration_ms, loop=loop)  # fmt: skip
        _atomic_write(path, buf.getvalue())
        return path

    def _repr_html_(self) -> str:
        """All frames as inline SVG with a range slider (works without ipywidgets)."""
        try:
            bodies = [g.pipe(format="svg").decode("utf-8") for g in self.graphs]
        except (GraphvizMissingError, RenderError) as e:
            note = html.escape(" ".join(str(e).split()))
            bodies = [f"<p>({note})</p><pre>{html.escape(g.source)}</pre>" for g in self.graphs]
        uid = f"tgl{id(self)}"
        divs = "".join(
            f'<div class="{uid}" style="display:{"block" if i == 0 else "none"}">{b}</div>'
            for i, b in enumerate(bodies)
        )
        script = (
            f"var fs=document.getElementsByClassName('{uid}');"
            "for(var i=0;i<fs.length;i++){fs[i].style.display=(i==this.value)?'block':'none';}"
        )
        slider = (
            f'<input type="range" min="0" max="{len(bodies) - 1}" value="0" '
            f'oninput="{script}" style="width:60%"> backward step'
        )
        return f"<div>{slider}{divs}</div>"

    def widget(self) -> Any:
        """A Jupyter slider over the frames (ipywidgets), or ``self`` (shows as HTML) without."""
        try:
            import ipywidgets
        except ImportError:
            return self
        from IPython.display import SVG, display

        def show(step: int) -> None:
            display(SVG(self.graphs[step].pipe(format="svg")))

        return ipywidgets.interactive(
            show, step=ipywidgets.IntSlider(min=0, max=len(self.graphs) - 1, value=0)
        )
