"""Sphinx extension: a "Run it yourself" line on every chapter, and links to files the build adds.

``make book`` writes two files into the built site beside ``index.html``: the
notebook bundle (``tools/build_bundle.py``) and the PDF (``tools/build_pdf.py``).
Sphinx knows neither, so a Markdown link to them would be a missing
cross-reference. This extension provides

- the role ``{site-file}`\\`text <adagrad-notebooks.zip>\\```, a link to a file at
  the root of the built site, relative to the page it is on;
- under the title of every page except the root, Markdown pages included, a
  line that links the bundle and, on a notebook page, names the page's file
  in it. It is added to the HTML only, so no page source changes.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from docutils import nodes
from sphinx.util.docutils import ReferenceRole

BUNDLE = "adagrad-notebooks.zip"
"""The bundle's file name at the root of the built site (tools/build_bundle.py writes it)."""


def site_uri(docname: str, filename: str) -> str:
    """The relative URI, from the page of ``docname``, of ``filename`` at the root of the site."""
    return "../" * docname.count("/") + filename


class SiteFileRole(ReferenceRole):
    """``{site-file}`text <name>``` links ``name`` at the site's root from any page."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        target = self.target.strip()
        if not target or "/" in target or ":" in target:
            msg = self.inliner.reporter.error(
                f"site-file needs a bare file name at the root of the site, such as {BUNDLE}; got {target!r}",
                line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        uri = site_uri(self.env.docname, target)
        title = self.title if self.has_explicit_title else target
        return [nodes.reference(self.rawtext, title, refuri=uri, classes=["site-file"])], []


def run_line(app: Any, doctree: nodes.document, docname: str) -> None:
    """Put the "Run it yourself" line after the first title of every chapter page (HTML builder only)."""
    if app.builder.name != "html" or docname == app.config.root_doc:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    line = nodes.paragraph(classes=["run-it-yourself"])
    line += nodes.strong(text="Run it yourself: ")
    line += nodes.reference("", "download the notebooks", refuri=site_uri(docname, BUNDLE))
    line += nodes.Text(" (every chapter with its outputs, the d2lmini package and a README)")
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        line += nodes.Text("; this page is ")
        line += nodes.literal(text=f"notebooks/{PurePosixPath(docname).name}.ipynb")
        line += nodes.Text(" in it.")
    else:
        line += nodes.Text(".")
    section.insert(1, line)


def setup(app: Any) -> dict[str, Any]:
    app.add_role("site-file", SiteFileRole())
    app.connect("doctree-resolved", run_line)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

