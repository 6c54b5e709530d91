/*
 * The benchmark's peer for the web explorer: the same two panels and final
 * points, redrawn the way many small page explorers are written, by
 * rebuilding the markup from strings (innerHTML) on every change. It uses
 * the explorer's own numbers (window.AdagradExplorer.run) and the shared
 * clipping and tick helpers, so only the way of redrawing differs.
 * Loaded by benchmarks/explorer_latency.py only; not part of the book.
 */
(function () {
  "use strict";
  var LF = window.LiveFigure;

  window.ExplorerPeer = function (container, C) {
    var W = 330, H = 286.5, L = 40, T = 40, PW = 278, PH = 208.5;
    var RW = 250, RL = 52, RPW = 184;

    return function render(s) {
      var runs = window.AdagradExplorer.run(s), box = window.AdagradExplorer.viewBox(s.start);
      var k = PW / (box[1] - box[0]);
      var sx = LF.linearScale(box[0], box[1], L, L + (box[1] - box[0]) * k);
      var sy = LF.linearScale(box[3], box[2], T, T + (box[3] - box[2]) * k);
      var out = ['<svg viewBox="0 0 ' + W + " " + H + '" class="lf-svg" style="width:57%;display:inline-block">'];
      out.push('<rect x="' + L + '" y="' + T + '" width="' + PW + '" height="' + PH + '" fill="none" stroke="#57606a"/>');
      var c = C.COS_SIN[Math.round(s.theta)];
      var f0 = C.A * Math.pow(c[0] * s.start[0] + c[1] * s.start[1], 2) + C.B * Math.pow(-c[1] * s.start[0] + c[0] * s.start[1], 2);
      out.push('<g transform="matrix(' + [k, 0, 0, -k, L - box[0] * k, T + box[3] * k].join(" ") + ') rotate(' + s.theta + ')">');
      for (var i = 0; i < C.CONTOUR_COUNT; i++) {
        var level = f0 * Math.pow(4, 3 - i);
        out.push('<ellipse rx="' + Math.sqrt(level / C.A) + '" ry="' + Math.sqrt(level / C.B) +
          '" fill="none" stroke="#B8B8B8" vector-effect="non-scaling-stroke"/>');
      }
      out.push("</g>");
      LF.linearTicks(box[0], box[1], 7).forEach(function (t) {
        out.push('<text x="' + LF.num(sx(t[0])) + '" y="' + (T + PH + 14) + '" text-anchor="middle">' + t[1] + "</text>");
      });
      LF.linearTicks(box[2], box[3], 6).forEach(function (t) {
        out.push('<text x="' + (L - 6) + '" y="' + LF.num(sy(t[0])) + '" text-anchor="end">' + t[1] + "</text>");
      });
      var finals = [];
      C.METHODS.forEach(function (m) {
        if (s.show.indexOf(m) < 0) return;
        var r = runs[m], clipped = LF.clip(r.x1, r.x2, s.steps, box, sx, sy, false);
        out.push('<path d="' + clipped.d + '" fill="none" stroke="' + C.COLORS[m] + '"/>');
        for (var j = 1; j <= s.steps; j++) {
          if (LF.inside(r.x1[j], r.x2[j], box)) {
            out.push('<circle cx="' + LF.num(sx(r.x1[j])) + '" cy="' + LF.num(sy(r.x2[j])) + '" r="2.8" fill="' + C.COLORS[m] + '"/>');
          }
        }
        finals.push("<p>" + C.METHOD_LABELS[m] + ": <code>" + LF.formatPoint(r.x1[s.steps], r.x2[s.steps]) + "</code></p>");
      });
      out.push("</svg>");
      // the rate panel
      out.push('<svg viewBox="0 0 ' + RW + " " + H + '" class="lf-svg" style="width:42%;display:inline-block">');
      var ly = function (v) { return T + (Math.log10(C.RATE_RANGE[1]) - Math.log10(v)) / 6 * PH; };
      var rx = function (t) { return RL + (t - 0.5) / s.steps * RPW; };
      LF.logTicks(C.RATE_RANGE[0], C.RATE_RANGE[1]).forEach(function (t) {
        out.push('<text x="' + (RL - 6) + '" y="' + LF.num(ly(t[0])) + '" text-anchor="end">' + t[1] + "</text>");
      });
      C.ADAPTIVE_METHODS.forEach(function (m) {
        if (s.show.indexOf(m) < 0) return;
        [runs[m].s1, runs[m].s2].forEach(function (acc, i) {
          var d = [];
          for (var t = 1; t <= s.steps; t++) d.push((t === 1 ? "M" : "L") + LF.num(rx(t)) + " " + LF.num(ly(s.eta / Math.sqrt(acc[t] + C.EPS))));
          out.push('<path d="' + d.join("") + '" fill="none" stroke="' + C.COLORS[m] + '"' + (i ? ' stroke-dasharray="6 4"' : "") + "/>");
        });
      });
      out.push("</svg>");
      container.innerHTML = out.join("") + finals.join("");
    };
  };
})();
