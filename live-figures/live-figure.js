/*
 * LiveFigure: what every live figure of the book shares. Plain JavaScript,
 * no library, no network; a classic script (ES modules do not load from
 * file://, and the book must work when opened from disk).
 *
 * _ext/live_figures.py adds this file, then a figure's data (window.
 * LiveFigureData[name], written from d2lmini at build time) and the figure's
 * own script, to the pages whose body holds <div data-explorer="name">, and
 * to no other page. A figure script calls LiveFigure.register(name, build);
 * build(root, data) runs once for each such element, after the page is parsed.
 *
 * Contents: DOM helpers (el, tag), number formatting (formatFixed, the same
 * digits as Python's format(x, ".nf")), scales and ticks, a Panel (an <svg>
 * with a clipped plot area, axes whose tick marks and labels are pooled, and
 * a legend band), polyline clipping with the points where a path leaves,
 * marker shapes, path data written without garbage (pathBegin … pathEnd),
 * controls (a labelled slider, a number box, a notch slider whose box steps
 * through the notches, a grid slider whose box takes only the grid's
 * values), and the URL hash.
 */
(function () {
  "use strict";
  if (window.LiveFigure) return;

  var SVG = "http://www.w3.org/2000/svg";

  // ---- DOM -------------------------------------------------------------------

  /* An SVG element with attributes, appended to parent if given. */
  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(node);
    return node;
  }

  /* An HTML element with attributes and text, appended to parent if given. */
  function tag(name, attrs, text, parent) {
    var node = document.createElement(name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  /* Set node.textContent only when it changes (new text must be laid out again). */
  function setText(node, text) {
    var only = node.firstChild;
    if (only && only.nodeType === 3 && only === node.lastChild) {
      // Changing the text node's data, not replacing the node, spares the
      // browser a style recalculation of the element.
      if (only.data !== text) only.data = text;
    } else if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  /* Set an attribute only when it changes. */
  function setAttr(node, name, value) {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }

  var uid = 0;
  /* A page-unique id prefix, e.g. "lf-adagrad-1". */
  function newId(name) { return "lf-" + name + "-" + (++uid); }

  // ---- numbers -----------------------------------------------------------------

  /* An SVG coordinate: a tenth of a unit (about 0.1 CSS pixel) is fine
   * enough, and toFixed(1) is a third faster than toFixed(2). */
  function num(v) { return v.toFixed(1); }

  // ---- path data -----------------------------------------------------------------

  /* Path data written as bytes into one reused buffer and read out once as a
   * string: no string per number and no array of pieces, so a redraw leaves
   * little for the garbage collector. A coordinate is written to a tenth, as
   * num rounds it, without a trailing ".0". Usage: pathBegin(); pathMove(x, y);
   * pathLine(x, y) ...; d = pathEnd(). */
  var pathBytes = new Uint8Array(4096), pathLength = 0, pathDecoder = new TextDecoder();
  var digitBytes = new Uint8Array(12);

  function pathBegin() { pathLength = 0; }

  function pathRoom(bytes) {   // at least `bytes` free bytes after pathLength
    if (pathLength + bytes <= pathBytes.length) return;
    var bigger = new Uint8Array(Math.max(pathBytes.length * 2, pathLength + bytes));
    bigger.set(pathBytes);
    pathBytes = bigger;
  }

  function pathNumber(v) {
    if (!(v > -1e8 && v < 1e8)) {          // NaN, infinite or huge: num's text
      var text = num(v);
      pathRoom(text.length + 32);   // and room for what pathCommand writes after it
      for (var c = 0; c < text.length; c++) pathBytes[pathLength++] = text.charCodeAt(c);
      return;
    }
    var tenths = Math.round(v * 10);      // |tenths| < 1e9: integer arithmetic in 32 bits
    if (tenths < 0) { pathBytes[pathLength++] = 45; tenths = -tenths; }   // "-"
    var whole = (tenths / 10) | 0, tenth = tenths - whole * 10, k = 0;
    do { digitBytes[k++] = 48 + whole % 10; whole = (whole / 10) | 0; } while (whole > 0);
    while (k > 0) pathBytes[pathLength++] = digitBytes[--k];
    if (tenth !== 0) { pathBytes[pathLength++] = 46; pathBytes[pathLength++] = 48 + tenth; }   // ".d"
  }

  function pathCommand(letter, x, y) {
    pathRoom(32);   // a letter, two coordinates below 1e8 (at most 11 bytes each), a space and "h0"
    pathBytes[pathLength++] = letter;
    pathNumber(x);
    pathBytes[pathLength++] = 32;
    pathNumber(y);
  }

  /* "M x y" and "L x y". */
  function pathMove(x, y) { pathCommand(77, x, y); }
  function pathLine(x, y) { pathCommand(76, x, y); }
  /* "M x y h0": a zero-length stroke, drawn as its line cap (a dot or a square). */
  function pathDot(x, y) {
    pathCommand(77, x, y);
    pathBytes[pathLength++] = 104; pathBytes[pathLength++] = 48;
  }

  function pathEnd() { return pathDecoder.decode(pathBytes.subarray(0, pathLength)); }

  var bits = new DataView(new ArrayBuffer(8));
  var TEN = BigInt(10);

  /* Python's format(x, "." + digits + "f"): the exact binary value of x
   * rounded half-to-even to `digits` decimals. (Number.prototype.toFixed
   * rounds the decimal expansion differently and switches to exponents at
   * 1e21, so it is not used.) */
  function formatFixed(x, digits) {
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
    var scaled = mantissa * (TEN ** BigInt(digits));   // |x| * 10^digits = scaled * 2^e
    if (e >= 0) {
      scaled <<= BigInt(e);
    } else {
      var k = BigInt(-e), q = scaled >> k, r = scaled - (q << k), half = BigInt(1) << (k - BigInt(1));
      if (r > half || (r === half && (q & BigInt(1)) === BigInt(1))) q += BigInt(1);
      scaled = q;
    }
    var text = scaled.toString();
    if (digits === 0) return (negative ? "-" : "") + text;
    while (text.length < digits + 1) text = "0" + text;
    return (negative ? "-" : "") + text.slice(0, -digits) + "." + text.slice(-digits);
  }

  /* train_2d's number format: "x1: {x1:f}, x2: {x2:f}". */
  function formatPoint(x1, x2) {
    return "x1: " + formatFixed(x1, 6) + ", x2: " + formatFixed(x2, 6);
  }

  /* Shortest text that reads back as v (Python: repr without a trailing ".0"). */
  function numberText(v) { return String(v); }

  /* A whole number with a comma between groups of three digits ("4,000"), as
   * toLocaleString("en") writes it, without making the browser load its
   * locale data while the page is drawn. */
  function countText(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  /* A number for a label: the minus sign U+2212, at most `digits` significant digits. */
  function label(v, digits) {
    var text = String(Number(v.toPrecision(digits || 3)));
    return text.replace("-", "\u2212");
  }

  // ---- scales and ticks ----------------------------------------------------------

  /* Maps [d0, d1] linearly onto [r0, r1], v -> c + k v (.k and .c are
   * there for loops that map many points inline); .invert maps back. */
  function linearScale(d0, d1, r0, r1) {
    var k = (r1 - r0) / (d1 - d0);
    var f = function (v) { return r0 + (v - d0) * k; };
    f.invert = function (r) { return d0 + (r - r0) / k; };
    f.domain = [d0, d1];
    f.k = k;
    f.c = r0 - d0 * k;
    return f;
  }

  /* Maps [d0, d1] (positive) onto [r0, r1] on a base-10 logarithmic scale. */
  function logScale(d0, d1, r0, r1) {
    var l0 = Math.log10(d0), k = (r1 - r0) / (Math.log10(d1) - l0);
    var f = function (v) { return r0 + (Math.log10(v) - l0) * k; };
    f.invert = function (r) { return Math.pow(10, l0 + (r - r0) / k); };
    f.domain = [d0, d1];
    return f;
  }

  function niceStep(span, maxTicks) {
    var raw = span / maxTicks, base = Math.pow(10, Math.floor(Math.log10(raw)));
    var mults = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < mults.length; i++) if (base * mults[i] >= raw) return base * mults[i];
    return base * 10;
  }

  /* Ticks [[value, label], ...] at a nice step (1, 2, 2.5 or 5 times a power of ten). */
  function linearTicks(lo, hi, maxTicks) {
    var step = niceStep(hi - lo, maxTicks), ticks = [];
    var decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    if (step / Math.pow(10, -decimals) % 1 !== 0) decimals += 1;   // 2.5 steps
    for (var i = Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9 * step; i++) {
      var value = i * step;
      ticks.push([value, (value === 0 ? 0 : value).toFixed(decimals).replace("-", "\u2212")]);
    }
    return ticks;
  }

  /* Whole-number ticks from lo to hi (e.g. steps), at least one. */
  function integerTicks(lo, hi, maxTicks) {
    var step = Math.max(1, Math.round(niceStep(Math.max(hi - lo, 1), maxTicks))), ticks = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push([v, String(v)]);
    if (!ticks.length) ticks.push([lo, String(lo)]);
    return ticks;
  }

  /* Ticks at the powers of ten in [lo, hi]; below 0.01 labelled 1e−3, 1e−4. */
  function logTicks(lo, hi) {
    var ticks = [];
    for (var k = Math.ceil(Math.log10(lo) - 1e-9); k <= Math.floor(Math.log10(hi) + 1e-9); k++) {
      ticks.push([Math.pow(10, k), k < -2 ? "1e\u2212" + -k : String(Number(Math.pow(10, k).toPrecision(1)))]);
    }
    return ticks;
  }

  // ---- panels, axes, legends -------------------------------------------------------

  /* Tick marks and labels along one side of a panel, kept in a pool: a
   * redraw moves and relabels existing elements instead of creating new ones. */
  function tickPool(parent, side, at) {
    var items = [], vertical = side === "left";
    return function (ticks, scale) {
      var i;
      for (i = 0; i < ticks.length; i++) {
        var item = items[i];
        if (!item) {
          item = { line: el("line", {}, parent), pos: null, label: null, hidden: false,
                   text: el("text", vertical
                     ? { x: at - 6, "text-anchor": "end", "dominant-baseline": "middle" }
                     : { y: at + 14, "text-anchor": "middle" }, parent) };
          if (vertical) { item.line.setAttribute("x1", at - 4); item.line.setAttribute("x2", at); }
          else { item.line.setAttribute("y1", at); item.line.setAttribute("y2", at + 4); }
          items.push(item);
        }
        var p = num(scale(ticks[i][0]));
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

  /* An <svg> panel: spec {width, height, margin: {left, right, top, bottom},
   * xLabel, yLabel, role (its data-role), label (its accessible name)}.
   * Parts: .svg; .legend (a group in the top band); .plot (clipped to the
   * plot area); .overlay (not clipped); .area {x0, x1, y0, y1, width, height};
   * .xTicks(ticks, scale) and .yTicks(ticks, scale). */
  function Panel(parent, spec, id) {
    var m = spec.margin, w = spec.width, h = spec.height;
    var area = { x0: m.left, x1: w - m.right, y0: m.top, y1: h - m.bottom };
    area.width = area.x1 - area.x0;
    area.height = area.y1 - area.y0;
    var svg = el("svg", { viewBox: "0 0 " + w + " " + h, class: "lf-svg " + (spec.className || ""),
      role: "group", "aria-label": spec.label, "data-role": spec.role }, parent);
    el("clipPath", { id: id + "-clip" }, svg).appendChild(el("rect", { x: area.x0, y: area.y0,
      width: area.width, height: area.height }));
    el("rect", { x: area.x0, y: area.y0, width: area.width, height: area.height, class: "lf-frame",
      "aria-hidden": "true" }, svg);
    var axes = el("g", { class: "lf-axes", "aria-hidden": "true" }, svg);
    el("text", { x: area.x0 + area.width / 2, y: h - 4, "text-anchor": "middle", class: "lf-axis-label" }, axes)
      .textContent = spec.xLabel;
    var yMid = area.y0 + area.height / 2;
    el("text", { x: 11, y: yMid, "text-anchor": "middle", class: "lf-axis-label",
      transform: "rotate(-90 11 " + yMid + ")" }, axes).textContent = spec.yLabel;
    var plot = el("g", { "clip-path": "url(#" + id + "-clip)", "aria-hidden": "true" }, svg);
    var overlay = el("g", {}, svg);
    var legend = el("g", { class: "lf-legend", "aria-hidden": "true" }, svg);
    return { svg: svg, plot: plot, overlay: overlay, legend: legend, area: area, axes: axes,
             xTicks: tickPool(axes, "bottom", area.y1), yTicks: tickPool(axes, "left", area.x0) };
  }

  /* A legend: rows of entries {label, color, dash ("" solid, "5 3", ...),
   * marker (a shape of markerPath), width}, at columns x + columns[j]. */
  function legend(group, x, y, columns, rows) {
    rows.forEach(function (row, i) {
      var cy = y + i * 15;
      row.forEach(function (entry, j) {
        if (!entry) return;
        var cx = x + columns[j];
        var g = el("g", { class: "lf-legend-entry" }, group);
        if (entry.swatch) {
          el("rect", { x: cx, y: cy - 4.5, width: 20, height: 9, rx: 2, fill: entry.color }, g);
        } else if (entry.color) {
          el("line", { x1: cx, x2: cx + 20, y1: cy, y2: cy, stroke: entry.color, "stroke-width": entry.width || 1.8,
            "stroke-dasharray": entry.dash || "none", class: entry.lineClass || "" }, g);
        }
        if (entry.marker) {
          el("path", { d: markerPath(entry.marker, cx + 10, cy, entry.size || 3.2),
            class: entry.markerClass || "", fill: entry.fill || entry.color || "currentColor",
            stroke: entry.stroke || "none" }, g);
        }
        el("text", { x: cx + 25, y: cy, "dominant-baseline": "middle" }, g).textContent = entry.label;
      });
    });
  }

  // ---- shapes and clipping --------------------------------------------------------

  /* Path data of a marker centred at (x, y) with "radius" r: square, circle,
   * diamond, plus, ring (a circle drawn by stroke), and triangles pointing
   * left, right, down, up (the edge order of clip: 0 left, 1 right, 2 bottom, 3 top). */
  function markerPath(shape, x, y, r) {
    switch (shape) {
      case "square": return "M" + num(x - r) + " " + num(y - r) + "h" + num(2 * r) + "v" + num(2 * r) + "h" + num(-2 * r) + "z";
      case "diamond": return "M" + num(x) + " " + num(y - 1.3 * r) + "l" + num(1.3 * r) + " " + num(1.3 * r) +
        "l" + num(-1.3 * r) + " " + num(1.3 * r) + "l" + num(-1.3 * r) + " " + num(-1.3 * r) + "z";
      case "plus": return "M" + num(x - r) + " " + num(y) + "h" + num(2 * r) + "M" + num(x) + " " + num(y - r) + "v" + num(2 * r);
      case "left": return "M" + num(x) + " " + num(y - r) + "v" + num(2 * r) + "l" + num(-1.6 * r) + " " + num(-r) + "z";
      case "right": return "M" + num(x) + " " + num(y - r) + "v" + num(2 * r) + "l" + num(1.6 * r) + " " + num(-r) + "z";
      case "down": return "M" + num(x - r) + " " + num(y) + "h" + num(2 * r) + "l" + num(-r) + " " + num(1.6 * r) + "z";
      case "up": return "M" + num(x - r) + " " + num(y) + "h" + num(2 * r) + "l" + num(-r) + " " + num(-1.6 * r) + "z";
      default: // circle
        return "M" + num(x - r) + " " + num(y) + "a" + r + " " + r + " 0 1 0 " + num(2 * r) + " 0a" + r + " " + r +
          " 0 1 0 " + num(-2 * r) + " 0z";
    }
  }
  var EXIT_SHAPES = ["left", "right", "down", "up"];

  /* Liang–Barsky: the part [t0, t1] of segment a→b inside box, and the edge
   * (0 left, 1 right, 2 bottom, 3 top) through which it leaves (-1: it ends
   * inside), written into out[0..2]; false when no part is inside. */
  function clipSegment(ax, ay, bx, by, box, out) {
    var dx = bx - ax, dy = by - ay, t0 = 0, t1 = 1, edge = -1, p, q, r;
    for (var i = 0; i < 4; i++) {
      if (i === 0) { p = -dx; q = ax - box[0]; }
      else if (i === 1) { p = dx; q = box[1] - ax; }
      else if (i === 2) { p = -dy; q = ay - box[2]; }
      else { p = dy; q = box[3] - ay; }
      if (p === 0) { if (q < 0) return false; continue; }
      r = q / p;
      if (p < 0) { if (r > t0) t0 = r; } else if (r < t1) { t1 = r; edge = i; }
      if (t0 > t1) return false;
    }
    out[0] = t0; out[1] = t1; out[2] = edge;
    return true;
  }

  function clamp(v, lo, hi) { return v < lo ? lo : v > hi ? hi : v; }

  function inside(x, y, box) { return x >= box[0] && x <= box[1] && y >= box[2] && y <= box[3]; }

  /* Clip the polyline (xs[i], ys[i]), i = 0..last, to box = [xlo, xhi, ylo,
   * yhi] in data units, and draw it through the linear scales sx, sy (from
   * linearScale: their .k and .c map each point inline, so that no number
   * is boxed for the garbage collector on the way). Returns
   * {d: path data of the visible pieces, exits: [[x, y, edge], ...]}: every
   * point (in screen units) where the path leaves the box, and the edge it
   * leaves through. Segments with a non-finite end are skipped, and so are
   * segments between two points outside the box (with crossing: false):
   * a path that has left is drawn again only where it comes back. (The same
   * rule as d2lmini.explorer.clip_path.) */
  var seg = [0, 0, 0];
  function clip(xs, ys, last, box, sx, sy, crossing) {
    var exits = [], penDown = false;   // penDown: the last piece ended at point i
    var kx = sx.k, cx = sx.c, ky = sy.k, cy = sy.c;
    pathBegin();
    for (var i = 0; i < last; i++) {
      var ax = xs[i], ay = ys[i], bx = xs[i + 1], by = ys[i + 1];
      if (!(isFinite(ax) && isFinite(ay) && isFinite(bx) && isFinite(by))) { penDown = false; continue; }
      var aIn = inside(ax, ay, box), bIn = inside(bx, by, box);
      if (aIn && bIn) {                              // the common case: all of it inside
        if (!penDown) pathMove(cx + kx * ax, cy + ky * ay);
        pathLine(cx + kx * bx, cy + ky * by);
        penDown = true;
        continue;
      }
      if ((crossing === false && !aIn && !bIn) || !clipSegment(ax, ay, bx, by, box, seg)) { penDown = false; continue; }
      var t0 = seg[0], t1 = seg[1];
      if (t0 > 0 || !penDown) {
        var p0x = t0 > 0 ? clamp(ax + t0 * (bx - ax), box[0], box[1]) : ax;
        var p0y = t0 > 0 ? clamp(ay + t0 * (by - ay), box[2], box[3]) : ay;
        pathMove(cx + kx * p0x, cy + ky * p0y);
      }
      var p1x = bx, p1y = by;
      if (t1 < 1) {
        p1x = clamp(ax + t1 * (bx - ax), box[0], box[1]); p1y = clamp(ay + t1 * (by - ay), box[2], box[3]);
        exits.push([cx + kx * p1x, cy + ky * p1y, seg[2]]);
      }
      pathLine(cx + kx * p1x, cy + ky * p1y);
      penDown = t1 === 1;
    }
    return { d: pathEnd(), exits: exits };
  }

  // ---- controls ----------------------------------------------------------------------

  /* A row: <div class="lf-control"><label>…</label> input <output/></div>. */
  function controlRow(parent, id, text) {
    var row = tag("div", { class: "lf-control" }, null, parent);
    tag("label", { for: id }, text, row);
    return row;
  }

  /* A labelled range input with a visible value. spec: {parent, id, name,
   * label, min, max, step, value, format(v) for the visible value}. */
  function slider(spec) {
    var row = controlRow(spec.parent, spec.id, spec.label);
    var input = tag("input", { id: spec.id, type: "range", name: spec.name, min: String(spec.min),
      max: String(spec.max), step: String(spec.step), value: String(spec.value) }, null, row);
    var out = tag("output", { for: spec.id, class: "lf-value" }, null, row);
    var format = spec.format || String;
    function show() {
      var text = format(Number(input.value));
      setText(out, text);
      setAttr(input, "aria-valuetext", text);
    }
    show();
    input.addEventListener("input", show);
    return { row: row, input: input, output: out, value: function () { return Number(input.value); },
             set: function (v) { input.value = String(v); show(); }, show: show };
  }

  /* A number box that accepts any value in [min, max] (or, with spec.values,
   * exactly those values): anything else is flagged (aria-invalid, a hint
   * naming the range or the values) and the last valid value is kept;
   * leaving the box puts that value back. */
  function numberBox(spec) {
    var box = tag("input", { id: spec.id, type: "number", name: spec.name, min: String(spec.min),
      max: String(spec.max), step: String(spec.step || "any"), value: String(spec.value), inputmode: "decimal",
      "aria-describedby": spec.id + "-hint", class: "lf-number" }, null, spec.parent);
    var hint = tag("span", { id: spec.id + "-hint", class: "lf-hint", role: "status" }, "", spec.hintParent || spec.parent);
    var valid = Number(spec.value);
    function read() {
      var text = box.value.trim(), v = Number(text);
      var bad = text === "" || !isFinite(v) || v < spec.min || v > spec.max ||
        (spec.values && spec.values.indexOf(v) < 0);
      if (bad) {
        box.setAttribute("aria-invalid", "true");
        setText(hint, spec.what + (spec.values ? " must be one of " + spec.values.map(function (x) { return label(x, 6); })
          .join(", ") : " must be a number from " + label(spec.min, 6) + " to " + label(spec.max, 6)) +
          "; showing " + label(valid, 6) + ".");
        return valid;
      }
      if (box.hasAttribute("aria-invalid")) box.removeAttribute("aria-invalid");
      setText(hint, "");
      valid = v;
      return v;
    }
    box.addEventListener("change", function () {
      if (box.getAttribute("aria-invalid") === "true") { box.value = String(valid); read(); }
    });
    return { input: box, hint: hint, value: read,
             set: function (v) { box.value = String(v); read(); } };
  }

  /* The index of the notch nearest to v on a logarithmic scale. */
  function nearestNotch(notches, v) {
    var best = 0, bestDistance = Infinity;
    for (var i = 0; i < notches.length; i++) {
      var d = Math.abs(Math.log(notches[i]) - Math.log(v));
      if (d < bestDistance) { best = i; bestDistance = d; }
    }
    return best;
  }

  /* A slider through given notches (its value is the notch's index) beside a
   * number box that takes any value in range; ArrowUp and ArrowDown in the
   * box go to the next and previous notch. spec: {parent, id, name (of the
   * box), sliderName, label, notches, value, min, max, what, onInput}. */
  function notchSlider(spec) {
    var notches = spec.notches;
    var row = controlRow(spec.parent, spec.id + "-slider", spec.label);
    var range = tag("input", { id: spec.id + "-slider", type: "range", name: spec.sliderName, min: "0",
      max: String(notches.length - 1), step: "1", value: String(nearestNotch(notches, spec.value)),
      "data-role": spec.role }, null, row);
    var boxLabel = tag("label", { for: spec.id, class: "lf-inline" }, null, row);
    tag("span", { class: "lf-visually-hidden" }, spec.boxLabel + " ", boxLabel);
    boxLabel.appendChild(document.createTextNode(spec.symbol));
    tag("span", { "aria-hidden": "true" }, " =", boxLabel);
    var box = numberBox({ parent: row, id: spec.id, name: spec.name, min: spec.min, max: spec.max,
      value: spec.value, what: spec.what });
    function showSlider(v) {
      range.value = String(nearestNotch(notches, v));
      setAttr(range, "aria-valuetext", spec.symbol + " = " + v);
    }
    showSlider(spec.value);
    range.addEventListener("input", function () {
      box.set(notches[Number(range.value)]);
      showSlider(box.value());
    });
    box.input.addEventListener("input", function () { showSlider(box.value()); });
    box.input.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
      event.preventDefault();
      var v = box.value(), next = null, i;
      if (event.key === "ArrowUp") { for (i = 0; i < notches.length && next === null; i++) if (notches[i] > v) next = notches[i]; }
      else { for (i = notches.length - 1; i >= 0 && next === null; i--) if (notches[i] < v) next = notches[i]; }
      if (next === null) return;
      box.set(next);
      showSlider(next);
      box.input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return { row: row, slider: range, box: box.input, value: box.value,
             set: function (v) { box.set(v); showSlider(v); } };
  }

  /* A slider through a list of values (its value is the index) beside a
   * number box that takes exactly those values; ArrowUp and ArrowDown in the
   * box go to the next and previous value. For figures that step through
   * precomputed settings. spec: {parent, id, name (of the box), sliderName,
   * label, boxLabel, symbol, values, value, what, role}. */
  function gridSlider(spec) {
    var values = spec.values;
    var row = controlRow(spec.parent, spec.id + "-slider", spec.label);
    var range = tag("input", { id: spec.id + "-slider", type: "range", name: spec.sliderName, min: "0",
      max: String(values.length - 1), step: "1", value: String(Math.max(0, values.indexOf(spec.value))),
      "data-role": spec.role || "" }, null, row);
    var boxLabel = tag("label", { for: spec.id, class: "lf-inline" }, null, row);
    tag("span", { class: "lf-visually-hidden" }, spec.boxLabel + " ", boxLabel);
    boxLabel.appendChild(document.createTextNode(spec.symbol));
    tag("span", { "aria-hidden": "true" }, " =", boxLabel);
    var box = numberBox({ parent: row, id: spec.id, name: spec.name, min: values[0], max: values[values.length - 1],
      values: values, value: spec.value, what: spec.what, step: "any" });
    function showSlider(v) {
      range.value = String(Math.max(0, values.indexOf(v)));
      setAttr(range, "aria-valuetext", spec.symbol + " = " + v);
    }
    showSlider(spec.value);
    range.addEventListener("input", function () {
      box.set(values[Number(range.value)]);
      showSlider(box.value());
    });
    box.input.addEventListener("input", function () { showSlider(box.value()); });
    box.input.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
      event.preventDefault();
      var i = values.indexOf(box.value()) + (event.key === "ArrowUp" ? 1 : -1);
      if (i < 0 || i >= values.length) return;
      box.set(values[i]);
      showSlider(values[i]);
      box.input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return { row: row, slider: range, box: box.input, value: box.value,
             set: function (v) { box.set(v); showSlider(box.value()); } };
  }

  // ---- the URL hash ---------------------------------------------------------------

  /* The settings in location.hash ("#eta=2&theta=45"), as {key: text}, or
   * null when the hash is not of that form (e.g. a section's anchor). */
  function readHash() {
    var text = location.hash.replace(/^#/, "");
    if (text.indexOf("=") < 0) return null;
    var out = {};
    text.split("&").forEach(function (pair) {
      var i = pair.indexOf("=");
      if (i > 0) {
        try { out[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1)); } catch (e) { /* skip */ }
      }
    });
    return out;
  }

  function hashText(params) {
    return Object.keys(params).map(function (k) { return k + "=" + params[k]; }).join("&");
  }

  /* Replace the URL's hash with params ({key: text}; null removes it), never
   * adding a history entry. history.replaceState is a round trip to the
   * browser (a millisecond or more, far more when the machine is busy), so it
   * runs in a task of its own right after the redraw, never inside it; the
   * latest settings always win. Chromium ignores more than 200 history
   * updates in 10 seconds, so after HASH_BUDGET writes in HASH_WINDOW ms the
   * writes are spaced HASH_SPACING ms apart (the last one is never lost).
   * now: write at once (Reset). */
  var HASH_WINDOW = 10000, HASH_BUDGET = 100, HASH_SPACING = 250;
  var pending, timer = 0, writes = [];
  function flushHash() {
    timer = 0;
    if (pending === undefined) return;
    var url = location.pathname + location.search + (pending === null ? "" : "#" + hashText(pending));
    pending = undefined;
    if (url !== location.pathname + location.search + location.hash) {
      writes.push(performance.now());
      history.replaceState(history.state, "", url);
    }
  }
  function writeHash(params, now) {
    pending = params;
    if (now) { if (timer) clearTimeout(timer); flushHash(); return; }
    if (timer) return;                                  // the scheduled write takes the latest settings
    var t = performance.now();
    while (writes.length && writes[0] < t - HASH_WINDOW) writes.shift();
    var delay = writes.length < HASH_BUDGET ? 0 : Math.max(0, HASH_SPACING - (t - writes[writes.length - 1]));
    timer = setTimeout(flushHash, delay);
  }

  /* The Reset button and, for the figure that owns the URL hash, the hash:
   * Reset calls toDefaults() and then clears the hash at once; a new hash of
   * settings (the reader edits it, or follows a link on the same page) is
   * passed to fromHash(settings). */
  function resetAndFollowHash(reset, ownsHash, toDefaults, fromHash) {
    reset.addEventListener("click", function () {
      toDefaults();
      if (ownsHash) writeHash(null, true);
    });
    if (!ownsHash) return;
    window.addEventListener("hashchange", function () {
      var settings = readHash();
      if (settings) fromHash(settings);
    });
  }

  // ---- layout isolation ----------------------------------------------------------------

  /* Make root a relayout boundary: contain: strict, with its height kept
   * equal to inner's (all its content) by a ResizeObserver. A redraw inside
   * then lays out the figure alone instead of the whole page around it. The
   * observer's first report sets the height, in the frame that first lays
   * the figure out and before it is painted; measuring here instead would
   * lay out the page while it is still being built. */
  function isolate(root, inner) {
    if (typeof ResizeObserver !== "function") return;
    var fit = function (height) {
      var text = height + "px";
      if (root.style.height !== text) root.style.height = text;
    };
    root.classList.add("lf-isolated");
    new ResizeObserver(function (entries) {
      var entry = entries[entries.length - 1];
      fit(entry.borderBoxSize ? entry.borderBoxSize[0].blockSize : entry.contentRect.height);
    }).observe(inner);
  }

  // ---- registration ------------------------------------------------------------------

  var builders = {};

  /* Build every not yet built <div data-explorer="name"> with build(root, data). */
  function boot(name) {
    var data = (window.LiveFigureData || {})[name];
    var roots = document.querySelectorAll('[data-explorer="' + name + '"]');
    for (var i = 0; i < roots.length; i++) {
      var root = roots[i];
      if (root.getAttribute("data-ready") === "true" || !data) continue;
      root.setAttribute("data-ready", "true");
      var fallback = root.querySelector(".lf-fallback");
      if (fallback) fallback.remove();
      builders[name](root, data, root === document.querySelector("[data-explorer]"));
    }
  }

  /* Register a figure: build(root, data, ownsHash) builds one root. Only the
   * page's first live figure (of any name) owns the URL hash: it starts from
   * the settings there and keeps them up to date; the others leave it alone. */
  function register(name, build) {
    builders[name] = build;
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { boot(name); });
    else boot(name);
  }

  window.LiveFigure = Object.freeze({
    el: el, tag: tag, setText: setText, setAttr: setAttr, newId: newId,
    num: num, formatFixed: formatFixed, formatPoint: formatPoint, numberText: numberText, countText: countText,
    label: label,
    linearScale: linearScale, logScale: logScale, linearTicks: linearTicks, integerTicks: integerTicks,
    logTicks: logTicks, Panel: Panel, legend: legend, markerPath: markerPath, EXIT_SHAPES: EXIT_SHAPES,
    pathBegin: pathBegin, pathMove: pathMove, pathLine: pathLine, pathDot: pathDot, pathEnd: pathEnd,
    clipSegment: clipSegment, clip: clip, clamp: clamp, inside: inside,
    controlRow: controlRow, slider: slider, numberBox: numberBox, notchSlider: notchSlider, nearestNotch: nearestNotch,
    gridSlider: gridSlider,
    readHash: readHash, writeHash: writeHash, hashText: hashText, resetAndFollowHash: resetAndFollowHash,
    isolate: isolate,
    register: register, boot: boot
  });
})();
