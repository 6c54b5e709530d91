"""Sphinx extension: give bibliography entries an ARIA role that fits their list.

docutils writes the citations of a bibliography as ``<div role="list">`` with
children of role ``doc-biblioentry``. That role is deprecated in ARIA 1.2 and
is not a list item, so accessibility checkers (axe-core: aria-required-children,
critical) report the list as broken. This rewrites the children's role to
``listitem`` in each page's HTML body.
"""

from __future__ import annotations

from typing import Any


def use_listitem_role(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", use_listitem_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
