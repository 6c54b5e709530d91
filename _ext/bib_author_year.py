"""Sphinx extension: an author-year bibliography that reads like the citations.

The book cites with sphinxcontrib-bibtex's ``author_year`` reference style
("Duchi et al., 2011"). pybtex's label styles are ``alpha`` ([DHS11]) and
``number`` ([1]), so this registers a pybtex formatting style ``authoryear``
(set as ``bibtex_default_style``): pybtex's ``unsrt`` entries, labelled
author-year the way the citations are written, sorted by author, year and
title. Labels are

* ``Last, YEAR`` for one author (or editor), ``Last and Last, YEAR`` for two,
  ``Last et al., YEAR`` for three or more, the title if there is nobody;
* ``n.d.`` for a missing year, and ``2011a``, ``2011b``, ... when two entries
  would otherwise share a label.
"""

from __future__ import annotations

import string
from collections import Counter
from typing import Any, Iterable, Iterator

import pybtex.plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle


def _plain(latex: str) -> str:
    return Text.from_latex(latex).render_as("text")


def _last_names(entry: Any) -> list[str]:
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    return [_plain(" ".join(person.prelast_names + person.last_names)) for person in persons]


def author_year(entry: Any) -> str:
    """``Duchi et al., 2011`` for Duchi, Hazan and Singer's 2011 paper."""
    names = _last_names(entry)
    if not names:
        who = _plain(entry.fields.get("title", entry.key))
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {_plain(entry.fields.get('year', 'n.d.'))}"


class AuthorYearLabelStyle(BaseLabelStyle):
    """pybtex label style: author-year labels, with a, b, ... where two would be equal."""

    def format_labels(self, sorted_entries: Iterable[Any]) -> Iterator[str]:
        labels = [author_year(entry) for entry in sorted_entries]
        repeated = {label for label, count in Counter(labels).items() if count > 1}
        seen: Counter = Counter()
        for label in labels:
            if label in repeated:
                yield label + string.ascii_lowercase[seen[label]]
                seen[label] += 1
            else:
                yield label


class AuthorYearStyle(UnsrtStyle):
    """pybtex formatting style ``authoryear``: unsrt entries, author-year labels and order."""

    default_label_style = AuthorYearLabelStyle
    default_sorting_style = "author_year_title"


def setup(app: Any) -> dict[str, Any]:
    pybtex.plugin.register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle, force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
