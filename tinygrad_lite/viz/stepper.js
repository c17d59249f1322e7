// tinygrad_lite.viz.stepper: step through a graph's forward and backward pass (or through
// recorded training iterations). Reads the JSON in <script id="data">; the SVG is Graphviz's,
// one <g id="tN"> per tensor box and <g id="opN"> per op, each line of a label one <text>.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var steps = data.steps;
  var current = 0;
  var boxes = {}; // id -> {data: <text> or null, grad: <text> or null}

  function lineOf(g, prefix) {
    var texts = g.getElementsByTagName("text");
    for (var i = 0; i < texts.length; i++) {
      var t = texts[i].textContent;
      if (t.indexOf(prefix) === 0 && t.indexOf("grad = ") !== 0) return texts[i];
    }
    return null;
  }

  data.values.forEach(function (id) {
    var g = document.getElementById(id);
    if (!g) return;
    var grad = lineOf(g, "grad ");
    if (!grad && data.mode === "backprop") { // no gradient line drawn: add one under the box
      grad = null;
    }
    boxes[id] = {data: lineOf(g, "data "), grad: grad};
  });

  function setFocus(ids) {
    var old = document.querySelectorAll(".focus");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("focus");
    var first = null;
    (ids || []).forEach(function (id) {
      var g = document.getElementById(id);
      if (g) { g.classList.add("focus"); first = first || g; }
    });
    var pane = document.getElementById("graph");
    if (first && pane.scrollHeight > pane.clientHeight) { // keep the current node in view
      var box = first.getBoundingClientRect(), view = pane.getBoundingClientRect();
      pane.scrollTop += box.top - view.top - pane.clientHeight / 2 + box.height / 2;
    }
  }

  function showBackprop(s) {
    var visible = {};
    s.data.forEach(function (id) { visible[id] = true; });
    Object.keys(boxes).forEach(function (id) {
      var b = boxes[id];
      if (b.data) b.data.classList.toggle("hidden", !visible[id]);
      if (b.grad) {
        var text = s.grads[id];
        if (text === undefined) {
          b.grad.classList.add("hidden");
        } else {
          b.grad.textContent = text;
          b.grad.classList.remove("hidden");
        }
      }
    });
  }

  function showTraining(s) {
    Object.keys(boxes).forEach(function (id) {
      var b = boxes[id], now = s.boxes[id] || {};
      if (b.data && now.data) b.data.textContent = now.data;
      if (b.grad && now.grad) b.grad.textContent = now.grad;
    });
    var rows = "<tr><td>name</td><td>value</td><td>grad</td></tr>";
    Object.keys(s.params).forEach(function (k) {
      rows += "<tr><td>" + k + "</td><td>" + s.params[k] + "</td><td>" +
        (s.pgrads[k] === undefined ? "" : s.pgrads[k]) + "</td></tr>";
    });
    document.getElementById("params").innerHTML = rows;
    drawCurve();
    if (data.has_fit) drawFit(s.fit);
  }

  function drawFit(f) { // the data points and the model's curve, on fixed axes for all steps
    var all = [], xs = f.gx;
    steps.forEach(function (s) { all = all.concat(s.fit.gy, s.fit.ys); });
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    function px(x) { return (10 + 280 * (x - x0) / ((x1 - x0) || 1)).toFixed(1); }
    function py(y) { return (190 - 180 * (y - lo) / ((hi - lo) || 1)).toFixed(1); }
    var line = f.gx.map(function (x, i) { return px(x) + "," + py(f.gy[i]); }).join(" ");
    var dots = f.xs.map(function (x, i) {
      return '<circle class="point" r="5" fill="#1c7ed6" cx="' + px(x) + '" cy="' + py(f.ys[i]) + '"/>';
    }).join("");
    document.getElementById("fit").innerHTML =
      '<polyline fill="none" stroke="#f76707" stroke-width="2" points="' + line + '"/>' + dots;
  }

  function drawCurve() {
    var svg = document.getElementById("curve");
    var losses = steps.map(function (s) { return s.loss; });
    var lo = Math.min.apply(null, losses), hi = Math.max.apply(null, losses);
    var span = hi > lo ? hi - lo : 1, n = Math.max(losses.length - 1, 1);
    var pts = losses.map(function (l, i) {
      return (10 + 280 * i / n).toFixed(1) + "," + (150 - 140 * (l - lo) / span).toFixed(1);
    });
    var here = pts[current].split(",");
    svg.innerHTML = '<polyline fill="none" stroke="#1c7ed6" stroke-width="2" points="' +
      pts.join(" ") + '"/><circle id="here" r="5" fill="#e03131" cx="' + here[0] +
      '" cy="' + here[1] + '"/>';
  }

  function show(k) {
    current = Math.max(0, Math.min(steps.length - 1, k));
    var s = steps[current];
    document.getElementById("head").textContent = s.head;
    document.getElementById("count").textContent = " (" + (current + 1) + " of " + steps.length + ")";
    document.getElementById("chain").textContent = s.text;
    document.getElementById("detail").textContent = s.detail;
    if (data.mode === "train") {
      document.getElementById("scrub").value = current;
      showTraining(s);
    } else {
      setFocus(s.focus);
      showBackprop(s);
    }
    document.body.setAttribute("data-step", String(current));
  }

  function info(id) {
    var n = data.nodes[id];
    if (!n) return;
    document.getElementById("info").textContent =
      n.name + " (" + n.kind + ")\n" +
      "op:    " + n.op + "\n" +
      "shape: " + n.shape + "\n" +
      "value: " + n.value + "\n" +
      "local derivative: " + n.local + "\n" +
      "gradient: " + n.grad;
  }

  var nodes = document.querySelectorAll("g.node");
  for (var i = 0; i < nodes.length; i++) {
    nodes[i].addEventListener("click", function () { info(this.id); });
  }
  document.getElementById("first").onclick = function () { show(0); };
  document.getElementById("prev").onclick = function () { show(current - 1); };
  document.getElementById("next").onclick = function () { show(current + 1); };
  document.getElementById("last").onclick = function () { show(steps.length - 1); };
  var scrub = document.getElementById("scrub");
  if (scrub) {
    scrub.max = String(steps.length - 1);
    scrub.oninput = function () { show(parseInt(scrub.value, 10)); };
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight" || e.key === " ") { show(current + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
    else if (e.key === "Home") { show(0); }
    else if (e.key === "End") { show(steps.length - 1); }
  });
  show(0);
})();
