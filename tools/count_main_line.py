"""Count the words of each page's main line in the built book.

    python tools/count_main_line.py [_build/html]

The main line is what a reader meets without opening anything: the prose of
the article, without code, outputs, math, folded blocks (dropdowns, toggles,
hidden cells, solutions) and figure captions. Prints one line per chapter
page and the total.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

PAGES = ("sparse-features", "preconditioning", "algorithm", "from-scratch", "concise", "pytorch",
         "summary", "exercises")
LEFT_OUT = (
    "div.cell_input", "div.cell_output", "pre", "div.highlight",  # code and outputs
    "div.math", "span.math", ".katex", ".katex-display", "math", "mjx-container",  # math
    "details", ".dropdown", ".toggle", ".solution", ".toggle-hidden",  # folded blocks
    "figcaption", "div.caption", "script", "style", ".headerlink", "noscript",
    "[data-explorer]", ".run-it-yourself",  # the link to the notebook bundle (_ext/run_it_yourself.py)
)
WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,]*", re.UNICODE)


def main_line_words(html: str) -> int:
    """Words of the article's main line in one built page."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article") or soup.body
    for selector in LEFT_OUT:
        for node in article.select(selector):
            node.decompose()
    return len(WORD.findall(article.get_text(" ")))


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else "_build/html") / "chapters"
    total = 0
    for name in PAGES:
        path = root / f"{name}.html"
        if not path.is_file():
            print(f"{name:16} (not built)")
            continue
        words = main_line_words(path.read_text(encoding="utf-8"))
        total += words
        print(f"{name:16} {words:6d}")
    print(f"{'total':16} {total:6d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
