/* A block that scrolls (code, printed output, a wide table) gets a tab stop,
 * so that a keyboard can scroll it; one that fits gets none (tabindex -1).
 * That is the theme's rule, but the theme measures every block at once when
 * the page has loaded, which lays out the whole page, including what the
 * browser would skip until the reader gets near it (book.css). Here a block is
 * measured when the browser lays it out, and again when its size changes
 * (a ResizeObserver) or when it comes near the viewport. _ext/lean_theme.py takes the theme's pass out and
 * loads this with `defer`.
 */
(function () {
  "use strict";

  var SELECTOR = ["pre", ".nboutput > .output_area", ".cell_output > .output",
                  ".jp-RenderedHTMLCommon", ".pst-scrollable-table-container"].join(", ");

  /* False while the browser skips the box's layout (content-visibility): its
   * sizes then say nothing; it is marked when it is laid out. */
  function laidOut(box) {
    return !box.checkVisibility || box.checkVisibility({contentVisibilityAuto: true});
  }

  function mark(box) {
    if (!laidOut(box)) return;
    var stop = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight ? 0 : -1;
    if (box.tabIndex !== stop || !box.hasAttribute("tabindex")) box.tabIndex = stop;
  }

  function setup() {
    var boxes = document.querySelectorAll(SELECTOR);
    if (!window.ResizeObserver) { boxes.forEach(mark); return; }
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { mark(entry.target); });
    });
    boxes.forEach(function (box) { observer.observe(box); });
    // A skipped box that comes near the viewport is laid out without changing
    // size (its height was kept), so no resize reports it: mark it then.
    document.addEventListener("contentvisibilityautostatechange", function (event) {
      if (event.skipped) return;
      if (event.target.matches(SELECTOR)) mark(event.target);
      event.target.querySelectorAll(SELECTOR).forEach(mark);
    }, true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
