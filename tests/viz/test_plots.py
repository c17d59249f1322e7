"""viz.plots: figures carry the expected artists; PNG and GIF files are valid."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")

import tinygrad_lite as tl  # noqa: E402
from tinygrad_lite.viz import plots  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _lines(fig):
    return [line for ax in fig.axes for line in ax.get_lines()]


def test_loss_curve_draws_the_losses(tmp_path):
    losses = [4.0, 2.0, 1.0, 0.5, 0.25]
    out = tmp_path / "curve.png"
    fig = plots.loss_curve(losses, log_scale=True, xlabel="epoch", path=out)
    (line,) = _lines(fig)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(5))
    np.testing.assert_array_equal(line.get_ydata(), losses)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_loss_curve_several_series_and_tensors():
    fig = plots.loss_curve({"train": [tl.tensor(3.0), 2.0], "val": [3.5, 2.5]}, steps=[1, 2])
    lines = _lines(fig)
    assert [ln.get_label() for ln in lines] == ["train", "val"]
    np.testing.assert_array_equal(lines[0].get_ydata(), [3.0, 2.0])
    np.testing.assert_array_equal(lines[1].get_xdata(), [1, 2])


def test_loss_curve_errors():
    with pytest.raises(ValueError, match="no loss"):
        plots.loss_curve([])
    with pytest.raises(ValueError, match="positive"):
        plots.loss_curve([1.0, 0.0], log_scale=True)
    with pytest.raises(ValueError, match="one step per loss"):
        plots.loss_curve([1.0, 2.0], steps=[0])


def test_loss_vs_weight_marks_the_argmin(tmp_path):
    x = np.array([13.0, 2.0, 14.0, 23.0])
    y = np.array([33.0, 16.0, 32.0, 51.0])
    ws = np.linspace(-1, 4, 51)

    def loss(w):  # the seed's loss without bias, on tinygrad_lite tensors
        return ((tl.tensor(x) * w - tl.tensor(y)) ** 2).mean()

    out = tmp_path / "wl.png"
    fig = plots.loss_vs_weight(loss, ws, path=out)
    curve, marker = _lines(fig)
    expected = np.array([((x * w - y) ** 2).mean() for w in ws])
    np.testing.assert_allclose(curve.get_xdata(), ws)
    np.testing.assert_allclose(curve.get_ydata(), expected, rtol=1e-6)
    i = int(np.argmin(expected))
    assert marker.get_xdata()[0] == pytest.approx(ws[i])
    assert marker.get_ydata()[0] == pytest.approx(expected[i], rel=1e-6)
    # the true minimiser sum(xy)/sum(x^2) lies within one grid step of the marked point
    assert abs(ws[i] - (x @ y) / (x @ x)) <= ws[1] - ws[0]
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_loss_surface_contours_minimum_and_trajectory(tmp_path):
    def loss(w, b):  # a bowl with its minimum at (1, 2); works on arrays
        return (w - 1) ** 2 + 3 * (b - 2) ** 2 + 0.5

    path = [(-1.0, 0.0), (0.0, 1.5), (0.8, 1.9), (1.0, 2.0)]
    out = tmp_path / "surface.png"
    fig = plots.loss_surface(loss, (-2, 3), (-1, 4), trajectory=path, resolution=51, path=out)
    ax = fig.axes[0]
    lines = ax.get_lines()
    star = [ln for ln in lines if ln.get_label() == "grid minimum"][0]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx((1.0, 2.0))
    gd = [ln for ln in lines if ln.get_label() == "gradient descent"][0]
    np.testing.assert_array_equal(gd.get_xdata(), [p[0] for p in path])
    np.testing.assert_array_equal(gd.get_ydata(), [p[1] for p in path])
    assert len(ax.collections) >= 2  # filled contours and contour lines
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_loss_surface_point_by_point_for_tensor_losses():
    calls = []

    def loss(w, b):
        calls.append(1)
        return (tl.tensor(float(w)) - 2) ** 2 + (tl.tensor(float(b)) + 1) ** 2

    fig = plots.loss_surface(loss, (0, 4), (-3, 1), resolution=9)
    star = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "grid minimum"][0]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx((2.0, -1.0))
    assert len(calls) >= 81
    with pytest.raises(ValueError, match="pairs"):
        plots.loss_surface(lambda w, b: w + b, (0, 1), (0, 1), trajectory=[1, 2, 3])


def test_snapshots_record_parameters():
    w = tl.tensor(0.0, requires_grad=True)
    b = tl.tensor(1.0, requires_grad=True)
    snaps = plots.Snapshots({"w": w, "b": b})
    snaps.record(loss=tl.tensor(5.0))
    with tl.no_grad():
        w += 0.5
        b -= 0.25
    snaps.record(loss=3.0)
    assert len(snaps) == 2
    assert snaps[0] == {"step": 0, "loss": 5.0, "w": 0.0, "b": 1.0}
    np.testing.assert_array_equal(snaps.trajectory("w", "b"), [[0.0, 1.0], [0.5, 0.75]])
    assert snaps.losses == [5.0, 3.0]


def test_fit_animation_writes_one_frame_per_snapshot(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    xs, ys = [-2.0, 3.0], [-3.0, 7.0]
    snaps = [(0.0, 0.0), (0.5, 0.2), (1.2, 0.5), (1.8, 0.8), (2.0, 1.0)]
    out = tmp_path / "fit.gif"
    fig = plots.fit_animation(xs, ys, snaps, out, target=lambda x: 2 * x + 1)
    data = out.read_bytes()
    assert data[:6] in (b"GIF87a", b"GIF89a")
    with Image.open(out) as im:
        assert im.n_frames == len(snaps)
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    grid = lines["model"].get_xdata()
    np.testing.assert_allclose(lines["model"].get_ydata(), 2.0 * grid + 1.0)  # last frame
    np.testing.assert_allclose(lines["target"].get_ydata(), 2 * grid + 1)
    offsets = fig.axes[0].collections[0].get_offsets()
    np.testing.assert_array_equal(np.asarray(offsets), [[-2.0, -3.0], [3.0, 7.0]])


def test_fit_animation_with_snapshots_and_a_curve(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    a = tl.tensor(0.0, requires_grad=True)
    c = tl.tensor(0.0, requires_grad=True)
    rec = plots.Snapshots({"a": a, "c": c})
    for _ in range(3):
        rec.record()
        with tl.no_grad():
            a += 1.0
            c += 0.5
    out = tmp_path / "curve.gif"
    fig = plots.fit_animation(
        [0, 1, 2], [0, 1, 4], rec, out, predict=lambda s, x: s["a"] * x**2 + s["c"]
    )
    with Image.open(out) as im:
        assert im.n_frames == 3
    model = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "model"][0]
    x = model.get_xdata()
    np.testing.assert_allclose(model.get_ydata(), 2.0 * x**2 + 1.0)
    assert fig.axes[0].get_title().startswith("step 2")


def test_fit_animation_errors(tmp_path):
    with pytest.raises(ValueError, match="no snapshots"):
        plots.fit_animation([0], [0], [], tmp_path / "x.gif")
    with pytest.raises(ValueError, match="predict"):
        plots.fit_animation([0, 1], [0, 1], [(1, 2, 3)], tmp_path / "y.gif")
    assert not list(tmp_path.iterdir())  # nothing half-written left behind


def test_engine_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, tinygrad_lite; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_saving_keeps_an_existing_files_permissions(tmp_path):
    out = tmp_path / "curve.png"
    out.write_bytes(b"old")
    out.chmod(0o640)
    plots.loss_curve([3.0, 1.0], path=out)
    assert out.stat().st_mode & 0o777 == 0o640
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert [p.name for p in tmp_path.iterdir()] == ["curve.png"]  # no temporary file left
