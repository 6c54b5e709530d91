"""Sphinx extension: the single-page build that ``make pdf`` prints (tools/build_pdf.py).

Sphinx's ``singlehtml`` builder inlines every chapter where the root page's
table of contents stood, so the chapters end up inside the landing page's
"Reading order" section, their titles three levels down. For a book that is
printed this extension

- puts a list of the chapters (linked to them, under the toctree captions)
  where each table of contents stood, and moves the chapters themselves to
  the top level after the landing page, so each title is an ``<h1>`` that
  starts a new page and an entry of the PDF's outline;
- gives the ``singlehtml`` builder the node handlers that extensions registered
  for ``html`` only (sphinx-jupyterbook-latex's hidden-cell node otherwise
  stops the build).

Nothing changes for the other builders.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes


def share_html_handlers(app: Any) -> None:
    """Give the singlehtml builder the node handlers registered for html."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for name, pair in handlers.get("html", {}).items():
        single.setdefault(name, pair)


def _chapter_entry(start: addnodes.start_of_file) -> nodes.list_item | None:
    """A list item linking the first section of one inlined chapter."""
    section = next(iter(start.findall(nodes.section)), None)
    if section is None or not section["ids"] or not isinstance(section[0], nodes.title):
        return None
    reference = nodes.reference("", "", internal=True, refuri=f"#{section['ids'][0]}")
    reference += nodes.Text(section[0].astext())
    return nodes.list_item("", nodes.paragraph("", "", reference), classes=["book-toc-entry"])


def _captions(app: Any) -> dict[str, str]:
    """{first document of a toctree: its caption} from _toc.yml (sphinx-external-toc's site map)."""
    sitemap = getattr(app.config, "external_site_map", None)
    if sitemap is None:
        return {}
    return {tree.items[0]: tree.caption for tree in sitemap.root.subtrees if tree.items and tree.caption}


def chapters_to_top_level(app: Any, doctree: nodes.document, docname: str) -> None:
    """Replace each inlined toctree by a linked list of its chapters; move the chapters to the top level."""
    if app.builder.name != "singlehtml" or docname != app.config.root_doc:
        return
    chapters: list[nodes.Node] = []
    captions = _captions(app)
    for wrapper in list(doctree.findall(nodes.compound)):
        if "toctree-wrapper" not in wrapper["classes"]:
            continue
        starts = [child for child in wrapper.children if isinstance(child, addnodes.start_of_file)]
        if not starts:
            continue
        listing = nodes.container(classes=["book-toc"])
        first = next((start["docname"] for start in starts), None)
        caption = captions.get(first)
        if caption:
            listing += nodes.paragraph("", caption, classes=["book-toc-caption"])
        items = nodes.bullet_list()
        for start in starts:
            entry = _chapter_entry(start)
            if entry is not None:
                items += entry
            wrapper.remove(start)
            chapters.append(start)
        listing += items
        wrapper.replace_self(listing)
    doctree.extend(chapters)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", share_html_handlers)
    app.connect("doctree-resolved", chapters_to_top_level)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
