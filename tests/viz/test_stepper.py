"""viz.stepper: the HTML page, and the page driven in a real headless browser (offline)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import tinygrad_lite as torch
from tinygrad_lite import viz
from tinygrad_lite.viz.browser import browser_missing
from tinygrad_lite.viz.renderer import find_renderer

needs_dot = pytest.mark.skipif(
    find_renderer("svg") is None, reason="needs a DOT renderer (graphviz-pure or dot)"
)


def line(backward: bool = True):
    m = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    x = torch.tensor([-2.0, 3.0])
    y = 2 * x + 1
    loss = ((m * x + b - y) ** 2).mean()
    if backward:
        loss.backward()
    return loss, {"m": m, "b": b, "x": x, "y": y, "loss": loss}


@needs_dot
def test_page_is_self_contained_and_its_steps_follow_the_trace(tmp_path):
    loss, names = line()
    page = viz.stepper(loss, names)
    trace = viz.backward_trace(loss, names)
    n_ops = len(trace.model.steps)
    # inputs, one per op, the seed, one per backward step, done
    assert len(page) == 1 + n_ops + 1 + len(trace.steps) + 1
    backward = [s["text"] for s in page.steps if s["head"].startswith("backward ")]
    assert backward == ["\n".join(rows) for rows in trace.lines()]
    assert page.steps[-1]["text"] == "grad m = -27\ngrad b = -4"
    # the chain rule with its numbers: r = [3, -7] reaches m through x = [-2, 3]
    details = [s["detail"] for s in page.steps if s["head"].startswith("backward ")]
    assert details[-1].startswith("grad m += [3, -7] * [-2, 3] = -27 (summed to shape ())")
    assert "grad b += [3, -7] = -4 (summed to shape ())\n" in details[-2]
    text = page.html
    assert "<svg" in text and "<script>" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing to fetch
    path = page.save(tmp_path / "backprop.html")
    assert open(path, encoding="utf-8").read() == text
    assert page._repr_html_().startswith("<iframe srcdoc=")


@needs_dot
def test_fanout_gradient_is_shown_term_by_term():
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor(3.0, requires_grad=True)
    e = x**2 + x * y  # de/dx = 2x + y = 4 + 3
    page = viz.stepper(e, {"x": x, "y": y})
    texts = [t for s in page.steps for t in s["grads"].values()]
    assert "grad 3 + 4 = 7" in texts or "grad 4 + 3 = 7" in texts


def test_wrong_input_is_refused():
    with pytest.raises(TypeError, match="Recorder"):
        viz.stepper([1, 2])
    with pytest.raises(ValueError, match="every"):
        viz.Recorder(every=0)


def _fit(recorder, n_iter=20, lr=0.1):
    """The seed's line fit (m*x + b to 2x + 1 through x = -2, 3), recorded."""
    m = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    x = torch.tensor([-2.0, 3.0], dtype=torch.float64)
    y = 2 * x + 1
    for _ in range(n_iter):
        loss = ((m * x + b - y) ** 2).mean()
        loss.backward()
        recorder(loss, {"m": m, "b": b, "x": x, "y": y, "loss": loss})
        with torch.no_grad():
            m -= lr * m.grad
            b -= lr * b.grad
        m.grad = b.grad = None
    return m, b


@needs_dot
def test_recorder_keeps_every_kth_iteration_of_the_line_fit():
    rec = viz.Recorder(every=5)
    m, b = _fit(rec)
    assert [it.step for it in rec] == [0, 5, 10, 15]
    first = rec.iterations[0]
    assert first.loss == 29.0 and float(first.grads["m"]) == -27 and float(first.grads["b"]) == -4
    # each later iteration is what the loop had then: recompute from its own parameters
    for it in rec:
        mv, bv = float(it.params["m"]), float(it.params["b"])
        r = mv * np.array([-2.0, 3.0]) + bv - np.array([-3.0, 7.0])
        assert it.loss == pytest.approx(np.mean(r**2))
        assert float(it.grads["m"]) == pytest.approx(np.mean(2 * r * np.array([-2.0, 3.0])))
    page = viz.stepper(rec)
    assert len(page) == 4 and page.steps[0]["params"] == {"m": "0", "b": "0"}
    assert 'id="scrub"' in page.html


# --- in a real browser ----------------------------------------------------------------------

missing = browser_missing()
needs_browser = pytest.mark.skipif(missing is not None, reason=f"no headless browser: {missing}")


@pytest.fixture(scope="module")
def browser():
    from tinygrad_lite.viz.browser import offline_browser

    driver = offline_browser()
    yield driver
    driver.quit()


def _open(browser, path):
    from tinygrad_lite.viz.browser import requests

    requests(browser)  # forget earlier pages' requests
    browser.get(path.as_uri())
    return [u for u in requests(browser) if u != path.as_uri()]


@needs_dot
@needs_browser
def test_browser_steps_show_the_trace_lines_and_end_with_the_grads(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    loss, names = line()
    trace = viz.backward_trace(loss, names)
    page = viz.stepper(loss, names)
    path = tmp_path / "backprop.html"
    page.save(path)
    assert _open(browser, path) == []  # the page asked the network for nothing
    chain = browser.find_element(By.ID, "chain")
    body = browser.find_element(By.TAG_NAME, "body")
    shown = []
    for k in range(len(page)):
        assert body.get_attribute("data-step") == str(k)
        shown.append(chain.text)
        if k == 1:  # after the first op: v0's value is visible, v1's is not yet
            v0 = browser.find_element(By.ID, "t2")
            assert "data [0, 0]" in v0.text
            assert "data" not in browser.find_element(By.ID, "t4").text
        body.send_keys(Keys.ARROW_RIGHT) if k % 2 else browser.find_element(By.ID, "next").click()
    assert shown[0].startswith("m = 0, x = [-2, 3]")
    backward = [t for t, s in zip(shown, page.steps) if s["head"].startswith("backward ")]
    assert backward == ["\n".join(rows) for rows in trace.lines()]  # the trace, step by step
    # the last step: every leaf's gradient in its box equals .grad
    for v in trace.model.values.values():
        if v.kind == "param":
            box = browser.find_element(By.ID, f"t{list(trace.model.values).index(v.key)}")
            assert f"grad {viz.fmt_array(v.tensor.grad.numpy())}" in box.text
    assert shown[-1] == "grad m = -27\ngrad b = -4"
    assert float(names["m"].grad) == -27 and float(names["b"].grad) == -4
    # back again with the left arrow, and a click on a node shows its details
    body.send_keys(Keys.ARROW_LEFT)
    assert body.get_attribute("data-step") == str(len(page) - 2)
    browser.find_element(By.ID, "op0").click()
    info = browser.find_element(By.ID, "info").text
    assert "v0 = mul(m, x)" in info and "grad m += grad v0 * x" in info and "[3, -7]" in info
    shot = tmp_path / "shot.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


@needs_dot
@needs_browser
def test_browser_scrubs_through_training_iterations(browser, tmp_path):
    from selenium.webdriver.common.by import By

    rec = viz.Recorder(every=4, fit=([-2.0, 3.0], [-3.0, 7.0], lambda v: 0.0 * v))
    m, b = _fit(rec)
    path = tmp_path / "fit.html"
    viz.stepper(rec).save(path)
    assert _open(browser, path) == []
    table = browser.find_element(By.ID, "params")
    assert "m 0" in table.text.replace("\n", " ")
    browser.execute_script(
        "var s = document.getElementById('scrub'); s.value = 3; s.dispatchEvent(new Event('input'))"
    )
    it = rec.iterations[3]
    assert browser.find_element(By.ID, "head").text == f"iteration {it.step}"
    assert f"m {viz.fmt_array(it.params['m'], 4)}" in table.text.replace("\n", " ")
    assert browser.find_element(By.ID, "chain").text == f"loss = {viz.fmt_array(it.loss)}"
    points = browser.find_elements(By.CSS_SELECTOR, "#fit circle.point")
    assert len(points) == 2  # the two data points, with the model's line
