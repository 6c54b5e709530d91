"""axe-core (via axe-playwright-python) on every built page: no serious or critical WCAG 2 A/AA violation."""

from __future__ import annotations

import json

import pytest

from test_crawl import built_pages

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def _describe(violation: dict) -> str:
    targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
    return f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"


@pytest.fixture(scope="module")
def audits(browser, server, book_dir, artifacts):
    """axe results for every page, recorded in tests/artifacts/axe.json."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    results = {}
    try:
        for rel in built_pages(book_dir):
            page = context.new_page()
            page.goto(server + rel, wait_until="load")
            page.wait_for_load_state("networkidle")
            # MathJax typesets after load; audit the page the reader sees.
            page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise",
                                   timeout=10_000)
            page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
            results[rel] = axe.run(page, options=options).response["violations"]
            page.close()
    finally:
        context.close()
    (artifacts / "axe.json").write_text(json.dumps(results, indent=1))
    return results


def test_every_page_was_audited(audits, book_dir):
    assert sorted(audits) == built_pages(book_dir)
    assert "chapters/algorithm.html" in audits


def test_no_serious_or_critical_wcag_violations(audits):
    problems = {
        page: [_describe(v) for v in violations if v["impact"] in BLOCKING]
        for page, violations in audits.items()
    }
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
