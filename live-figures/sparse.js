/*
 * The sparse-features figure: each weight's error against its feature's
 * frequency for the shared schedule, the count clocks and Adagrad, and each
 * rule's mean error over the rare, medium and common features.
 *
 * The runs behind it cannot be repeated cheaply in the page (their random
 * streams are numpy's), so the figure steps between precomputed runs:
 * d2lmini.sparse_grid.web_constants() arrives as window.LiveFigureData.sparse
 * (written by _ext/live_figures.py at build time), one real run of the
 * chapter's d2l.sparse.run_experiment per grid point, and the sliders move
 * through that grid. Nothing is computed here but positions on the screen;
 * the numbers shown are the table's, digit for digit.
 *
 * DOM contract (tests rely on it): the root has data-explorer="sparse";
 * inputs named exponent, background and noise (number boxes that take the
 * grid's values; the sliders beside them are exponent_slider,
 * background_slider and noise_slider); data-role="error-rare-global",
 * "error-rare-clock" and "error-rare-adagrad" show the rare features' mean
 * error with full precision in data-value (and error-medium-*, error-common-*
 * likewise). An input (or change) event on any input redraws everything.
 *
 * Starting values: d2lmini's DEFAULTS, then data-exponent, data-background
 * and data-noise on the root, then, if this figure owns the URL hash,
 * #exponent=1.2&background=0.01&noise=0.1.
 */
(function () {
  "use strict";
  var LF = window.LiveFigure;
  var DASH = { "-": "", "--": "6 4", "-.": "8 3 2 3", ":": "1.5 3" };   // matplotlib styles as SVG dashes
  var PANEL = { width: 360, height: 290, margin: { left: 46, right: 10, top: 52, bottom: 38 } };
  var KNOBS = [
    { key: "exponent", values: "EXPONENTS", label: "Zipf exponent of the frequencies", box: "Zipf exponent", symbol: "\u03b1" },
    { key: "background", values: "BACKGROUNDS", label: "Value of absent features (background)", box: "background",
      symbol: "b" },
    { key: "noise", values: "NOISES", label: "Label noise", box: "label noise", symbol: "\u03c3" }
  ];

  function readSetting(C, base, text) {
    var s = { exponent: base.exponent, background: base.background, noise: base.noise };
    KNOBS.forEach(function (k) {
      var t = text[k.key];
      if (t === undefined || t === null || String(t).trim() === "") return;
      var v = Number(t);
      if (C[k.values].indexOf(v) >= 0) s[k.key] = v;
    });
    return s;
  }

  /* The features' frequencies (counts / N, as SparseData.frequency) and buckets (as sparse.bucket_masks). */
  function features(C, i) {
    var counts = C.COUNTS[i], f = [], bucket = [], sizes = { rare: 0, medium: 0, common: 0 };
    for (var j = 0; j < counts.length; j++) {
      var v = counts[j] / C.N;
      f.push(v);
      var b = v >= C.COMMON_MIN_FREQUENCY ? "common" : v >= C.RARE_MAX_FREQUENCY ? "medium" : v > 0 ? "rare" : null;
      bucket.push(b);
      if (b) sizes[b] += 1;
    }
    return { frequency: f, bucket: bucket, sizes: sizes };
  }

  function build(root, C, ownsHash) {
    var id = LF.newId("sparse");
    var attrs = {};
    KNOBS.forEach(function (k) { var v = root.getAttribute("data-" + k.key); if (v !== null) attrs[k.key] = v; });
    var defaults = readSetting(C, C.DEFAULTS, attrs);
    var hash = ownsHash ? LF.readHash() : null;
    var initial = hash ? readSetting(C, defaults, hash) : defaults;
    var methods = C.METHODS;

    root.classList.add("live-figure", "lf-sparse");
    root.setAttribute("role", "group");
    root.setAttribute("aria-labelledby", id + "-heading");
    methods.concat(["reference"]).forEach(function (m) { root.style.setProperty("--lf-" + m, C.COLORS[m]); });
    var inner = LF.tag("div", { class: "lf-inner" }, null, root);   // all content; see LF.isolate
    LF.tag("p", { id: id + "-heading", class: "lf-heading" },
      "Sparse features: how far each weight ends from its true value", inner);

    var form = LF.tag("form", { class: "lf-form", novalidate: "" }, null, inner);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var controls = LF.tag("div", { class: "lf-controls" }, null, form);
    var knobs = {};
    KNOBS.forEach(function (k) {
      knobs[k.key] = LF.gridSlider({ parent: controls, id: id + "-" + k.key, name: k.key, sliderName: k.key + "_slider",
        label: k.label, boxLabel: k.box, symbol: k.symbol, values: C[k.values], value: initial[k.key], what: k.symbol });
    });
    LF.tag("p", { class: "lf-help lf-grid-note" }, "The figure moves between precomputed runs: each setting is one run of " +
      "the chapter\u2019s experiment (seed " + C.SEED + ", " + LF.countText(C.N) + " examples, each rule\u2019s \u03b70 " +
      "tuned on validation data), computed when the book was built; the sliders step through its " + C.GRID_SIZE +
      " runs.", form);

    // The error of each weight against its feature's frequency (log-log).
    var panels = LF.tag("div", { class: "lf-panels" }, null, form);
    var panel = LF.Panel(panels, Object.assign({ role: "panel-errors", className: "lf-error-panel",
      xLabel: "feature frequency (share of examples)", yLabel: "|w\u1d62 \u2212 w*\u1d62|", label: "" }, PANEL), id + "-errors");
    var A = panel.area;
    var sx = LF.logScale(C.FREQUENCY_VIEW[0], C.FREQUENCY_VIEW[1], A.x0, A.x1);
    var sy = LF.logScale(C.ERROR_VIEW[0], C.ERROR_VIEW[1], A.y1, A.y0);
    // each feature's error arrives as q = round(LOG_SCALE log10(error)): a linear scale in q
    var sq = LF.linearScale(C.LOG_SCALE * Math.log10(C.ERROR_VIEW[0]), C.LOG_SCALE * Math.log10(C.ERROR_VIEW[1]), A.y1, A.y0);
    var lowQ = sq.domain[0], highQ = sq.domain[1];
    panel.xTicks(LF.logTicks(C.FREQUENCY_VIEW[0], C.FREQUENCY_VIEW[1]), sx);
    panel.yTicks(LF.logTicks(C.ERROR_VIEW[0], C.ERROR_VIEW[1]), sy);
    // bucket edges, named along the top of the plot area
    var edges = [C.RARE_MAX_FREQUENCY, C.COMMON_MIN_FREQUENCY];
    edges.forEach(function (f) {
      LF.el("line", { x1: LF.num(sx(f)), x2: LF.num(sx(f)), y1: A.y0, y2: A.y1, class: "lf-edge" }, panel.plot);
    });
    var spans = [["rare", C.FREQUENCY_VIEW[0], edges[0]], ["medium", edges[0], edges[1]], ["common", edges[1], C.FREQUENCY_VIEW[1]]];
    spans.forEach(function (s) {
      LF.el("text", { x: LF.num((sx(s[1]) + sx(s[2])) / 2), y: A.y0 + 13, "text-anchor": "middle", class: "lf-bucket-name" },
        panel.axes).textContent = s[0];
    });
    var draw = {};
    methods.forEach(function (m) {
      draw[m] = {
        dots: LF.el("path", { class: "lf-dots lf-" + m, "data-role": "dots-" + m }, panel.plot),
        line: LF.el("path", { class: "lf-bin-line lf-" + m, "data-role": "bins-" + m,
          "stroke-dasharray": DASH[C.LINESTYLES[m]] || "none" }, panel.plot),
        marks: LF.el("path", { class: "lf-bin-marks lf-" + m }, panel.plot),
        low: LF.el("path", { class: "lf-low lf-" + m }, panel.overlay)
      };
    });
    LF.legend(panel.legend, 4, 10, [0, 0, 0], methods.map(function (m) {
      return [{ label: C.LEGEND[m], color: "var(--lf-" + m + ")", dash: DASH[C.LINESTYLES[m]], marker: "circle", size: 3 }];
    }));
    LF.tag("p", { class: "lf-help" }, "Dots: single weights; lines: the mean in frequency bins. An error below the " +
      "plot is drawn at its bottom edge as a triangle.", form);

    // Each rule's tuned η0 and mean error per bucket, with bars scaled to each column's largest value.
    var table = LF.tag("table", { class: "lf-table" }, null, form);
    LF.tag("caption", { class: "lf-visually-hidden" }, "Mean error per bucket of features, for each rule", table);
    var head = LF.tag("tr", {}, null, LF.tag("thead", {}, null, table));
    LF.tag("th", { scope: "col" }, "mean |w\u1d62 \u2212 w*\u1d62|", head);
    LF.tag("th", { scope: "col", class: "lf-num" }, "\u03b70", head);
    var bucketHeads = {};
    C.BUCKETS.forEach(function (b) { bucketHeads[b] = LF.tag("th", { scope: "col", class: "lf-num" }, b, head); });
    var body = LF.tag("tbody", {}, null, table), cells = {};
    methods.forEach(function (m) {
      var tr = LF.tag("tr", {}, null, body), name = LF.tag("th", { scope: "row" }, null, tr);
      LF.tag("span", { class: "lf-swatch lf-" + m, "aria-hidden": "true" }, null, name);
      LF.tag("span", { class: "lf-long" }, C.ROW_NAMES[m], name);        // "shared schedule"
      LF.tag("span", { class: "lf-short" }, C.SHORT_NAMES[m], name);     // "shared", on a phone
      cells[m] = { eta0: LF.tag("td", { class: "lf-num", "data-role": "eta0-" + m }, null, tr) };
      C.BUCKETS.forEach(function (b) {
        var td = LF.tag("td", { class: "lf-num lf-bar-cell" }, null, tr);
        var bar = LF.tag("span", { class: "lf-bar lf-" + m, "aria-hidden": "true" }, null, td);
        cells[m][b] = { bar: bar, value: LF.tag("span", { class: "lf-value-text", "data-role": "error-" + b + "-" + m }, null, td) };
      });
    });
    var reset = LF.tag("button", { type: "button", class: "lf-reset", "data-role": "reset" }, "Reset", form);

    // ---- drawing --------------------------------------------------------------------

    var featureCache = {};
    var bottom = A.y1, low = C.ERROR_VIEW[0], high = C.ERROR_VIEW[1];

    function update(fromUser) {
      var s = { exponent: knobs.exponent.value(), background: knobs.background.value(), noise: knobs.noise.value() };
      current = s;
      var i = C.EXPONENTS.indexOf(s.exponent), j = C.BACKGROUNDS.indexOf(s.background), k = C.NOISES.indexOf(s.noise);
      var point = C.POINTS[i][j][k];
      var feats = featureCache[i] || (featureCache[i] = features(C, i));
      methods.forEach(function (m) {
        var q = point.log_errors[m], dots = [], lows = [];
        for (var n = 0; n < q.length; n++) {
          var f = feats.frequency[n];
          if (!(f > 0)) continue;          // never on: no frequency to plot it at (and in no bucket)
          if (q[n] < lowQ) lows.push(LF.markerPath("down", sx(f), bottom - 5, 3.2));
          else dots.push("M" + LF.num(sx(f)) + " " + LF.num(sq(Math.min(q[n], highQ))) + "h0");
        }
        draw[m].dots.setAttribute("d", dots.join(""));
        draw[m].low.setAttribute("d", lows.join(""));
        var line = point.bins[m], d = [], marks = [];
        for (var q = 0; q < line.length; q++) {
          var px = LF.num(sx(line[q][0])), py = LF.num(sy(LF.clamp(line[q][1], low, high)));
          d.push((q ? "L" : "M") + px + " " + py);
          marks.push("M" + px + " " + py + "h0");
        }
        draw[m].line.setAttribute("d", d.join(""));
        draw[m].marks.setAttribute("d", marks.join(""));
      });
      // the table: numbers as the chapter prints them (4 decimals), full precision in data-value
      var largest = {};
      C.BUCKETS.forEach(function (b) {
        largest[b] = Math.max.apply(null, methods.map(function (m) { return point.buckets[m][b] || 0; }));
        LF.setText(bucketHeads[b], b + " (" + feats.sizes[b] + ")");
      });
      var summary = [];
      methods.forEach(function (m) {
        LF.setText(cells[m].eta0, LF.formatFixed(point.eta0[m], 2));
        cells[m].eta0.setAttribute("data-value", String(point.eta0[m]));
        C.BUCKETS.forEach(function (b) {
          var v = point.buckets[m][b], c = cells[m][b];
          LF.setText(c.value, v === null ? "\u2014" : LF.formatFixed(v, 4));
          c.value.setAttribute("data-value", v === null ? "nan" : String(v));
          c.bar.style.width = v === null || !largest[b] ? "0" : (100 * v / largest[b]).toFixed(1) + "%";
        });
        var rare = point.buckets[m].rare;
        summary.push(C.ROW_NAMES[m] + " " + (rare === null ? "none" : LF.formatFixed(rare, 4)));
      });
      LF.setAttr(panel.svg, "aria-label", "Error of each weight against its feature's frequency, on log scales, for " +
        "Zipf exponent " + s.exponent + ", background " + s.background + " and label noise " + s.noise +
        ". Mean error of the rare features: " + summary.join(", ") + ".");
      if (fromUser && ownsHash) {
        LF.writeHash({ exponent: LF.numberText(s.exponent), background: LF.numberText(s.background),
                       noise: LF.numberText(s.noise) });
      }
    }

    var current = null, drawn = null;
    function key() { return [knobs.exponent.value(), knobs.background.value(), knobs.noise.value()].join("|"); }
    function onInput() {
      var k = key();
      if (k === drawn) return;
      drawn = k;
      update(true);
    }
    form.addEventListener("input", onInput);
    form.addEventListener("change", onInput);
    function setAll(s) { KNOBS.forEach(function (k) { knobs[k.key].set(s[k.key]); }); drawn = key(); }
    LF.resetAndFollowHash(reset, ownsHash,
      function () { setAll(defaults); update(false); },
      function (h) { setAll(readSetting(C, current, h)); update(false); });
    setAll(initial);
    update(false);
    LF.isolate(root, inner);   // a redraw lays out the figure, not the page around it
    if (hash && KNOBS.some(function (k) { return hash[k.key] !== undefined; })) root.scrollIntoView({ block: "start" });
  }

  LF.register("sparse", build);
})();
