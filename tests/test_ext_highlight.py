"""_ext/lean_highlight.py: code without a span per name, bracket and space, drawn as before."""

from __future__ import annotations

import re
import sys

import pytest
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.styles import get_style_by_name
from pygments.token import Name, Punctuation, Text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "_ext"))

import lean_highlight  # noqa: E402

CODE = 'x1, s1 = adagrad_2d(-5.0, eta=0.4)  # one step\nprint("x1 =", len(x1))\n'
# pydata-sphinx-theme's default pair (its theme.conf), which this book keeps
THEME_STYLES = [get_style_by_name("a11y-high-contrast-light"), get_style_by_name("a11y-high-contrast-dark")]


def test_the_themes_styles_draw_names_punctuation_and_spaces_like_plain_text():
    assert lean_highlight.plain_types(*THEME_STYLES) == {Name, Punctuation, Text.Whitespace}


def test_a_token_that_either_style_draws_differently_keeps_its_span():
    github_light = get_style_by_name("github-light")  # names in their own colour
    assert lean_highlight.plain_types(github_light) == {Punctuation, Text.Whitespace}
    assert lean_highlight.plain_types(github_light, *THEME_STYLES) == {Punctuation, Text.Whitespace}
    assert lean_highlight.plain_types(get_style_by_name("rainbow_dash")) == set()  # nothing like plain text


def test_the_lean_formatter_writes_the_same_text_with_fewer_spans():
    plain = lean_highlight.plain_types(*THEME_STYLES)
    full = highlight(CODE, PythonLexer(), HtmlFormatter())
    lean = highlight(CODE, PythonLexer(), lean_highlight.lean_formatter(plain)())
    strip = lambda html: re.sub(r"<[^>]+>", "", html)  # noqa: E731
    assert strip(lean) == strip(full)
    classes = re.findall(r'<span class="([^"]+)">', lean)
    assert not {"n", "p", "w"} & set(classes)
    assert {"mf", "o", "nb", "c1", "s2"} <= set(classes)  # numbers, operators, builtins, comments, strings keep theirs
    assert len(classes) < len(re.findall(r"<span class=", full)) / 2


def test_the_stylesheet_still_styles_every_token():
    plain = lean_highlight.plain_types(*THEME_STYLES)
    lean = lean_highlight.lean_formatter(plain)(style=THEME_STYLES[0]).get_style_defs(".highlight")
    assert lean == HtmlFormatter(style=THEME_STYLES[0]).get_style_defs(".highlight")


def test_the_search_highlighter_walks_a_copy_of_the_children():
    fixed = lean_highlight.fixed_search_highlighter(lean_highlight.SEARCH_HIGHLIGHTER.read_text(encoding="utf-8"))
    assert "Array.from(node.childNodes).forEach(" in fixed and lean_highlight.LIVE_WALK not in fixed


def test_the_search_highlighter_replaces_the_history_entry_only_for_an_address_with_highlight():
    source = lean_highlight.SEARCH_HIGHLIGHTER.read_text(encoding="utf-8")
    fixed = lean_highlight.fixed_search_highlighter(source)
    assert lean_highlight.ADDRESS_CLEAN_UP in source and lean_highlight.ADDRESS_CLEAN_UP not in fixed
    assert fixed.count("window.history.replaceState(") == 1
    guarded = fixed[fixed.index('if (url.searchParams.has("highlight")) {'):]
    assert guarded.index("window.history.replaceState(") < guarded.index("}")


def test_a_changed_search_highlighter_fails_the_build():
    with pytest.raises(RuntimeError, match="has changed"):
        lean_highlight.fixed_search_highlighter("const walk = (node) => [...node.childNodes].map(walk);")
