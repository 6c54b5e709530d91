/*
 * The preconditioning figure: Jacobi scaling of the quadratic ½ xᵀHx with
 * H(θ, κ) = Uᵀ·diag(λ₁, κλ₁)·U, U the rotation of the book's bowl f_θ
 * (κ = 20 is f_θ itself). It shows the level sets before and after scaling,
 * the Gershgorin discs of H and of D^(−½)·H·D^(−½) beside their eigenvalues,
 * the two condition numbers, and κ after scaling against θ.
 *
 * d2lmini.precondition is the source of truth: its web_constants() arrive as
 * window.LiveFigureData.preconditioning (written by _ext/live_figures.py at
 * build time), and analyse() below repeats precondition.analyse's operations
 * in the same order (a browser test checks the numbers against Python).
 *
 * DOM contract (tests rely on it): the root has data-explorer="preconditioning";
 * inputs named theta (degrees, a range in steps of THETA_STEP) and kappa (a number box; the log
 * slider beside it is named kappa_slider); data-role="kappa-before" and
 * data-role="kappa-jacobi" show the condition numbers, with full precision
 * in data-value; data-role="discs-before" and data-role="discs-after" each
 * hold one element per Gershgorin disc (by row), with data-center and
 * data-radius. An input (or change) event on any input redraws everything.
 *
 * Starting values: d2lmini's DEFAULTS, then data-theta and data-kappa on the
 * root, then, if this figure owns the URL hash, #theta=45&kappa=20.
 */
(function () {
  "use strict";
  var LF = window.LiveFigure;

  var LEVEL_PANEL = { width: 250, height: 262, margin: { left: 8, right: 8, top: 40, bottom: 8 } };
  var DISC_PANEL = { width: 350, height: 100, margin: { left: 46, right: 14, top: 26, bottom: 24 } };
  var CURVE_PANEL = { width: 350, height: 140, margin: { left: 46, right: 14, top: 24, bottom: 36 } };
  var ROW_Y = [0.3, 0.7];        // the two rows' discs, as shares of the plot area's height

  // ---- the math (mirrors d2lmini.precondition) ------------------------------------

  /* (cos θ, sin θ) as RotatedQuadratic computes them (Python's own values for whole degrees). */
  function trig(C, theta) {
    var k = theta - C.THETA_RANGE[0];
    if (k === Math.round(k) && k >= 0 && k < C.COS_SIN.length) return C.COS_SIN[k];
    var radians = theta * (Math.PI / 180);
    return [Math.cos(radians), Math.sin(radians)];
  }

  /* precondition.eigenvalues_2x2: m ∓ r for [[a, b], [b, d]]. */
  function eigenvalues(a, b, d) {
    var m = (a + d) / 2, half = (a - d) / 2, r = Math.sqrt(half * half + b * b);
    return [m - r, m + r];
  }

  /* precondition.analyse. */
  function analyse(C, theta, kappa) {
    var cs = trig(C, theta), c = cs[0], s = cs[1];
    var lam1 = C.SMALL_EIGENVALUE, lam2 = lam1 * kappa;
    var h11 = lam1 * c * c + lam2 * s * s;
    var h22 = lam1 * s * s + lam2 * c * c;
    var h12 = (lam1 - lam2) * s * c;
    // jacobi: M_jk / sqrt(M_jj M_kk)
    var t11 = h11 / Math.sqrt(h11 * h11), t22 = h22 / Math.sqrt(h22 * h22), rho = h12 / Math.sqrt(h11 * h22);
    var before = eigenvalues(h11, h12, h22), after = eigenvalues(t11, rho, t22);
    var r = Math.abs(h12), rt = Math.abs(rho);
    return {
      theta: theta, kappa: kappa, hessian: [[h11, h12], [h12, h22]], scaled: [[t11, rho], [rho, t22]], rho: rho,
      centersBefore: [h11, h22], radiiBefore: [0 + r, 0 + r], centersAfter: [t11, t22], radiiAfter: [0 + rt, 0 + rt],
      eigenvaluesBefore: before, eigenvaluesAfter: after,
      kappaBefore: before[1] / before[0], kappaJacobi: after[1] / after[0]
    };
  }

  /* precondition.disc_view. */
  function discView(C, kappa) {
    var f = C.DISC_VIEW_FACTORS, lam1 = C.SMALL_EIGENVALUE, delta = lam1 * kappa - lam1;
    var low = Math.min(0, lam1 - f[0] * delta), high = Math.max(2 * lam1, lam1 + f[1] * delta);
    var pad = f[2] * (high - low);
    return [low < 0 ? low - pad : low, high + pad];
  }

  /* precondition.rho_label: ρ to three decimals, a rounded −0.000 as 0.000, with the minus sign U+2212. */
  function rhoLabel(rho) {
    var text = LF.formatFixed(rho, 3);
    if (/^-0\.0+$/.test(text)) text = text.slice(1);
    return text.replace("-", "\u2212");
  }

  // ---- one figure -----------------------------------------------------------------------

  function readSetting(C, base, text) {
    var s = { theta: base.theta, kappa: base.kappa };
    function number(key, range) {
      if (text[key] === undefined || text[key] === null || String(text[key]).trim() === "") return;
      var v = Number(text[key]);
      if (isFinite(v) && v >= range[0] && v <= range[1]) s[key] = v;
    }
    number("theta", C.THETA_RANGE);
    number("kappa", C.KAPPA_RANGE);
    return s;
  }

  function build(root, C, ownsHash) {
    var id = LF.newId("preconditioning");
    var attrs = {};
    ["theta", "kappa"].forEach(function (k) { var v = root.getAttribute("data-" + k); if (v !== null) attrs[k] = v; });
    var defaults = readSetting(C, C.DEFAULTS, attrs);
    var hash = ownsHash ? LF.readHash() : null;
    var initial = hash ? readSetting(C, defaults, hash) : defaults;

    root.classList.add("live-figure", "lf-precond");
    root.setAttribute("role", "group");
    root.setAttribute("aria-labelledby", id + "-heading");
    ["before", "after", "contour"].forEach(function (k) { root.style.setProperty("--lf-" + k, C.COLORS[k]); });
    var inner = LF.tag("div", { class: "lf-inner" }, null, root);   // all content; see LF.isolate
    LF.tag("p", { id: id + "-heading", class: "lf-heading" }, "Jacobi scaling of a turned bowl", inner);

    var form = LF.tag("form", { class: "lf-form", novalidate: "" }, null, inner);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var controls = LF.tag("div", { class: "lf-controls" }, null, form);
    var theta = LF.slider({ parent: controls, id: id + "-theta", name: "theta", label: "Rotation \u03b8",
      min: C.THETA_RANGE[0], max: C.THETA_RANGE[1], step: C.THETA_STEP, value: initial.theta,
      format: function (v) { return v + "\u00b0"; } });
    var kappa = LF.notchSlider({ parent: controls, id: id + "-kappa", name: "kappa", sliderName: "kappa_slider",
      role: "kappa-slider", label: "Condition number", boxLabel: "condition number", symbol: "\u03ba",
      notches: C.KAPPA_NOTCHES, value: initial.kappa, min: C.KAPPA_RANGE[0], max: C.KAPPA_RANGE[1], what: "\u03ba" });

    // The two condition numbers, in words and numbers.
    var numbers = LF.tag("p", { class: "lf-numbers", "aria-live": "polite" }, null, form);
    function number(role, text, cls) {
      var span = LF.tag("span", { class: "lf-number-item " + cls }, null, numbers);
      span.appendChild(document.createTextNode(text + " "));
      return LF.tag("output", { "data-role": role, class: "lf-big" }, null, span);
    }
    var kappaBefore = number("kappa-before", "\u03ba(H) =", "lf-before-text");
    var kappaJacobi = number("kappa-jacobi", "after Jacobi scaling, \u03ba(D\u207b\u00bdHD\u207b\u00bd) =", "lf-after-text");
    var rhoText = LF.tag("span", { class: "lf-number-item lf-muted" }, null, numbers);

    var panels = LF.tag("div", { class: "lf-panels" }, null, form);
    // Level sets: both families around one centre, each scaled so that its widest ellipse fits.
    var levels = LF.Panel(panels, Object.assign({ role: "panel-levels", className: "lf-level-panel", xLabel: "",
      yLabel: "", label: "" }, LEVEL_PANEL), id + "-levels");
    var L = levels.area, cx = L.x0 + L.width / 2, cy = L.y0 + L.height / 2, reach = 0.46 * Math.min(L.width, L.height);
    LF.el("path", { class: "lf-cross", d: "M" + L.x0 + " " + cy + "H" + L.x1 + "M" + cx + " " + L.y0 + "V" + L.y1 }, levels.plot);
    var families = {};
    // "after" first, so that the dashed "before" family stays visible where the two coincide (θ = 45°)
    ["after", "before"].forEach(function (k) {
      var g = LF.el("g", { class: "lf-levels lf-" + k, "data-role": "levels-" + k }, levels.plot);
      families[k] = { group: g, ellipses: C.LEVELS.map(function () { return LF.el("ellipse", { cx: 0, cy: 0 }, g); }) };
    });
    LF.legend(levels.legend, 4, 10, [0], [
      [{ label: "before: x\u1d40Hx = r\u00b2", color: "var(--lf-before)", dash: "5 3" }],
      [{ label: "after: y\u1d40H\u0303y = r\u00b2, y = D\u00bdx", color: "var(--lf-after)" }]
    ]);

    // Gershgorin discs (as intervals of the real line) and eigenvalues, before and after scaling.
    var column = LF.tag("div", { class: "lf-column" }, null, panels);
    function discPanel(key, title, matrix) {
      var p = LF.Panel(column, Object.assign({ role: "panel-discs-" + key, className: "lf-disc-panel",
        xLabel: "", yLabel: "", label: "" }, DISC_PANEL), id + "-discs-" + key);
      LF.el("text", { x: 4, y: 13, class: "lf-title" }, p.legend).textContent = title;
      var A = p.area, rows = ROW_Y.map(function (f) { return A.y0 + f * A.height; });
      rows.forEach(function (y, j) {
        LF.el("text", { x: A.x0 - 6, y: y, "text-anchor": "end", "dominant-baseline": "middle", class: "lf-row-name" },
          p.axes).textContent = "row " + (j + 1);
      });
      var zero = LF.el("line", { class: "lf-zero", y1: A.y0, y2: A.y1 }, p.plot);
      // eigenvalues: a dotted line through the discs (clipped) and a triangle above the plot area
      var eig = LF.el("g", { class: "lf-eigenvalues", "data-role": "eigenvalues-" + key }, p.overlay);
      var eigLines = LF.el("g", {}, p.plot);
      var eigMarks = [0, 1].map(function () {
        return { line: LF.el("line", { y1: A.y0, y2: A.y1, class: "lf-eig-line" }, eigLines),
                 mark: LF.el("path", { class: "lf-eig-mark" }, eig) };
      });
      var discs = LF.el("g", { class: "lf-discs lf-" + key, "data-role": "discs-" + key }, p.plot);
      var items = rows.map(function (y, j) {
        return LF.el("rect", { y: LF.num(y - 5), height: 10, rx: 2, "data-row": String(j + 1) }, discs);
      });
      var centres = LF.el("path", { class: "lf-centres" }, p.plot);
      return { panel: p, rows: rows, zero: zero, eig: eigMarks, eigGroup: eig, discs: items, centres: centres,
               matrix: matrix, lastView: null };
    }
    var discsBefore = discPanel("before", "Gershgorin discs of H (by row) and its eigenvalues \u25bc", "H");
    var discsAfter = discPanel("after", "the same for D\u207b\u00bdHD\u207b\u00bd: both discs centred at 1", "scaled");

    // κ after scaling against θ (log scale), κ before as a dashed line, the current θ marked.
    var curve = LF.Panel(column, Object.assign({ role: "panel-curve", className: "lf-curve-panel",
      xLabel: "rotation \u03b8 (degrees)", yLabel: "\u03ba", label: "" }, CURVE_PANEL), id + "-curve");
    var K = curve.area;
    var curveX = LF.linearScale(C.THETA_RANGE[0], C.THETA_RANGE[1], K.x0, K.x1);
    var curveY = LF.logScale(C.KAPPA_RANGE[0], C.KAPPA_RANGE[1], K.y1, K.y0);
    curve.xTicks([[0, "0"], [45, "45"], [90, "90"], [135, "135"], [180, "180"]], curveX);
    curve.yTicks(LF.logTicks(C.KAPPA_RANGE[0], C.KAPPA_RANGE[1]), curveY);
    var curveBefore = LF.el("path", { class: "lf-curve-before", "stroke-dasharray": "5 3" }, curve.plot);
    var curveAfter = LF.el("path", { class: "lf-curve-after", "data-role": "curve-jacobi" }, curve.plot);
    var curveMark = LF.el("path", { class: "lf-curve-mark", "data-role": "curve-marker" }, curve.overlay);
    LF.legend(curve.legend, 4, 10, [0, 84, 226], [[
      { label: "\u03ba(H)", color: "var(--lf-before)", dash: "5 3" },
      { label: "after Jacobi scaling", color: "var(--lf-after)" },
      { label: "this \u03b8", marker: "circle", size: 4, fill: "var(--lf-after)" }
    ]]);

    var more = LF.tag("div", { class: "lf-controls lf-secondary" }, null, form);
    LF.tag("p", { class: "lf-help" }, "Turn \u03b8 away from 0\u00b0: the scaled discs widen and \u03ba after " +
      "scaling climbs back to \u03ba(H) at 45\u00b0. Each family of level sets is drawn at one size, so only " +
      "its shape shows.", more);
    var reset = LF.tag("button", { type: "button", class: "lf-reset", "data-role": "reset" }, "Reset", more);

    // ---- drawing --------------------------------------------------------------------

    var thetas = [];
    for (var t = C.THETA_RANGE[0]; t <= C.THETA_RANGE[1]; t++) thetas.push(t);
    var lastCurveKappa = null;

    function drawLevels(key, angle, ratio) {
      var f = families[key], largest = C.LEVELS[C.LEVELS.length - 1];
      // data frame: centre, then y up, then the major axis at `angle` degrees
      LF.setAttr(f.group, "transform", "translate(" + LF.num(cx) + " " + LF.num(cy) + ") rotate(" + LF.num(-angle) + ")");
      f.ellipses.forEach(function (e, i) {
        var major = reach * C.LEVELS[i] / largest;
        LF.setAttr(e, "rx", LF.num(major));
        LF.setAttr(e, "ry", LF.num(major * ratio));
      });
    }

    function drawDiscs(d, centers, radii, eig) {
      var view = d.matrix === "H" ? discView(C, current.kappa) : C.SCALED_VIEW;
      var A = d.panel.area, x = LF.linearScale(view[0], view[1], A.x0, A.x1);
      if (!d.lastView || d.lastView[0] !== view[0] || d.lastView[1] !== view[1]) {
        d.panel.xTicks(LF.linearTicks(view[0], view[1], 6), x);
        var z = LF.num(x(0));
        LF.setAttr(d.zero, "x1", z); LF.setAttr(d.zero, "x2", z);
        d.lastView = view;
      }
      var centreMarks = [];
      for (var j = 0; j < 2; j++) {
        var rect = d.discs[j], lo = x(centers[j] - radii[j]), hi = x(centers[j] + radii[j]);
        LF.setAttr(rect, "x", LF.num(lo));
        LF.setAttr(rect, "width", LF.num(Math.max(hi - lo, 0)));
        LF.setAttr(rect, "data-center", String(centers[j]));
        LF.setAttr(rect, "data-radius", String(radii[j]));
        centreMarks.push("M" + LF.num(x(centers[j])) + " " + LF.num(d.rows[j] - 7) + "v14");
      }
      LF.setAttr(d.centres, "d", centreMarks.join(""));
      for (var k = 0; k < 2; k++) {
        var ex = LF.num(x(eig[k]));
        LF.setAttr(d.eig[k].line, "x1", ex); LF.setAttr(d.eig[k].line, "x2", ex);
        LF.setAttr(d.eig[k].mark, "data-value", String(eig[k]));
        LF.setAttr(d.eig[k].mark, "d", "M" + LF.num(x(eig[k]) - 4.5) + " " + LF.num(A.y0 - 7) + "h9l-4.5 7z");
      }
      LF.setAttr(d.panel.svg, "aria-label", (d.matrix === "H" ? "Gershgorin discs of H" : "Gershgorin discs after Jacobi scaling") +
        ": row 1 centre " + LF.formatFixed(centers[0], 3) + ", row 2 centre " + LF.formatFixed(centers[1], 3) +
        ", radius " + LF.formatFixed(radii[0], 3) + " each; eigenvalues " + LF.formatFixed(eig[0], 3) + " and " +
        LF.formatFixed(eig[1], 3) + ".");
    }

    function drawCurve(a) {
      if (a.kappa !== lastCurveKappa) {
        var parts = [];
        for (var i = 0; i < thetas.length; i++) {
          var k = analyse(C, thetas[i], a.kappa).kappaJacobi;
          parts.push((i ? "L" : "M") + LF.num(curveX(thetas[i])) + " " + LF.num(curveY(k)));
        }
        LF.setAttr(curveAfter, "d", parts.join(""));
        LF.setAttr(curveBefore, "d", "M" + LF.num(K.x0) + " " + LF.num(curveY(a.kappaBefore)) + "H" + LF.num(K.x1));
        lastCurveKappa = a.kappa;
      }
      LF.setAttr(curveMark, "d", LF.markerPath("circle", curveX(a.theta), curveY(a.kappaJacobi), 4.5));
    }

    var current = null;

    function update(fromUser) {
      var s = { theta: theta.value(), kappa: kappa.value() };
      current = s;
      var a = analyse(C, s.theta, s.kappa);
      LF.setText(kappaBefore, LF.formatFixed(a.kappaBefore, 2));
      LF.setAttr(kappaBefore, "data-value", String(a.kappaBefore));
      LF.setText(kappaJacobi, LF.formatFixed(a.kappaJacobi, 2));
      LF.setAttr(kappaJacobi, "data-value", String(a.kappaJacobi));
      LF.setText(rhoText, "coupling \u03c1 = " + rhoLabel(a.rho));
      // the major axis lies along the eigenvector of the smaller eigenvalue
      drawLevels("before", s.theta, 1 / Math.sqrt(a.kappaBefore));
      drawLevels("after", a.rho < 0 ? 45 : a.rho > 0 ? -45 : 0, 1 / Math.sqrt(a.kappaJacobi));
      drawDiscs(discsBefore, a.centersBefore, a.radiiBefore, a.eigenvaluesBefore);
      drawDiscs(discsAfter, a.centersAfter, a.radiiAfter, a.eigenvaluesAfter);
      drawCurve(a);
      LF.setAttr(levels.svg, "aria-label", "Level sets of the bowl turned by " + s.theta + " degrees with condition number " +
        LF.formatFixed(a.kappaBefore, 2) + ", and after Jacobi scaling, with condition number " +
        LF.formatFixed(a.kappaJacobi, 2) + ".");
      LF.setAttr(curve.svg, "aria-label", "Condition number after Jacobi scaling against the rotation, from 0 to 180 degrees, " +
        "for condition number " + LF.label(s.kappa, 4) + "; at " + s.theta + " degrees it is " + LF.formatFixed(a.kappaJacobi, 2) + ".");
      if (fromUser && ownsHash) LF.writeHash({ theta: LF.numberText(s.theta), kappa: LF.numberText(s.kappa) });
    }

    var drawn = null;
    function onInput() {
      var key = theta.value() + "|" + kappa.value();
      if (key === drawn) return;
      drawn = key;
      update(true);
    }
    form.addEventListener("input", onInput);
    form.addEventListener("change", onInput);
    function setAll(s) { theta.set(s.theta); kappa.set(s.kappa); drawn = theta.value() + "|" + kappa.value(); }
    LF.resetAndFollowHash(reset, ownsHash,
      function () { setAll(defaults); update(false); },
      function (h) { setAll(readSetting(C, current, h)); update(false); });
    setAll(initial);
    update(false);
    LF.isolate(root, inner);   // a redraw lays out the figure, not the page around it
    if (hash && (hash.theta !== undefined || hash.kappa !== undefined)) root.scrollIntoView({ block: "start" });
  }

  LF.register("preconditioning", build);
  // For tests and the benchmark: the computation, separately from the page.
  window.PreconditioningFigure = Object.freeze({
    analyse: function (theta, kappa) { return analyse(window.LiveFigureData.preconditioning, theta, kappa); }
  });
})();
