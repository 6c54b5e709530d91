/*
 * The benchmark's peers for the preconditioning and sparse-features figures:
 * the same panels and numbers, redrawn the way many small page figures are
 * written, by rebuilding their markup from strings (innerHTML) on every
 * change. They use the figures' own numbers (window.PreconditioningFigure.
 * analyse, window.LiveFigureData.sparse) and the shared helpers, so only the
 * way of redrawing differs. Loaded by benchmarks/live_figures_latency.py
 * only; not part of the book.
 */
(function () {
  "use strict";
  var LF = window.LiveFigure;

  function n(v) { return LF.num(v); }

  window.PreconditioningPeer = function (container, C) {
    return function render(s) {
      var a = window.PreconditioningFigure.analyse(s.theta, s.kappa), out = [];
      out.push("<p>\u03ba(H) = <b>" + LF.formatFixed(a.kappaBefore, 2) + "</b> after Jacobi scaling <b>" +
        LF.formatFixed(a.kappaJacobi, 2) + "</b></p>");
      // level sets
      out.push('<svg viewBox="0 0 250 262" class="lf-svg" style="width:36%;display:inline-block"><rect x="8" y="40" ' +
        'width="234" height="214" fill="none" stroke="#57606a"/>');
      [["before", s.theta, 1 / Math.sqrt(a.kappaBefore), "#666666"],
       ["after", a.rho < 0 ? 45 : a.rho > 0 ? -45 : 0, 1 / Math.sqrt(a.kappaJacobi), "#0072B2"]].forEach(function (f) {
        out.push('<g transform="translate(125 147) rotate(' + n(-f[1]) + ')">');
        C.LEVELS.forEach(function (level) {
          var major = 98 * level / C.LEVELS[C.LEVELS.length - 1];
          out.push('<ellipse rx="' + n(major) + '" ry="' + n(major * f[2]) + '" fill="none" stroke="' + f[3] + '"/>');
        });
        out.push("</g>");
      });
      out.push("</svg>");
      // discs before and after, with eigenvalues and ticks
      [[a.centersBefore, a.radiiBefore, a.eigenvaluesBefore, null], [a.centersAfter, a.radiiAfter, a.eigenvaluesAfter, C.SCALED_VIEW]]
        .forEach(function (d) {
          var f = C.DISC_VIEW_FACTORS, lam1 = C.SMALL_EIGENVALUE, delta = lam1 * s.kappa - lam1;
          var view = d[3] || [Math.min(0, lam1 - f[0] * delta), Math.max(2 * lam1, lam1 + f[1] * delta)];
          var x = LF.linearScale(view[0], view[1], 46, 336);
          out.push('<svg viewBox="0 0 350 100" class="lf-svg" style="width:60%;display:block">');
          for (var j = 0; j < 2; j++) {
            out.push('<rect x="' + n(x(d[0][j] - d[1][j])) + '" y="' + (40 + 20 * j) + '" width="' + n(x(d[0][j] + d[1][j]) - x(d[0][j] - d[1][j])) +
              '" height="10" data-center="' + d[0][j] + '" data-radius="' + d[1][j] + '" fill="#999"/>');
            out.push('<line x1="' + n(x(d[2][j])) + '" x2="' + n(x(d[2][j])) + '" y1="26" y2="76" stroke="black"/>');
          }
          LF.linearTicks(view[0], view[1], 6).forEach(function (t) {
            out.push('<text x="' + n(x(t[0])) + '" y="92" text-anchor="middle">' + t[1] + "</text>");
          });
          out.push("</svg>");
        });
      // κ after scaling against θ
      var cx = LF.linearScale(0, 180, 46, 336), cy = LF.logScale(1, 100, 104, 24), d = [];
      for (var t = 0; t <= 180; t++) d.push((t ? "L" : "M") + n(cx(t)) + " " + n(cy(window.PreconditioningFigure.analyse(t, s.kappa).kappaJacobi)));
      out.push('<svg viewBox="0 0 350 140" class="lf-svg" style="width:60%;display:block"><path d="' + d.join("") +
        '" fill="none" stroke="#0072B2"/><circle cx="' + n(cx(s.theta)) + '" cy="' + n(cy(a.kappaJacobi)) + '" r="4.5"/></svg>');
      container.innerHTML = out.join("");
    };
  };

  window.SparsePeer = function (container, C) {
    var sx = LF.logScale(C.FREQUENCY_VIEW[0], C.FREQUENCY_VIEW[1], 46, 350);
    var sy = LF.logScale(C.ERROR_VIEW[0], C.ERROR_VIEW[1], 252, 52);
    return function render(s) {
      var i = C.EXPONENTS.indexOf(s.exponent), p = C.POINTS[i][C.BACKGROUNDS.indexOf(s.background)][C.NOISES.indexOf(s.noise)];
      var out = ['<svg viewBox="0 0 360 290" class="lf-svg" style="width:60%;display:block">'];
      LF.logTicks(C.FREQUENCY_VIEW[0], C.FREQUENCY_VIEW[1]).forEach(function (t) {
        out.push('<text x="' + n(sx(t[0])) + '" y="266" text-anchor="middle">' + t[1] + "</text>");
      });
      C.METHODS.forEach(function (m) {
        var q = p.log_errors[m];
        for (var k = 0; k < q.length; k++) {
          var f = C.COUNTS[i][k] / C.N, err = Math.pow(10, q[k] / C.LOG_SCALE);
          if (f > 0 && err >= C.ERROR_VIEW[0]) {
            out.push('<circle cx="' + n(sx(f)) + '" cy="' + n(sy(err)) + '" r="2" fill="' + C.COLORS[m] + '" fill-opacity="0.45"/>');
          }
        }
        out.push('<path d="' + p.bins[m].map(function (q, j) { return (j ? "L" : "M") + n(sx(q[0])) + " " + n(sy(q[1])); }).join("") +
          '" fill="none" stroke="' + C.COLORS[m] + '"/>');
      });
      out.push("</svg><table>");
      C.METHODS.forEach(function (m) {
        out.push("<tr><th>" + C.ROW_NAMES[m] + "</th><td>" + LF.formatFixed(p.eta0[m], 2) + "</td>");
        C.BUCKETS.forEach(function (b) {
          out.push('<td data-value="' + p.buckets[m][b] + '">' + LF.formatFixed(p.buckets[m][b], 4) + "</td>");
        });
        out.push("</tr>");
      });
      container.innerHTML = out.join("") + "</table>";
    };
  };
})();
