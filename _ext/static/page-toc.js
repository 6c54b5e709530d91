/* The page contents (right-hand sidebar) highlight the section being read.
 *
 * The section being read is the last one whose top (its heading) has scrolled
 * above the reading line, a third of the way down the window. That is recomputed at
 * every scroll, resize and change of the article's size (a solution opened or
 * closed), so a heading that a long jump skips over, or a long section read
 * upwards, is still named correctly. At the very end of the page, where the
 * last headings cannot scroll up to the line, a heading the reader jumped to
 * from a link stays highlighted while it is on screen.
 *
 * It replaces the theme's highlighting, which only reacts to headings crossing
 * the top of the window; _templates/book-page-toc.html gives the contents an
 * id of their own so that the theme's code leaves them alone. Loaded with
 * `defer` by _ext/lean_theme.py.
 */
(function () {
  "use strict";

  var READING_LINE = 1 / 3; // of the window's height, from its top

  function setup() {
    var nav = document.getElementById("book-page-toc-nav");
    if (!nav) return;
    var entries = [];
    nav.querySelectorAll("a[href^='#']").forEach(function (link) {
      // The section itself, not its heading: book.css lets the browser skip
      // laying out sections off screen, and the section's own box is always there.
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (target) entries.push({link: link, heading: target});
    });
    if (!entries.length) return;

    var active = null;
    var followed = null;

    function activate(entry) {
      if (entry === active) return;
      active = entry;
      entries.forEach(function (e) {
        e.link.classList.toggle("active", e === entry);
        if (e === entry) e.link.setAttribute("aria-current", "true");
        else e.link.removeAttribute("aria-current");
      });
      nav.querySelectorAll(".toc-entry").forEach(function (item) {
        item.classList.toggle("active", entry !== null && item.contains(entry.link));
      });
    }

    function onScreen(element) {
      var box = element.getBoundingClientRect();
      return box.bottom > 0 && box.top < window.innerHeight;
    }

    function beingRead() {
      var line = window.innerHeight * READING_LINE;
      var found = null;
      for (var i = 0; i < entries.length; i++) {
        if (entries[i].heading.getBoundingClientRect().top > line) break;
        found = entries[i];
      }
      var page = document.scrollingElement || document.documentElement;
      var atEnd = window.scrollY + window.innerHeight >= page.scrollHeight - 2;
      if (atEnd && followed && onScreen(followed.heading)
          && entries.indexOf(followed) > entries.indexOf(found)) {
        return followed;
      }
      return found;
    }

    var queued = false;
    function update() {
      if (queued) return;
      queued = true;
      window.requestAnimationFrame(function () {
        queued = false;
        activate(beingRead());
      });
    }

    function follow(hash) {
      for (var i = 0; i < entries.length; i++) {
        if (entries[i].link.hash === hash) followed = entries[i];
      }
      update();
    }

    window.addEventListener("scroll", update, {passive: true});
    window.addEventListener("resize", update);
    window.addEventListener("hashchange", function () { follow(window.location.hash); });
    nav.addEventListener("click", function (event) {
      var link = event.target.closest("a");
      if (link) follow(link.hash);
    });
    if (window.ResizeObserver) {
      new ResizeObserver(update).observe(document.querySelector("article") || document.body);
    }
    if (window.location.hash) follow(window.location.hash);
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
