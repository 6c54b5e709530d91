/* A display equation wider than its box scrolls inside the box (book.css);
 * this marks the sides that have more of the equation to scroll to, as
 * data-scroll="left", "right" or "left right", and book.css shades those
 * edges, so a reader sees that the equation goes on. Boxes are re-marked when
 * they are scrolled or resized, when a font arrives, or when the browser first
 * lays out one it skipped (content-visibility, book.css). Without JavaScript the
 * box still scrolls. Loaded with `defer` by _ext/lean_theme.py.
 */
(function () {
  "use strict";

  var SELECTOR = ".katex-display > .katex > .katex-html";

  /* The sides of box with more equation to scroll to: "", "left", "right" or "left right". */
  function sides(box) {
    var room = box.scrollWidth - box.clientWidth, out = [];
    if (room > 1) {
      if (box.scrollLeft > 1) out.push("left");
      if (box.scrollLeft < room - 1) out.push("right");
    }
    return out.join(" ");
  }

  /* False while the browser skips the box's layout (content-visibility,
   * book.css): its sizes then say nothing; it is marked when it is laid out. */
  function laidOut(box) {
    return !box.checkVisibility || box.checkVisibility({contentVisibilityAuto: true});
  }

  /* Mark every box: all sizes are read first, then every mark is written,
   * so the page is laid out once, not again after each mark. */
  function mark(boxes) {
    boxes = boxes.filter(laidOut);
    var marks = boxes.map(sides);
    boxes.forEach(function (box, i) {
      if (marks[i]) { if (box.getAttribute("data-scroll") !== marks[i]) box.setAttribute("data-scroll", marks[i]); }
      else if (box.hasAttribute("data-scroll")) box.removeAttribute("data-scroll");
    });
  }

  function setup() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(SELECTOR));
    if (!boxes.length || !window.ResizeObserver) return;
    // A new observation reports each box once, as soon as it is laid out.
    var resized = new ResizeObserver(function (entries) {
      mark(entries.map(function (entry) { return entry.target; }));
    });
    boxes.forEach(function (box) {
      box.addEventListener("scroll", function () { mark([box]); }, {passive: true});
      resized.observe(box);
    });
    // A skipped equation that comes near the viewport is laid out, maybe
    // without changing size: mark it then.
    document.addEventListener("contentvisibilityautostatechange", function (event) {
      if (!event.skipped) mark(Array.prototype.slice.call(event.target.querySelectorAll(SELECTOR)));
    }, true);
    if (document.fonts) {
      // (mark measures only the boxes that are laid out: asking any other for
      // its width would lay it out now)
      document.fonts.addEventListener("loadingdone", function () { mark(boxes); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
