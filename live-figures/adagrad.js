/*
 * The web book's explorer: gradient descent, Adagrad and RMSProp on the
 * rotated quadratic f_θ(x) = a u² + b v² (u = cos θ·x1 + sin θ·x2,
 * v = −sin θ·x1 + cos θ·x2), with gradient noise, a draggable start, and the
 * adaptive methods' effective rates. It computes in the page: no kernel, no
 * library, no network.
 *
 * d2lmini is the source of truth. Every constant comes from
 * d2lmini.explorer.web_constants() (window.LiveFigureData.adagrad, written
 * by _ext/live_figures.py at build time), under the same names; run()
 * repeats the floating-point operations of RotatedQuadratic.grad,
 * explorer.gradient and d2lmini.steps2d in the same order, and a browser test
 * checks the final points against Python.
 *
 * DOM contract (tests rely on it): the root has data-explorer="adagrad";
 * inputs named eta (a box), theta (degrees), steps, noise, gamma, start_x1,
 * start_x2; checkboxes show-gd, show-adagrad, show-rmsprop; the η range
 * input has data-role="eta-slider". data-role="final-<method>" holds
 * "x1: {x1:f}, x2: {x2:f}" (full precision in data-x1, data-x2) and
 * data-role="status-<method>" says "diverging" exactly when
 * explorer.is_diverging does. data-role="panel-path" is the trajectory
 * panel's <svg>; data-role="start-marker" in it is the draggable start. An
 * input (or change) event on any input redraws everything.
 *
 * Starting values: d2lmini's DEFAULTS, then data-eta, data-theta,
 * data-steps, data-noise, data-gamma, data-start ("x1,x2") and data-show
 * ("gd,adagrad") on the root, then, for the page's first explorer, the URL
 * hash (#eta=2&theta=45&steps=30&noise=0.5&start=-4,3&gamma=0.8&show=gd,adagrad),
 * which it keeps up to date. Reset returns to the root's starting values.
 */
(function () {
  "use strict";
  var LF = window.LiveFigure;
  var MARK_SIZE = { square: 2.6, circle: 2.9, diamond: 2.6 };  // legend markers, in SVG units

  // Panel geometry in SVG units: a legend band on top, then a plot area of
  // the view's aspect (4:3 for the trajectories).
  var PATH_PANEL = { width: 330, height: 286.5, margin: { left: 40, right: 12, top: 40, bottom: 38 } };
  var RATE_PANEL = { width: 250, height: 286.5, margin: { left: 52, right: 14, top: 40, bottom: 38 } };

  // ---- the math (mirrors d2lmini) ------------------------------------------------

  /* (cos θ, sin θ) as RotatedQuadratic computes them: Python's own values for
   * whole degrees (COS_SIN), else radians = θ·(π/180) as math.radians does. */
  function trig(C, theta) {
    var k = theta - C.THETA_RANGE[0];
    if (k === Math.round(k) && k >= 0 && k < C.COS_SIN.length) return C.COS_SIN[k];
    var radians = theta * (Math.PI / 180);
    return [Math.cos(radians), Math.sin(radians)];
  }

  /* Run `method` for s.steps steps from s.start on f_θ with noise σ = s.noise:
   * explorer.run_2d with explorer.gradient and the steps2d trainers. Fills
   * the Float64Arrays of out (x1, x2, s1, s2) up to index s.steps. */
  function run(C, method, s, out) {
    var cs = trig(C, s.theta), c = cs[0], sn = cs[1];
    var a = C.A, b = C.B, eps = C.EPS, eta = s.eta, sigma = s.noise, Z = C.NOISE_TABLE;
    var gamma = s.gamma, keep = 1.0 - gamma;
    var x1 = s.start[0], x2 = s.start[1], s1 = 0.0, s2 = 0.0;
    var X1 = out.x1, X2 = out.x2, S1 = out.s1, S2 = out.s2;
    X1[0] = x1; X2[0] = x2; S1[0] = s1; S2[0] = s2;
    for (var t = 1; t <= s.steps; t++) {
      // RotatedQuadratic.grad: u, v = rotate(x1, x2); du, dv = 2a u, 2b v
      var u = c * x1 + sn * x2;
      var v = -sn * x1 + c * x2;
      var du = 2 * a * u, dv = 2 * b * v;
      var g1 = du * c - dv * sn, g2 = du * sn + dv * c;
      if (sigma !== 0) {          // explorer.gradient: + σ z_t, z_t = NOISE_TABLE[t - 1]
        g1 = g1 + sigma * Z[t - 1][0];
        g2 = g2 + sigma * Z[t - 1][1];
      }
      if (method === "adagrad") {          // make_adagrad_2d
        s1 += g1 * g1;
        s2 += g2 * g2;
        x1 -= eta / Math.sqrt(s1 + eps) * g1;
        x2 -= eta / Math.sqrt(s2 + eps) * g2;
      } else if (method === "rmsprop") {   // make_rmsprop_2d
        s1 = gamma * s1 + keep * (g1 * g1);
        s2 = gamma * s2 + keep * (g2 * g2);
        x1 -= eta / Math.sqrt(s1 + eps) * g1;
        x2 -= eta / Math.sqrt(s2 + eps) * g2;
      } else {                             // make_gd_2d
        x1 = x1 - eta * g1;
        x2 = x2 - eta * g2;
      }
      X1[t] = x1; X2[t] = x2; S1[t] = s1; S2[t] = s2;
    }
    return out;
  }

  /* explorer.diverged_at: the first row with |x1| or |x2| beyond the bound (or not finite), else -1. */
  function divergedAt(C, r, steps) {
    for (var i = 0; i <= steps; i++) {
      if (!(Math.abs(r.x1[i]) <= C.DIVERGENCE_BOUND && Math.abs(r.x2[i]) <= C.DIVERGENCE_BOUND)) return i;
    }
    return -1;
  }

  function distance(r, i) { return Math.sqrt(r.x1[i] * r.x1[i] + r.x2[i] * r.x2[i]); }

  /* explorer.is_diverging: past the bound, or the distance to the minimum grew
   * at each of the last W steps to more than F times where it was W steps
   * before and where it started. */
  function isDiverging(C, r, steps, at) {
    if (at >= 0) return true;
    var w = Math.min(C.DIVERGING_WINDOW, steps);
    if (w < 1) return false;
    for (var i = steps - w; i < steps; i++) if (!(distance(r, i) < distance(r, i + 1))) return false;
    return distance(r, steps) > C.DIVERGING_FACTOR * Math.max(distance(r, steps - w), distance(r, 0));
  }

  /* explorer.status_line. */
  function statusLine(C, r, steps, at, diverging) {
    var text = LF.formatFixed(distance(r, steps), 3);
    if (!diverging) return text === "0.000" ? "less than 0.0005 from the minimum" : text + " from the minimum";
    if (at >= 0) return "diverging: past the divergence bound since step " + at;
    return "diverging: " + text + " from the minimum, and growing";
  }

  /* explorer.view_box: centred on the minimum, the smallest half-width that
   * holds VIEW_MARGIN times the start. */
  function viewBox(C, start) {
    var half = 0;
    for (var i = 0; i < C.VIEW_HALF_WIDTHS.length; i++) {
      half = C.VIEW_HALF_WIDTHS[i];
      if (Math.abs(start[0]) * C.VIEW_MARGIN <= half && Math.abs(start[1]) * C.VIEW_MARGIN <= half / C.VIEW_ASPECT) break;
    }
    var height = half / C.VIEW_ASPECT;
    return [-half, half, -height, height];
  }

  /* explorer.contour_levels: f_θ(start)·RATIO^(START_INDEX − k). */
  function contourLevels(C, theta, start, box) {
    var cs = trig(C, theta), c = cs[0], sn = cs[1];
    var u = c * start[0] + sn * start[1], v = -sn * start[0] + c * start[1];
    var level = C.A * (u * u) + C.B * (v * v);
    if (!(level > 0)) level = C.A * Math.pow(box[1] / 2, 2);
    var levels = [];
    for (var k = 0; k < C.CONTOUR_COUNT; k++) levels.push(level * Math.pow(C.CONTOUR_RATIO, C.CONTOUR_START_INDEX - k));
    return levels;
  }

  // ---- starting values ---------------------------------------------------------------

  /* Settings from text values ({eta: "2", start: "-4,3", ...}) on top of
   * base; a value that is not valid and in range is ignored. */
  function applyText(C, base, text) {
    var s = { eta: base.eta, theta: base.theta, steps: base.steps, noise: base.noise, gamma: base.gamma,
              start: base.start.slice(), show: base.show.slice() };
    function number(key, range, whole) {
      if (text[key] === undefined || text[key] === null || String(text[key]).trim() === "") return;
      var v = Number(text[key]);
      if (isFinite(v) && v >= range[0] && v <= range[1] && (!whole || v === Math.round(v))) s[key] = v;
    }
    number("eta", C.ETA_RANGE);
    number("theta", C.THETA_RANGE);
    number("steps", C.STEPS_RANGE, true);
    number("noise", C.NOISE_RANGE);
    number("gamma", C.GAMMA_RANGE);
    if (typeof text.start === "string") {
      var xy = text.start.split(",").map(function (p) { return p.trim() === "" ? NaN : Number(p); });
      if (xy.length === 2 && xy.every(function (v, i) {
        return isFinite(v) && v >= C.START_RANGE[i][0] && v <= C.START_RANGE[i][1];
      })) s.start = xy;
    }
    if (typeof text.show === "string") {
      var names = text.show.split(",").map(function (p) { return p.trim(); }).filter(Boolean);
      if (names.every(function (n) { return C.METHODS.indexOf(n) >= 0; })) s.show = names;
    }
    return s;
  }

  function attributes(root) {
    var out = {};
    ["eta", "theta", "steps", "noise", "gamma", "start", "show"].forEach(function (key) {
      var v = root.getAttribute("data-" + key);
      if (v !== null) out[key] = v;
    });
    return out;
  }

  /* The URL hash of settings s (as explorer.Settings.to_hash writes it). */
  function hashParams(C, s) {
    return {
      eta: LF.numberText(s.eta), theta: LF.numberText(s.theta), steps: String(s.steps),
      noise: LF.numberText(s.noise), start: s.start.map(LF.numberText).join(","),
      gamma: LF.numberText(s.gamma), show: C.METHODS.filter(function (m) { return s.show.indexOf(m) >= 0; }).join(",")
    };
  }

  // ---- one explorer -------------------------------------------------------------------

  function build(root, C, ownsHash) {
    var id = LF.newId("adagrad");
    var defaults = applyText(C, C.DEFAULTS, attributes(root));      // what Reset returns to
    var hash = ownsHash ? LF.readHash() : null;
    var initial = hash ? applyText(C, defaults, hash) : defaults;
    var labels = C.METHOD_LABELS;

    root.classList.add("live-figure", "lf-adagrad");
    root.setAttribute("role", "group");
    root.setAttribute("aria-labelledby", id + "-heading");
    C.METHODS.concat(["contour", "reference"]).forEach(function (name) {
      root.style.setProperty("--lf-" + name, C.COLORS[name]);
    });
    var inner = LF.tag("div", { class: "lf-inner" }, null, root);
    LF.tag("p", { id: id + "-heading", class: "lf-heading" },
      "Explorer: gradient descent, Adagrad and RMSProp on the rotated quadratic", inner);

    var form = LF.tag("form", { class: "lf-form", novalidate: "" }, null, inner);
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    // Controls: η, θ and steps first (with the trajectories, they fit a phone's screen).
    var primary = LF.tag("div", { class: "lf-controls lf-primary" }, null, form);
    var eta = LF.notchSlider({ parent: primary, id: id + "-eta", name: "eta", sliderName: "eta_slider",
      role: "eta-slider", label: "Learning rate", boxLabel: "learning rate", symbol: "\u03b7",
      notches: C.ETA_NOTCHES, value: initial.eta, min: C.ETA_RANGE[0], max: C.ETA_RANGE[1], what: "\u03b7" });
    var theta = LF.slider({ parent: primary, id: id + "-theta", name: "theta", label: "Rotation \u03b8",
      min: C.THETA_RANGE[0], max: C.THETA_RANGE[1], step: 1, value: initial.theta,
      format: function (v) { return v + "\u00b0"; } });
    var steps = LF.slider({ parent: primary, id: id + "-steps", name: "steps", label: "Steps",
      min: C.STEPS_RANGE[0], max: C.STEPS_RANGE[1], step: 1, value: initial.steps });

    // Panels.
    var panels = LF.tag("div", { class: "lf-panels" }, null, form);
    var pathPanel = LF.Panel(panels, Object.assign({ role: "panel-path", className: "lf-path-panel",
      xLabel: "x1", yLabel: "x2", label: "" }, PATH_PANEL), id + "-path");
    var ratePanel = LF.Panel(panels, Object.assign({ role: "panel-rates", className: "lf-rate-panel",
      xLabel: "step t", yLabel: "effective rate \u03b7/\u221a(s\u209c + \u03b5)", label: "" }, RATE_PANEL), id + "-rates");

    // Trajectory panel: contours (ellipses in a data frame turned by θ), paths, marks, exits, start, minimum.
    var P = pathPanel.area;
    var dataFrame = LF.el("g", {}, pathPanel.plot), turn = LF.el("g", {}, dataFrame);
    // All levels in one path: one element to restyle when θ or the start moves, not one per level.
    var contours = LF.el("path", { class: "lf-contour", "data-role": "contours", "vector-effect": "non-scaling-stroke" }, turn);
    var draw = {};
    C.METHODS.forEach(function (m) {
      draw[m] = {
        line: LF.el("path", { class: "lf-line lf-" + m, "data-role": "path-" + m,
          "stroke-dasharray": C.SVG_DASHES[C.LINESTYLES[m]] || "none" }, pathPanel.plot),
        marks: LF.el("path", { class: "lf-marks lf-" + m + " lf-shape-" + C.MARKER_SHAPES[m], "data-role": "marks-" + m,
          transform: C.MARKER_SHAPES[m] === "diamond" ? "rotate(45)" : "" }, pathPanel.plot),
        exits: LF.el("path", { class: "lf-exits lf-" + m, "data-role": "exits-" + m }, pathPanel.overlay)
      };
    });
    var minMark = LF.el("path", { class: "lf-minimum", "aria-hidden": "true" }, pathPanel.plot);
    var startMark = LF.el("g", { class: "lf-start", "data-role": "start-marker", tabindex: "0", role: "button",
      "aria-roledescription": "draggable point", "aria-describedby": id + "-start-help" }, pathPanel.overlay);
    LF.el("circle", { r: 15, class: "lf-start-hit" }, startMark);
    LF.el("circle", { r: 6.5, class: "lf-start-ring" }, startMark);
    LF.el("circle", { r: 1.8, class: "lf-start-dot" }, startMark);
    var startTitle = LF.el("title", {}, startMark);

    var methodEntry = function (m) {
      var shape = C.MARKER_SHAPES[m];
      return { label: labels[m], color: "var(--lf-" + m + ")", dash: C.SVG_DASHES[C.LINESTYLES[m]], marker: shape,
               size: MARK_SIZE[shape] };
    };
    LF.legend(pathPanel.legend, 4, 10, [0, 104, 206], [
      C.METHODS.map(methodEntry),
      [{ label: "start (drag)", marker: "circle", size: 5, fill: "#ffffff", stroke: "currentColor",
         markerClass: "lf-legend-start" },
       { label: "minimum", marker: "plus", size: 5, stroke: "currentColor", markerClass: "lf-legend-plus" },
       { label: "leaves view", marker: "right", size: 5, fill: "var(--lf-reference)" }]
    ]);

    // Rate panel: per method and coordinate (solid x1, dashed x2); GD's constant η dotted.
    var R = ratePanel.area;
    var rateY = LF.logScale(C.RATE_RANGE[0], C.RATE_RANGE[1], R.y1, R.y0);
    ratePanel.yTicks(LF.logTicks(C.RATE_RANGE[0], C.RATE_RANGE[1]), rateY);
    var DASH = function (style) { return C.SVG_DASHES[C.RATE_LINESTYLES[style]] || "none"; };
    var rateLines = {};
    C.ADAPTIVE_METHODS.forEach(function (m) {
      rateLines[m] = [
        LF.el("path", { class: "lf-rate lf-" + m, "data-role": "rate-" + m + "-x1", "stroke-dasharray": DASH("x1") },
          ratePanel.plot),
        LF.el("path", { class: "lf-rate lf-" + m + " lf-dashed", "data-role": "rate-" + m + "-x2",
          "stroke-dasharray": DASH("x2") }, ratePanel.plot)
      ];
    });
    var rateGd = LF.el("path", { class: "lf-rate lf-gd", "data-role": "rate-gd", "stroke-dasharray": DASH("gd") },
      ratePanel.plot);
    LF.legend(ratePanel.legend, 4, 10, [0, 82, 166], [
      C.ADAPTIVE_METHODS.map(function (m) { return { label: labels[m], color: "var(--lf-" + m + ")", swatch: true }; })
        .concat([{ label: "GD: \u03b7", color: "var(--lf-gd)", dash: DASH("gd"), width: 2.2 }]),
      [{ label: "x1", color: "currentColor", dash: DASH("x1"), lineClass: "lf-ink" },
       { label: "x2", color: "currentColor", dash: DASH("x2"), lineClass: "lf-ink" }]
    ]);

    // Methods: shown or not, final point, status.
    var list = LF.tag("div", { class: "lf-methods", "aria-live": "polite" }, null, form);
    var stepsNote = LF.tag("p", { class: "lf-methods-head" }, null, list);
    var rows = {};
    C.METHODS.forEach(function (m) {
      var row = LF.tag("div", { class: "lf-method", "data-method": m }, null, list);
      var labelEl = LF.tag("label", { class: "lf-method-name" }, null, row);
      var box = LF.tag("input", { type: "checkbox", name: "show-" + m }, null, labelEl);
      box.checked = initial.show.indexOf(m) >= 0;
      LF.tag("span", { class: "lf-swatch lf-" + m, "aria-hidden": "true" }, null, labelEl);
      labelEl.appendChild(document.createTextNode(labels[m]));
      var final = LF.tag("code", { class: "lf-final", "data-role": "final-" + m }, null, row);
      var status = LF.tag("span", { class: "lf-status", "data-role": "status-" + m }, null, row);
      rows[m] = { row: row, box: box, final: final, status: status,
                  run: { x1: new Float64Array(C.STEPS_RANGE[1] + 1), x2: new Float64Array(C.STEPS_RANGE[1] + 1),
                         s1: new Float64Array(C.STEPS_RANGE[1] + 1), s2: new Float64Array(C.STEPS_RANGE[1] + 1) } };
    });

    // More settings: noise, γ, the start, Reset.
    var more = LF.tag("fieldset", { class: "lf-controls lf-secondary" }, null, form);
    LF.tag("legend", { class: "lf-visually-hidden" }, "More settings", more);
    var noise = LF.slider({ parent: more, id: id + "-noise", name: "noise", label: "Gradient noise \u03c3",
      min: C.NOISE_RANGE[0], max: C.NOISE_RANGE[1], step: C.NOISE_STEP, value: initial.noise });
    var gamma = LF.slider({ parent: more, id: id + "-gamma", name: "gamma", label: "RMSProp\u2019s \u03b3",
      min: C.GAMMA_RANGE[0], max: C.GAMMA_RANGE[1], step: C.GAMMA_STEP, value: initial.gamma });
    var startRow = LF.tag("div", { class: "lf-control lf-start-control" }, null, more);
    LF.tag("span", { class: "lf-row-label", id: id + "-start-label" }, "Start", startRow);
    var starts = [0, 1].map(function (i) {
      var boxLabel = LF.tag("label", { for: id + "-start-x" + (i + 1), class: "lf-inline" }, null, startRow);
      LF.tag("span", { class: "lf-visually-hidden" }, "start ", boxLabel);
      boxLabel.appendChild(document.createTextNode("x" + (i + 1)));
      return LF.numberBox({ parent: startRow, hintParent: startRow, id: id + "-start-x" + (i + 1),
        name: "start_x" + (i + 1), min: C.START_RANGE[i][0], max: C.START_RANGE[i][1], step: C.START_STEP,
        value: initial.start[i], what: "x" + (i + 1) + " of the start" });
    });
    var help = LF.tag("p", { id: id + "-start-help", class: "lf-help" },
      "Drag the start (the ring on the trajectory panel), or focus it and press the arrow keys (with Shift, steps of 1).", more);
    var reset = LF.tag("button", { type: "button", class: "lf-reset", "data-role": "reset" }, "Reset", more);

    // ---- drawing --------------------------------------------------------------------

    var frozenBox = null;          // the view while the start is dragged
    var lastBox = null, lastBoxKey = null, lastTheta = null, lastStart = [NaN, NaN], lastSteps = null;
    var sx, sy;

    function read() {
      return {
        eta: eta.value(), theta: theta.value(), steps: Math.round(steps.value()), noise: noise.value(),
        gamma: gamma.value(), start: [starts[0].value(), starts[1].value()],
        show: C.METHODS.filter(function (m) { return rows[m].box.checked; })
      };
    }

    function drawFrame(s, box) {
      var boxKey = box.join(","), boxChanged = boxKey !== lastBoxKey;
      if (boxChanged) {   // the scales depend on the view alone
        var scale = P.width / (box[1] - box[0]);
        sx = LF.linearScale(box[0], box[1], P.x0, P.x0 + P.width);
        sy = LF.linearScale(box[3], box[2], P.y0, P.y0 + (box[3] - box[2]) * scale);
        dataFrame.setAttribute("transform", "matrix(" + [scale, 0, 0, -scale, P.x0 - box[0] * scale,
          P.y0 + box[3] * scale].join(" ") + ")");
        pathPanel.xTicks(LF.linearTicks(box[0], box[1], 7), sx);
        pathPanel.yTicks(LF.linearTicks(box[2], box[3], 6), sy);
        var mx = sx(0), my = sy(0);
        minMark.setAttribute("d", LF.markerPath("plus", mx, my, 6));
      }
      if (boxChanged || s.theta !== lastTheta || s.start[0] !== lastStart[0] || s.start[1] !== lastStart[1]) {
        turn.setAttribute("transform", "rotate(" + s.theta + ")");
        // f = level on the turned axes: the ellipse with semi-axes √(level/A), √(level/B), as two arcs.
        contours.setAttribute("d", contourLevels(C, s.theta, s.start, box).map(function (level) {
          var rx = Math.sqrt(level / C.A), ry = Math.sqrt(level / C.B), arc = "A" + rx + " " + ry + " 0 1 0 ";
          return "M" + rx + " 0" + arc + -rx + " 0" + arc + rx + " 0Z";
        }).join(""));
      }
      LF.setAttr(startMark, "transform", "translate(" + LF.num(sx(s.start[0])) + " " + LF.num(sy(s.start[1])) + ")");
      lastBox = box; lastBoxKey = boxKey; lastTheta = s.theta; lastStart = s.start.slice();
    }

    function drawPath(m, r, s, at, box) {
      var d = draw[m], on = s.show.indexOf(m) >= 0;
      var display = on ? "" : "none";
      if (d.line.style.display !== display) d.line.style.display = d.marks.style.display = d.exits.style.display = display;
      if (!on) return;
      // Stop at the first point beyond the divergence bound: between two
      // later, astronomically far points, where a segment would cross the
      // view is lost to rounding (explorer.clip_path does the same).
      var last = at >= 0 ? at : s.steps;
      var clipped = LF.clip(r.x1, r.x2, last, box, sx, sy, false);
      d.line.setAttribute("d", clipped.d);
      // The iterates: zero-length strokes with round (GD: square) caps, which
      // cost far less to lay out than a small closed shape each. RMSProp's
      // diamonds are square caps in a frame turned by 45 degrees.
      var turned = C.MARKER_SHAPES[m] === "diamond", kx = sx.k, cx = sx.c, ky = sy.k, cy = sy.c;
      LF.pathBegin();
      for (var j = 1; j <= s.steps; j++) {
        var x = r.x1[j], y = r.x2[j];
        if (x >= box[0] && x <= box[1] && y >= box[2] && y <= box[3]) {
          var px = cx + kx * x, py = cy + ky * y;   // sx(x), sy(y) inline
          if (turned) { var q = (px + py) * Math.SQRT1_2; py = (py - px) * Math.SQRT1_2; px = q; }
          LF.pathDot(px, py);
        }
      }
      d.marks.setAttribute("d", LF.pathEnd());
      LF.setAttr(d.exits, "d", clipped.exits.map(function (e) {   // mostly "": a string compare spares a restyle
        return LF.markerPath(LF.EXIT_SHAPES[e[2]], e[0], e[1], 4.5);
      }).join(""));
    }

    var logBox = [0, 0, Math.log10(C.RATE_RANGE[0]), Math.log10(C.RATE_RANGE[1])];
    var logs = new Float64Array(C.STEPS_RANGE[1] + 1), ts = new Float64Array(C.STEPS_RANGE[1] + 1);
    var POINT = 4.5;

    /* The rate panel's step axis, and GD's constant rate η. */
    function drawRateFrame(s) {
      var n = s.steps;
      if (n !== lastSteps) ratePanel.xTicks(LF.integerTicks(1, n, 5), LF.linearScale(0.5, n + 0.5, R.x0, R.x1));
      lastSteps = n;
      var on = s.show.indexOf("gd") >= 0;
      if (rateGd.style.display !== (on ? "" : "none")) rateGd.style.display = on ? "" : "none";
      if (on) LF.setAttr(rateGd, "d", "M" + LF.num(R.x0) + " " + LF.num(rateY(s.eta)) + "H" + LF.num(R.x1));
    }

    /* Adaptive method m's effective rates, one line per coordinate. */
    function drawRates(m, r, s, on) {
      var n = s.steps, lines = rateLines[m];
      var display = on ? "" : "none";
      if (lines[0].style.display !== display) lines[0].style.display = lines[1].style.display = display;
      if (!on) return;
      var rx = LF.linearScale(0.5, n + 0.5, R.x0, R.x1);
      var ly = LF.linearScale(logBox[2], logBox[3], R.y1, R.y0);
      logBox[0] = 0.5; logBox[1] = n + 0.5;
      var isSingle = n === 1;
      [r.s1, r.s2].forEach(function (acc, i) {
        // explorer.effective_rates: eta / sqrt(s_t + eps), drawn on a log scale
        for (var t = 1; t <= n; t++) { ts[t - 1] = t; logs[t - 1] = Math.log10(s.eta / Math.sqrt(acc[t] + C.EPS)); }
        var d;
        if (isSingle) {
          var v = logs[0];
          d = v >= logBox[2] && v <= logBox[3] ? LF.markerPath("circle", rx(1), ly(v), POINT) : "";
        } else {
          d = LF.clip(ts, logs, n - 1, logBox, rx, ly).d;
        }
        lines[i].setAttribute("d", d);
        lines[i].classList.toggle("lf-point", isSingle);
      });
    }

    var current = null;

    function update(fromUser) {
      var s = read();
      var box = frozenBox || viewBox(C, s.start);
      drawFrame(s, box);
      var summary = [];
      C.METHODS.forEach(function (m) {
        var row = rows[m], on = s.show.indexOf(m) >= 0;
        // What this method's run, path, final point and status depend on:
        // when none of it changed (γ moved, say, and this is not RMSProp),
        // all of them are already right.
        var key = [s.eta, s.theta, s.steps, s.noise, s.start[0], s.start[1], m === "rmsprop" ? s.gamma : "",
                   box[0], box[2], on].join(" ");
        if (key !== row.key) {
          var r = run(C, m, s, row.run), n = s.steps;
          var at = divergedAt(C, r, n), diverging = isDiverging(C, r, n, at);
          var x1 = r.x1[n], x2 = r.x2[n], point = LF.formatPoint(x1, x2);
          LF.setText(row.final, point);
          LF.setAttr(row.final, "data-x1", String(x1));
          LF.setAttr(row.final, "data-x2", String(x2));
          LF.setText(row.status, statusLine(C, r, n, at, diverging));
          row.status.classList.toggle("lf-diverging", diverging);
          if (row.final.hidden === on) row.final.hidden = row.status.hidden = !on;
          row.row.classList.toggle("lf-off", !on);
          drawPath(m, r, s, at, box);
          if (C.ADAPTIVE_METHODS.indexOf(m) >= 0) drawRates(m, r, s, on);
          row.summary = labels[m] + " ends at " + point + (diverging ? ", diverging" : "");
          row.key = key;
        }
        if (on) summary.push(row.summary);
      });
      drawRateFrame(s);
      LF.setText(stepsNote, "Final points after " + s.steps + (s.steps === 1 ? " step" : " steps") + " (train_2d\u2019s format):");
      var startText = "(" + LF.label(s.start[0]) + ", " + LF.label(s.start[1]) + ")";
      LF.setAttr(pathPanel.svg, "aria-label", "Contours of f rotated by " + s.theta + " degrees, paths from " +
        startText + " for " + s.steps + " steps at learning rate " + s.eta + " with gradient noise " + s.noise +
        (summary.length ? ": " + summary.join("; ") : ": no method shown") + ".");
      LF.setAttr(ratePanel.svg, "aria-label", "Effective learning rates of the adaptive methods shown, " +
        "on a log scale from " + C.RATE_RANGE[0] + " to " + C.RATE_RANGE[1] + ", against the step.");
      LF.setAttr(startMark, "aria-label", "start " + startText);
      LF.setText(startTitle, "start " + startText + ": drag it");
      current = s;
      if (fromUser && ownsHash) LF.writeHash(hashParams(C, s));
    }

    // ---- wiring -------------------------------------------------------------------

    function settingsKey(s) { return JSON.stringify(s); }
    var drawnKey = null;
    function onInput() {
      var key = settingsKey(read());
      if (key === drawnKey) return;
      drawnKey = key;
      update(true);
    }
    form.addEventListener("input", onInput);
    form.addEventListener("change", onInput);

    function setAll(s) {
      eta.set(s.eta); theta.set(s.theta); steps.set(s.steps); noise.set(s.noise); gamma.set(s.gamma);
      starts[0].set(s.start[0]); starts[1].set(s.start[1]);
      C.METHODS.forEach(function (m) { rows[m].box.checked = s.show.indexOf(m) >= 0; });
    }

    function showSettings(s) { setAll(s); drawnKey = settingsKey(read()); update(false); }
    LF.resetAndFollowHash(reset, ownsHash,
      function () { showSettings(defaults); },
      function (h) { showSettings(applyText(C, current, h)); });

    // Moving the start: drag (mouse, pen or touch; snapped to START_STEP) or arrow keys.
    var inverse = Math.round(1 / C.START_STEP);
    function snap(v, i, box) {
      var lo = Math.max(C.START_RANGE[i][0], box[2 * i]), hi = Math.min(C.START_RANGE[i][1], box[2 * i + 1]);
      return LF.clamp(Math.round(v * inverse) / inverse, Math.ceil(lo * inverse) / inverse, Math.floor(hi * inverse) / inverse);
    }
    function moveStart(x1, x2) {
      if (x1 === current.start[0] && x2 === current.start[1]) return;
      starts[0].set(x1);
      starts[1].set(x2);
      onInput();
    }
    var dragging = null;
    startMark.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      event.preventDefault();
      frozenBox = lastBox;
      dragging = event.pointerId;
      startMark.setPointerCapture(event.pointerId);
      startMark.classList.add("lf-dragging");
      startMark.focus({ preventScroll: true });
    });
    startMark.addEventListener("pointermove", function (event) {
      if (dragging !== event.pointerId) return;
      var m = pathPanel.svg.getScreenCTM();
      if (!m) return;
      var p = new DOMPoint(event.clientX, event.clientY).matrixTransform(m.inverse());
      var box = frozenBox, scale = P.width / (box[1] - box[0]);
      var x1 = box[0] + (p.x - P.x0) / scale, x2 = box[3] - (p.y - P.y0) / scale;
      moveStart(snap(x1, 0, box), snap(x2, 1, box));
    });
    function endDrag(event) {
      if (dragging !== event.pointerId) return;
      dragging = null;
      frozenBox = null;
      startMark.classList.remove("lf-dragging");
      update(true);          // the view may change with the new start
    }
    startMark.addEventListener("pointerup", endDrag);
    startMark.addEventListener("pointercancel", endDrag);
    startMark.addEventListener("keydown", function (event) {
      var d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowDown: [0, -1], ArrowUp: [0, 1] }[event.key];
      if (!d) return;
      event.preventDefault();
      var by = event.shiftKey ? 1 : C.START_STEP, wide = [-Infinity, Infinity, -Infinity, Infinity];
      moveStart(snap(current.start[0] + d[0] * by, 0, wide), snap(current.start[1] + d[1] * by, 1, wide));
    });

    drawnKey = settingsKey(read());
    update(false);
    LF.isolate(root, inner);
    if (hash) root.scrollIntoView({ block: "start" });
  }

  LF.register("adagrad", build);
  // For tests and the benchmark: the computation, separately from the page.
  window.AdagradExplorer = Object.freeze({
    run: function (s) {
      var C = window.LiveFigureData.adagrad, n = s.steps + 1, out = {};
      C.METHODS.forEach(function (m) {
        out[m] = run(C, m, s, { x1: new Float64Array(n), x2: new Float64Array(n), s1: new Float64Array(n), s2: new Float64Array(n) });
      });
      return out;
    },
    formatF: function (x) { return LF.formatFixed(x, 6); },
    formatFixed: LF.formatFixed,
    viewBox: function (start) { return viewBox(window.LiveFigureData.adagrad, start); }
  });
})();
