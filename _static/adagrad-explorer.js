/*
 * The web book's explorer: gradient descent and Adagrad on the rotated
 * quadratic f_θ(x) = 0.1 u² + 2 v² (u = cos θ·x1 + sin θ·x2,
 * v = −sin θ·x1 + cos θ·x2), drawn in SVG, with no kernel, no library and no
 * network.
 *
 * Jupyter Book adds every file under _static/ to every page, so this script
 * does nothing unless the page holds an element <div data-explorer="adagrad">.
 * It builds the controls inside that element itself, so a reader of the
 * notebook (where the script does not run) never meets a control that does
 * nothing.
 *
 * d2lmini is the source of truth: run() repeats the floating-point operations
 * of d2lmini.objectives.RotatedQuadratic.grad and d2lmini.steps2d in the same
 * order, and a browser test checks the final points against Python to 1e-9.
 *
 * DOM contract (tests rely on it): inputs named eta, theta (degrees), steps;
 * elements data-role="final-adagrad" and data-role="final-gd" hold
 * "x1: {x1:f}, x2: {x2:f}" as train_2d prints it, and carry the full-precision
 * values in data-x1 / data-x2; an input event on any input redraws everything.
 * Optional attributes data-eta, data-theta, data-steps and data-show
 * ("both", "gd", "adagrad") on the root set the starting values.
 */
(function () {
  "use strict";

  var A = 0.1, B = 2.0;          // RotatedQuadratic's a and b
  var EPS = 1e-6;                // make_adagrad_2d's default eps
  var DEG = Math.PI / 180;       // CPython's math.radians multiplies by pi/180
  var START = [-5.0, -2.0];      // train2d.START
  var BOUND = 1e6;               // train2d.DIVERGENCE_BOUND
  var VIEW_LIMIT = 12;           // explorer.VIEW_LIMIT
  var ETA_MIN = 0.01, ETA_MAX = 10;
  var SVG = "http://www.w3.org/2000/svg";

  // ---- the math (mirrors d2lmini) -------------------------------------------

  /* Run "gd" or "adagrad" for `steps` steps from (-5, -2) on f_θ.
   * Returns the states as four Float64Arrays of length steps + 1 and the
   * first step at which |x1| or |x2| exceeded 1e6 (or -1). */
  function run(method, eta, theta, steps) {
    var radians = theta * DEG;
    var c = Math.cos(radians), s = Math.sin(radians);
    var X1 = new Float64Array(steps + 1), X2 = new Float64Array(steps + 1);
    var S1 = new Float64Array(steps + 1), S2 = new Float64Array(steps + 1);
    var x1 = START[0], x2 = START[1], s1 = 0.0, s2 = 0.0, divergedAt = -1;
    X1[0] = x1; X2[0] = x2;
    for (var t = 1; t <= steps; t++) {
      // RotatedQuadratic.grad
      var u = c * x1 + s * x2;
      var v = -s * x1 + c * x2;
      var du = 2 * A * u, dv = 2 * B * v;
      var g1 = du * c - dv * s, g2 = du * s + dv * c;
      if (method === "adagrad") {
        // make_adagrad_2d
        s1 += g1 * g1;
        s2 += g2 * g2;
        x1 -= eta / Math.sqrt(s1 + EPS) * g1;
        x2 -= eta / Math.sqrt(s2 + EPS) * g2;
      } else {
        // make_gd_2d
        x1 = x1 - eta * g1;
        x2 = x2 - eta * g2;
      }
      X1[t] = x1; X2[t] = x2; S1[t] = s1; S2[t] = s2;
      if (divergedAt < 0 && !(Math.abs(x1) <= BOUND && Math.abs(x2) <= BOUND)) divergedAt = t;
    }
    return { x1: X1, x2: X2, s1: S1, s2: S2, divergedAt: divergedAt };
  }

  /* Adagrad's effective rates eta / sqrt(s_t + eps) for t = 1..steps. */
  function rates(states, eta) {
    var n = states.s1.length - 1, r1 = new Float64Array(n), r2 = new Float64Array(n);
    for (var t = 1; t <= n; t++) {
      r1[t - 1] = eta / Math.sqrt(states.s1[t] + EPS);
      r2[t - 1] = eta / Math.sqrt(states.s2[t] + EPS);
    }
    return [r1, r2];
  }

  /* Python's format(x, "f"): the exact binary value rounded half-to-even to
   * 6 decimals (Number.prototype.toFixed rounds ties away from zero and
   * switches to exponents at 1e21, so it is not used). */
  var bits = new DataView(new ArrayBuffer(8));
  function formatF(x) {
    if (x !== x) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    bits.setFloat64(0, x);
    var hi = bits.getUint32(0), lo = bits.getUint32(4);
    var negative = (hi >>> 31) === 1;
    var exponent = (hi >>> 20) & 0x7ff;
    var mantissa = (BigInt(hi & 0xfffff) << BigInt(32)) | BigInt(lo);
    var e = -1074;
    if (exponent !== 0) {
      mantissa |= BigInt(1) << BigInt(52);
      e = exponent - 1075;
    }
    var scaled = mantissa * BigInt(1000000);   // |x| * 10^6 = scaled * 2^e
    if (e >= 0) {
      scaled <<= BigInt(e);
    } else {
      var k = BigInt(-e), q = scaled >> k, r = scaled - (q << k), half = BigInt(1) << (k - BigInt(1));
      if (r > half || (r === half && (q & BigInt(1)) === BigInt(1))) q += BigInt(1);
      scaled = q;
    }
    var digits = scaled.toString();
    while (digits.length < 7) digits = "0" + digits;
    return (negative ? "-" : "") + digits.slice(0, -6) + "." + digits.slice(-6);
  }

  function formatPoint(x1, x2) {
    return "x1: " + formatF(x1) + ", x2: " + formatF(x2);
  }

  // ---- geometry (mirrors d2lmini.explorer's view_box and clip_polyline) -----

  function viewBox(runs, aspect) {
    var lo = [Math.min(START[0], 0), Math.min(START[1], 0)];
    var hi = [Math.max(START[0], 0), Math.max(START[1], 0)];
    runs.forEach(function (r) {
      for (var i = 0; i < r.x1.length; i++) {
        var a = r.x1[i], b = r.x2[i];
        if (Math.abs(a) <= VIEW_LIMIT && Math.abs(b) <= VIEW_LIMIT) {
          if (a < lo[0]) lo[0] = a; if (a > hi[0]) hi[0] = a;
          if (b < lo[1]) lo[1] = b; if (b > hi[1]) hi[1] = b;
        }
      }
    });
    var pad = 0.08 * Math.max(hi[0] - lo[0], hi[1] - lo[1]);
    var w = hi[0] - lo[0] + 2 * pad, h = hi[1] - lo[1] + 2 * pad;
    var cx = (lo[0] + hi[0]) / 2, cy = (lo[1] + hi[1]) / 2;
    if (w / h < aspect) w = h * aspect; else h = w / aspect;
    return [cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2];
  }

  /* Liang–Barsky: the part of segment a→b inside box, as [t0, t1], or null. */
  function clipSegment(ax, ay, bx, by, box) {
    var dx = bx - ax, dy = by - ay, t0 = 0, t1 = 1;
    var ps = [-dx, dx, -dy, dy], qs = [ax - box[0], box[1] - ax, ay - box[2], box[3] - ay];
    for (var i = 0; i < 4; i++) {
      if (ps[i] === 0) { if (qs[i] < 0) return null; continue; }
      var r = qs[i] / ps[i];
      if (ps[i] < 0) { if (r > t0) t0 = r; } else if (r < t1) t1 = r;
      if (t0 > t1) return null;
    }
    return [t0, t1];
  }

  // ---- drawing helpers -------------------------------------------------------

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(tag, attrs, text, parent) {
    var node = document.createElement(tag);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function niceStep(span, maxTicks) {
    var raw = span / maxTicks, base = Math.pow(10, Math.floor(Math.log10(raw)));
    var mults = [1, 2, 5, 10];
    for (var i = 0; i < mults.length; i++) if (base * mults[i] >= raw) return base * mults[i];
    return base * 10;
  }

  function linearTicks(lo, hi, maxTicks) {
    var step = niceStep(hi - lo, maxTicks), ticks = [];
    var decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
      var value = Math.abs(v) < step / 2 ? 0 : v;
      ticks.push([value, value.toFixed(decimals).replace("-", "\u2212")]);
    }
    return ticks;
  }

  // Whole-number ticks from lo to hi (the step axis), at least one tick.
  function integerTicks(lo, hi, maxTicks) {
    var step = Math.max(1, Math.round(niceStep(Math.max(hi - lo, 1), maxTicks))), ticks = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push([v, String(v)]);
    if (!ticks.length) ticks.push([lo, String(lo)]);
    return ticks;
  }

  /* Ticks at 1, 2 and 5 times the powers of ten. Values below 0.01 are
   * labelled as m e−k (5e−3, 1e−4), as learning rates are usually written,
   * so no label is longer than four characters. */
  function logTicks(lo, hi) {
    var ticks = [], subs = [1, 2, 5];
    for (var k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      subs.forEach(function (m) {
        var v = m * Math.pow(10, k);
        if (v >= lo && v <= hi) ticks.push([v, k < -2 ? m + "e\u2212" + -k : String(Number(v.toPrecision(1)))]);
      });
    }
    if (ticks.length > 7) ticks = ticks.filter(function (t) { return /^1/.test(t[1]) || /^0\.0*1$/.test(t[1]); });
    return ticks;
  }

  function fmt(value) { return value.toFixed(2); }

  /* Tick marks and labels along one axis, kept in a pool: a redraw moves and
   * relabels existing elements instead of creating new ones (new text nodes
   * would have to be shaped again, the slowest part of a redraw). */
  function tickPool(parent, vertical, at, length) {
    var items = [];
    return function (ticks, position) {
      var i;
      for (i = 0; i < ticks.length; i++) {
        var item = items[i];
        if (!item) {
          item = { line: el("line", {}, parent), pos: null, label: null, hidden: false,
                   text: el("text", vertical
                     ? { x: at - length - 2, "text-anchor": "end", "dominant-baseline": "middle" }
                     : { y: at + length + 11, "text-anchor": "middle" }, parent) };
          if (vertical) { item.line.setAttribute("x1", at - length); item.line.setAttribute("x2", at); }
          else { item.line.setAttribute("y1", at); item.line.setAttribute("y2", at + length); }
          items.push(item);
        }
        var p = fmt(position(ticks[i][0]));
        if (item.pos !== p) {
          var c = vertical ? "y" : "x";
          item.line.setAttribute(c + "1", p);
          item.line.setAttribute(c + "2", p);
          item.text.setAttribute(c, p);
          item.pos = p;
        }
        if (item.label !== ticks[i][1]) { item.text.textContent = ticks[i][1]; item.label = ticks[i][1]; }
        if (item.hidden) { item.line.style.display = item.text.style.display = ""; item.hidden = false; }
      }
      for (; i < items.length; i++) {
        if (!items[i].hidden) { items[i].line.style.display = items[i].text.style.display = "none"; items[i].hidden = true; }
      }
    };
  }

  function axisLabels(parent, box, xLabel, yLabel) {
    var pw = box.w - box.left - box.right, ph = box.h - box.top - box.bottom;
    el("text", { x: box.left + pw / 2, y: box.h - 6, "text-anchor": "middle", class: "ae-label" }, parent).textContent = xLabel;
    el("text", { x: 12, y: box.top + ph / 2, "text-anchor": "middle", class: "ae-label",
      transform: "rotate(-90 12 " + (box.top + ph / 2) + ")" }, parent).textContent = yLabel;
  }

  // ---- one explorer --------------------------------------------------------------

  var counter = 0;

  // Panel geometry, in SVG user units. The rate panel's left margin holds its
  // widest tick label (logTicks keeps them to four characters, at most 33
  // units in the 12px DejaVu Sans of the labels) between the 4-unit ticks and
  // the rotated title, whose box ends near x = 16, with a few units to spare.
  var TR = { w: 440, h: 330, left: 52, right: 10, top: 10, bottom: 42 };
  var RT = { w: 320, h: 330, left: 59, right: 12, top: 10, bottom: 42 };
  var POINT_R = 4.5;             // the rate panel's markers when there is one step

  /* Starting values: optional data-eta, data-theta, data-steps and data-show
   * attributes on the root (e.g. for an exercise), else the reference run. */
  function startValues(root) {
    function pick(name, fallback, ok) {
      var raw = root.getAttribute("data-" + name), value = Number(raw);
      return raw !== null && raw.trim() !== "" && ok(value) ? value : fallback;
    }
    var show = root.getAttribute("data-show");
    return {
      eta: pick("eta", 0.4, function (v) { return v >= ETA_MIN && v <= ETA_MAX; }),
      theta: pick("theta", 0, function (v) { return v >= 0 && v <= 180 && v === Math.round(v); }),
      steps: pick("steps", 20, function (v) { return v >= 1 && v <= 100 && v === Math.round(v); }),
      show: show === "gd" || show === "adagrad" ? show : "both"
    };
  }

  function build(root) {
    if (root.getAttribute("data-ready") === "true") return;
    var start = startValues(root);
    root.setAttribute("data-ready", "true");
    var id = "adagrad-explorer-" + (++counter);
    root.classList.add("adagrad-explorer");
    root.setAttribute("role", "group");
    root.setAttribute("aria-labelledby", id + "-heading");
    html("p", { id: id + "-heading", class: "ae-heading" },
      "Explorer: gradient descent and Adagrad on the rotated quadratic", root);

    // Controls. A <form> scopes the input names to this explorer.
    var form = html("form", { class: "ae-controls", novalidate: "" }, null, root);
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    var etaRow = html("div", { class: "ae-control" }, null, form);
    html("label", { for: id + "-eta-log" }, "Learning rate \u03b7 (log scale)", etaRow);
    var etaLog = html("input", { id: id + "-eta-log", type: "range", name: "eta-log10",
      min: "-2", max: "1", step: "0.01", value: String(Math.log10(start.eta)) }, null, etaRow);
    var etaBox = html("span", { class: "ae-value" }, null, etaRow);
    // Shown as "η =" beside the box; read out as "learning rate η".
    var etaLabel = html("label", { for: id + "-eta", class: "ae-inline" }, null, etaBox);
    html("span", { class: "ae-visually-hidden" }, "learning rate ", etaLabel);
    etaLabel.appendChild(document.createTextNode("\u03b7"));
    html("span", { "aria-hidden": "true" }, " =", etaLabel);
    var eta = html("input", { id: id + "-eta", type: "number", name: "eta", min: String(ETA_MIN),
      max: String(ETA_MAX), step: "any", value: String(start.eta), inputmode: "decimal",
      "aria-describedby": id + "-eta-hint" }, null, etaBox);
    var etaHint = html("span", { id: id + "-eta-hint", class: "ae-hint" }, "", etaRow);

    var thetaRow = html("div", { class: "ae-control" }, null, form);
    html("label", { for: id + "-theta" }, "Rotation \u03b8 (degrees)", thetaRow);
    var theta = html("input", { id: id + "-theta", type: "range", name: "theta", min: "0",
      max: "180", step: "1", value: String(start.theta) }, null, thetaRow);
    var thetaOut = html("output", { for: id + "-theta", class: "ae-value" }, "0\u00b0", thetaRow);

    var stepsRow = html("div", { class: "ae-control" }, null, form);
    html("label", { for: id + "-steps" }, "Steps", stepsRow);
    var steps = html("input", { id: id + "-steps", type: "range", name: "steps", min: "1",
      max: "100", step: "1", value: String(start.steps) }, null, stepsRow);
    var stepsOut = html("output", { for: id + "-steps", class: "ae-value" }, "20", stepsRow);

    var showSet = html("fieldset", { class: "ae-show" }, null, form);
    html("legend", {}, "Show", showSet);
    [["both", "GD and Adagrad"], ["gd", "GD only"], ["adagrad", "Adagrad only"]].forEach(function (o) {
      var label = html("label", {}, null, showSet);
      var radio = html("input", { type: "radio", name: "show", value: o[0] }, null, label);
      if (o[0] === start.show) radio.checked = true;
      label.appendChild(document.createTextNode(" " + o[1]));
    });

    // Legend.
    var legend = html("p", { class: "ae-legend" }, null, root);
    legend.innerHTML =
      '<span class="ae-key ae-key-ada" aria-hidden="true"></span>Adagrad ' +
      '<span class="ae-key ae-key-gd" aria-hidden="true"></span>GD ' +
      '<span aria-hidden="true">\u25b2</span> start (\u22125, \u22122) ' +
      '<span aria-hidden="true">+</span> minimum (0, 0). ' +
      'Right: Adagrad\u2019s effective rates \u03b7/\u221a(s<sub>t</sub> + \u03b5) ' +
      '(solid x1, dashed x2; after a single step, a dot for x1 and a ring for x2) ' +
      'and GD\u2019s constant \u03b7 (dotted).';

    // Panels.
    var panels = html("div", { class: "ae-panels" }, null, root);
    var trSvg = el("svg", { viewBox: "0 0 " + TR.w + " " + TR.h, class: "ae-svg ae-traj",
      role: "img", "data-role": "trajectories" }, panels);
    var trTitle = el("title", {}, trSvg);
    el("clipPath", { id: id + "-clip" }, trSvg).appendChild(el("rect", { x: TR.left, y: TR.top,
      width: TR.w - TR.left - TR.right, height: TR.h - TR.top - TR.bottom }));
    el("rect", { x: TR.left, y: TR.top, width: TR.w - TR.left - TR.right,
      height: TR.h - TR.top - TR.bottom, class: "ae-frame" }, trSvg);
    var trAxes = el("g", { class: "ae-axes" }, trSvg);
    var trXTicks = tickPool(trAxes, false, TR.h - TR.bottom, 4), trYTicks = tickPool(trAxes, true, TR.left, 4);
    axisLabels(trAxes, TR, "x1", "x2");
    var plot = el("g", { "clip-path": "url(#" + id + "-clip)" }, trSvg);
    var dataFrame = el("g", {}, plot);
    var rotate = el("g", {}, dataFrame);
    var ellipses = [];
    for (var k = 0; k < 9; k++) ellipses.push(el("ellipse", { cx: 0, cy: 0, class: "ae-contour",
      "vector-effect": "non-scaling-stroke" }, rotate));
    var paths = {
      gd: { line: el("path", { class: "ae-line ae-gd", "data-role": "path-gd" }, plot),
            marks: el("path", { class: "ae-marks ae-gd-marks" }, plot) },
      adagrad: { line: el("path", { class: "ae-line ae-ada", "data-role": "path-adagrad" }, plot),
                 marks: el("path", { class: "ae-marks ae-ada-marks" }, plot) }
    };
    var startMark = el("path", { class: "ae-start" }, plot);
    var minMark = el("path", { class: "ae-min" }, plot);
    var warning = el("text", { x: TR.left + 8, y: TR.top + 18, class: "ae-warning", "data-role": "diverged" }, trSvg);

    var rtSvg = el("svg", { viewBox: "0 0 " + RT.w + " " + RT.h, class: "ae-svg ae-rates",
      role: "img", "data-role": "rates" }, panels);
    var rtTitle = el("title", {}, rtSvg);
    el("rect", { x: RT.left, y: RT.top, width: RT.w - RT.left - RT.right,
      height: RT.h - RT.top - RT.bottom, class: "ae-frame" }, rtSvg);
    var rtAxes = el("g", { class: "ae-axes" }, rtSvg);
    var rtXTicks = tickPool(rtAxes, false, RT.h - RT.bottom, 4), rtYTicks = tickPool(rtAxes, true, RT.left, 4);
    axisLabels(rtAxes, RT, "step t", "effective rate (log scale)");
    var rateLines = {
      x1: el("path", { class: "ae-rate ae-ada", "data-role": "rate-x1" }, rtSvg),
      x2: el("path", { class: "ae-rate ae-ada ae-dashed", "data-role": "rate-x2" }, rtSvg),
      gd: el("path", { class: "ae-rate ae-gd ae-dotted", "data-role": "rate-gd" }, rtSvg)
    };

    // Final points and status.
    var finals = html("div", { class: "ae-finals" }, null, root);
    function finalLine(label, role) {
      var p = html("p", { class: "ae-final" }, null, finals);
      html("span", { class: "ae-final-label" }, label + ": ", p);
      p.appendChild(document.createTextNode("epoch "));
      var epoch = html("span", {}, "20", p);
      p.appendChild(document.createTextNode(", "));
      var value = html("code", { "data-role": role }, "", p);
      var note = html("span", { class: "ae-note" }, "", p);
      return { p: p, epoch: epoch, value: value, note: note };
    }
    var finalAda = finalLine("Adagrad", "final-adagrad");
    var finalGd = finalLine("GD", "final-gd");
    var status = html("p", { class: "ae-status", "data-role": "status", "aria-live": "polite" }, "", root);

    var current = { eta: start.eta };

    function readEta() {
      var value = Number(eta.value);
      if (eta.value.trim() === "" || !isFinite(value) || value < ETA_MIN || value > ETA_MAX) {
        eta.setAttribute("aria-invalid", "true");
        etaHint.textContent = "\u03b7 must be a number from 0.01 to 10; showing \u03b7 = " + current.eta + ".";
        return current.eta;
      }
      eta.removeAttribute("aria-invalid");
      etaHint.textContent = "";
      return value;
    }

    function showChoice() {
      var checked = form.querySelector('input[name="show"]:checked');
      return checked ? checked.value : "both";
    }

    function drawTrajectories(gd, ada, show, thetaValue) {
      var pw = TR.w - TR.left - TR.right, ph = TR.h - TR.top - TR.bottom;
      var shown = [];
      if (show !== "adagrad") shown.push(gd);
      if (show !== "gd") shown.push(ada);
      var box = viewBox(shown, pw / ph);
      var scale = pw / (box[1] - box[0]);
      function sx(x) { return TR.left + (x - box[0]) * scale; }
      function sy(y) { return TR.top + (box[3] - y) * scale; }

      dataFrame.setAttribute("transform", "matrix(" + [scale, 0, 0, -scale,
        TR.left - box[0] * scale, TR.top + box[3] * scale].join(" ") + ")");
      rotate.setAttribute("transform", "rotate(" + thetaValue + ")");
      var radians = thetaValue * DEG, c = Math.cos(radians), s = Math.sin(radians);
      var f0 = A * Math.pow(c * START[0] + s * START[1], 2) + B * Math.pow(-s * START[0] + c * START[1], 2);
      ellipses.forEach(function (e, i) {
        var level = f0 * Math.pow(4, 3 - i);
        e.setAttribute("rx", Math.sqrt(level / A));
        e.setAttribute("ry", Math.sqrt(level / B));
      });

      [["gd", gd, show !== "adagrad", "square"], ["adagrad", ada, show !== "gd", "circle"]].forEach(function (d) {
        var target = paths[d[0]], r = d[1];
        target.line.style.display = target.marks.style.display = d[2] ? "" : "none";
        var line = [], marks = [], pen = null;
        // Stop at the first point beyond the divergence bound: between two
        // later, astronomically far points, where a segment would cross the
        // view is lost to rounding (explorer.clip_polyline does the same).
        var last = r.divergedAt > 0 ? r.divergedAt : r.x1.length - 1;
        for (var i = 0; i < last; i++) {
          var ax = r.x1[i], ay = r.x2[i], bx = r.x1[i + 1], by = r.x2[i + 1];
          if (!(isFinite(ax) && isFinite(ay) && isFinite(bx) && isFinite(by))) { pen = null; continue; }
          var t = clipSegment(ax, ay, bx, by, box);
          if (!t) { pen = null; continue; }
          var p0 = t[0] > 0 ? [ax + t[0] * (bx - ax), ay + t[0] * (by - ay)] : [ax, ay];
          var p1 = t[1] < 1 ? [ax + t[1] * (bx - ax), ay + t[1] * (by - ay)] : [bx, by];
          var start = fmt(sx(p0[0])) + " " + fmt(sy(p0[1]));
          if (pen !== start) line.push("M" + start);
          var end = fmt(sx(p1[0])) + " " + fmt(sy(p1[1]));
          line.push("L" + end);
          pen = t[1] === 1 ? end : null;
        }
        for (var j = 1; j < r.x1.length; j++) {
          var x = r.x1[j], y = r.x2[j];
          if (x >= box[0] && x <= box[1] && y >= box[2] && y <= box[3]) {
            var px = sx(x), py = sy(y);
            marks.push(d[3] === "circle"
              ? "M" + fmt(px - 2.6) + " " + fmt(py) + "a2.6 2.6 0 1 0 5.2 0a2.6 2.6 0 1 0 -5.2 0"
              : "M" + fmt(px - 2.4) + " " + fmt(py - 2.4) + "h4.8v4.8h-4.8z");
          }
        }
        target.line.setAttribute("d", line.join(""));
        target.marks.setAttribute("d", marks.join(""));
      });
      var x0 = sx(START[0]), y0 = sy(START[1]);
      startMark.setAttribute("d", "M" + fmt(x0) + " " + fmt(y0 - 6) + "l5.5 9.5h-11z");
      var mx = sx(0), my = sy(0);
      minMark.setAttribute("d", "M" + fmt(mx - 6) + " " + fmt(my) + "h12M" + fmt(mx) + " " + fmt(my - 6) + "v12");

      // Axes: ticks and labels.
      trXTicks(linearTicks(box[0], box[1], 7), sx);
      trYTicks(linearTicks(box[2], box[3], 6), sy);
    }

    var single = false;            // are the rates drawn as markers (one step)?

    function drawRates(ada, etaValue, show) {
      var n = ada.s1.length - 1;
      var pw = RT.w - RT.left - RT.right, ph = RT.h - RT.top - RT.bottom;
      var r = rates(ada, etaValue), showAda = show !== "gd", showGd = show !== "adagrad";
      var values = showGd ? [etaValue] : [];
      if (showAda) for (var i = 0; i < n; i++) values.push(r[0][i], r[1][i]);
      var lo = Math.min.apply(null, values) / 1.6, hi = Math.max.apply(null, values) * 1.6;
      var llo = Math.log10(lo), lhi = Math.log10(hi);
      function sx(t) { return RT.left + (t - 0.5) / n * pw; }
      function sy(v) { return RT.top + (lhi - Math.log10(v)) / (lhi - llo) * ph; }
      function line(series) {
        var parts = [];
        for (var t = 1; t <= n; t++) parts.push((t === 1 ? "M" : "L") + fmt(sx(t)) + " " + fmt(sy(series[t - 1])));
        return parts.join("");
      }
      // One step gives one rate per coordinate, which a line cannot show:
      // draw it as a marker instead (a dot for x1, a ring for x2).
      function point(value) {
        var cx = sx(1), cy = sy(value);
        return "M" + fmt(cx - POINT_R) + " " + fmt(cy) + "a" + POINT_R + " " + POINT_R + " 0 1 0 " + 2 * POINT_R +
          " 0a" + POINT_R + " " + POINT_R + " 0 1 0 " + -2 * POINT_R + " 0z";
      }
      if ((n === 1) !== single) {
        single = n === 1;
        rateLines.x1.classList.toggle("ae-point", single);
        rateLines.x2.classList.toggle("ae-point", single);
      }
      rateLines.x1.setAttribute("d", single ? point(r[0][0]) : line(r[0]));
      rateLines.x2.setAttribute("d", single ? point(r[1][0]) : line(r[1]));
      rateLines.gd.setAttribute("d", "M" + fmt(sx(0.5)) + " " + fmt(sy(etaValue)) + "H" + fmt(sx(n + 0.5)));
      rateLines.x1.style.display = rateLines.x2.style.display = showAda ? "" : "none";
      rateLines.gd.style.display = showGd ? "" : "none";

      rtXTicks(integerTicks(1, n, 5), sx);
      rtYTicks(logTicks(lo, hi), sy);
      return r;
    }

    function setFinal(target, states, visible) {
      var n = states.x1.length - 1, x1 = states.x1[n], x2 = states.x2[n];
      target.epoch.textContent = String(n);
      target.value.textContent = formatPoint(x1, x2);
      target.value.setAttribute("data-x1", String(x1));
      target.value.setAttribute("data-x2", String(x2));
      target.note.textContent = states.divergedAt > 0 ? " \u2014 diverged at step " + states.divergedAt : "";
      target.p.hidden = !visible;
    }

    function update() {
      var etaValue = readEta();
      var thetaValue = Number(theta.value), stepsValue = Math.round(Number(steps.value));
      current.eta = etaValue;
      var show = showChoice();
      thetaOut.textContent = thetaValue + "\u00b0";
      stepsOut.textContent = String(stepsValue);
      etaLog.setAttribute("aria-valuetext", "\u03b7 = " + etaValue);

      var gd = run("gd", etaValue, thetaValue, stepsValue);
      var ada = run("adagrad", etaValue, thetaValue, stepsValue);
      drawTrajectories(gd, ada, show, thetaValue);
      var r = drawRates(ada, etaValue, show);
      setFinal(finalAda, ada, show !== "gd");
      setFinal(finalGd, gd, show !== "adagrad");

      var notes = [];
      if (show !== "adagrad" && gd.divergedAt > 0) notes.push("GD diverged at step " + gd.divergedAt + ": its path leaves the view.");
      if (show !== "gd" && ada.divergedAt > 0) notes.push("Adagrad diverged at step " + ada.divergedAt + ".");
      var text = notes.join(" ");
      if (status.textContent !== text) status.textContent = text;
      status.hidden = !text;
      warning.textContent = notes.length ? notes.map(function (n) { return n.split(":")[0].replace(/\.$/, ""); }).join("; ") : "";

      var shown = show === "both" ? "gradient descent (orange squares) and Adagrad (blue circles)"
        : show === "gd" ? "gradient descent (orange squares)" : "Adagrad (blue circles)";
      trTitle.textContent = "Contours of f rotated by " + thetaValue + " degrees, with " + shown +
        " for " + stepsValue + " steps at learning rate " + etaValue + " from (\u22125, \u22122).";
      var n = r[0].length;
      rtTitle.textContent = "Adagrad's effective learning rates after step 1 to " + n + ": x1 from " +
        r[0][0].toPrecision(3) + " to " + r[0][n - 1].toPrecision(3) + ", x2 from " + r[1][0].toPrecision(3) +
        " to " + r[1][n - 1].toPrecision(3) + "; gradient descent keeps " + etaValue + ".";
    }

    // Wiring: the log slider and the number box both set eta.
    etaLog.addEventListener("input", function () {
      eta.value = String(Number(Math.pow(10, Number(etaLog.value)).toPrecision(3)));
      update();
    });
    eta.addEventListener("input", function () {
      var value = Number(eta.value);
      if (isFinite(value) && value >= ETA_MIN && value <= ETA_MAX) etaLog.value = String(Math.log10(value));
      update();
    });
    eta.addEventListener("change", function () {
      if (eta.getAttribute("aria-invalid") === "true") { eta.value = String(current.eta); update(); }
    });
    [theta, steps].forEach(function (input) { input.addEventListener("input", update); });
    form.addEventListener("change", function (event) {
      if (event.target.name === "show") update();
    });
    update();
  }

  function init() {
    var roots = document.querySelectorAll('[data-explorer="adagrad"]');
    for (var i = 0; i < roots.length; i++) build(roots[i]);
  }

  window.AdagradExplorer = Object.freeze({ run: run, rates: rates, formatF: formatF, formatPoint: formatPoint });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
