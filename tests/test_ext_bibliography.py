"""_ext/bib_author_year.py: bibliography labels that read like the author-year citations."""

from __future__ import annotations

import sys
from pathlib import Path

import pybtex.plugin
from pybtex.database import parse_string

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "_ext"))

import bib_author_year  # noqa: E402

BIB = r"""
@article{one, author = {Duchi, John}, title = {Alone}, journal = {J}, year = {2011}}
@article{two, author = {Alpaydin, E. and Kaynak, C.}, title = {Digits}, journal = {J}, year = {1998}}
@article{three, author = {Duchi, John and Hazan, Elad and Singer, Yoram}, title = {Adaptive}, journal = {J}, year = {2011}}
@book{edited, editor = {van der Berg, Anna}, title = {Edited}, journal = {J}, year = {2000}}
@misc{nobody, title = {Anonymous Notes}}
@article{accents, author = {{\"O}zt{\"u}rk, Ay{\c{s}}e}, title = {Accents}, journal = {J}, year = {2020}}
@article{three2, author = {Duchi, John and Other, A. and Third, B.}, title = {Another}, journal = {J}, year = {2011}}
"""


def _entries():
    return parse_string(BIB, "bibtex").entries


def test_labels_read_like_the_citations():
    entries = _entries()
    label = bib_author_year.author_year
    assert label(entries["one"]) == "Duchi, 2011"
    assert label(entries["two"]) == "Alpaydin and Kaynak, 1998"
    assert label(entries["three"]) == "Duchi et al., 2011"
    assert label(entries["edited"]) == "van der Berg, 2000"
    assert label(entries["nobody"]) == "Anonymous Notes, n.d."
    assert label(entries["accents"]) == "Öztürk, 2020"


def test_equal_labels_get_letters():
    entries = _entries()
    labels = list(bib_author_year.AuthorYearLabelStyle().format_labels([entries["three"], entries["two"], entries["three2"]]))
    assert labels == ["Duchi et al., 2011a", "Alpaydin and Kaynak, 1998", "Duchi et al., 2011b"]


def test_the_style_is_registered_and_sorts_by_author_then_year():
    bib_author_year.setup(app=None)
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "authoryear")()
    entries = _entries()
    formatted = list(style.format_entries([entries["three"], entries["two"], entries["one"]]))
    assert [e.label for e in formatted] == ["Alpaydin and Kaynak, 1998", "Duchi, 2011", "Duchi et al., 2011"]
