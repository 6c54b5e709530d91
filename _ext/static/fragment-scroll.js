/* A link to a section (page.html#section) lands on the section's heading.
 *
 * The browser scrolls to the section as soon as it is parsed. Later, the
 * page's scripts still change heights above it: live figures replace their
 * picture with the figure and its controls, and folded blocks close. The
 * section then sits far from the top of the window, on some pages below it.
 * So, until the reader scrolls, types or clicks, or for at most
 * SETTLE_MS after the load event, every change of the article's size scrolls
 * the section back to where the link put it (the theme's scroll margin below
 * the header). Loaded with `defer` by _ext/lean_theme.py.
 */
(function () {
  "use strict";

  var SETTLE_MS = 3000;

  var id = decodeURIComponent(location.hash.slice(1));
  var target = id && document.getElementById(id);
  var article = document.querySelector("article") || document.body;
  if (!target || typeof ResizeObserver === "undefined") return;

  var observer = new ResizeObserver(function () {
    target.scrollIntoView({block: "start"});
  });
  var events = ["wheel", "touchstart", "keydown", "mousedown"];
  function stop() {
    observer.disconnect();
    events.forEach(function (type) { removeEventListener(type, stop, true); });
  }
  events.forEach(function (type) { addEventListener(type, stop, {capture: true, passive: true}); });
  addEventListener("load", function () { setTimeout(stop, SETTLE_MS); });
  observer.observe(article);
})();
