/* A display equation wider than its box scrolls inside the box (book.css);
 * this marks the sides that have more of the equation to scroll to, as
 * data-scroll="left", "right" or "left right", and book.css shades those
 * edges, so a reader sees that the equation goes on. Boxes are re-marked when
 * they are scrolled or resized, or when a font arrives. Without JavaScript the
 * box still scrolls. Loaded with `defer` by _ext/lean_theme.py.
 */
(function () {
  "use strict";

  var SELECTOR = ".katex-display > .katex > .katex-html";

  function mark(box) {
    var room = box.scrollWidth - box.clientWidth;
    var sides = [];
    if (room > 1) {
      if (box.scrollLeft > 1) sides.push("left");
      if (box.scrollLeft < room - 1) sides.push("right");
    }
    if (sides.length) box.setAttribute("data-scroll", sides.join(" "));
    else box.removeAttribute("data-scroll");
  }

  function setup() {
    var boxes = document.querySelectorAll(SELECTOR);
    if (!boxes.length || !window.ResizeObserver) return;
    // A new observation reports each box once, as soon as it is laid out.
    var resized = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { mark(entry.target); });
    });
    boxes.forEach(function (box) {
      box.addEventListener("scroll", function () { mark(box); }, {passive: true});
      resized.observe(box);
    });
    if (document.fonts) {
      document.fonts.addEventListener("loadingdone", function () {
        boxes.forEach(function (box) { if (box.hasAttribute("data-scroll") || box.clientWidth) mark(box); });
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
