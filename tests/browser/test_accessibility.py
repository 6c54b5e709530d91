"""axe-core (via axe-playwright-python) on every built page: no serious or critical WCAG 2 A/AA violation.

Every page is audited as a reader first opens it (light mode); a few are also
audited in dark mode, and the bibliography with an entry shown by a citation
link (highlighted), so that the book's own colours are checked in both modes.
"""

from __future__ import annotations

import json

import pytest

from test_crawl import built_pages

pytestmark = pytest.mark.site_audit  # make audit: every page, cold

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def _describe(violation: dict) -> str:
    targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
    return f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"


TARGET = "chapters/bibliography.html#cite-duchi-hazan-singer-2011"
# (page, colour mode) audited besides every page in light mode
EXTRA = [(TARGET, "light"), (TARGET, "dark"), ("chapters/exercises.html", "dark"), ("chapters/algorithm.html", "dark")]


@pytest.fixture(scope="module")
def audits(browser, server, book_dir, artifacts):
    """axe results for every page, and for EXTRA, recorded in tests/artifacts/axe.json."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = {}
    for mode in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # The theme reads the reader's choice from localStorage before it draws the page.
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        targets = [rel for rel in built_pages(book_dir)] if mode == "light" else []
        targets += [rel for rel, m in EXTRA if m == mode]
        try:
            for rel in targets:
                page = context.new_page()
                page.goto(server + rel, wait_until="load")
                page.wait_for_load_state("networkidle")
                assert page.evaluate("document.documentElement.dataset.theme") == mode, rel
                key = rel if (mode == "light" and "#" not in rel) else f"{rel} ({mode})"
                results[key] = axe.run(page, options=options).response["violations"]
                page.close()
        finally:
            context.close()
    (artifacts / "axe.json").write_text(json.dumps(results, indent=1))
    return results


def test_every_page_was_audited(audits, book_dir):
    assert set(built_pages(book_dir)) <= set(audits)
    assert len(audits) == len(built_pages(book_dir)) + len(EXTRA)
    assert "chapters/algorithm.html" in audits and f"{TARGET} (dark)" in audits


def test_no_serious_or_critical_wcag_violations(audits):
    problems = {
        page: [_describe(v) for v in violations if v["impact"] in BLOCKING]
        for page, violations in audits.items()
    }
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
