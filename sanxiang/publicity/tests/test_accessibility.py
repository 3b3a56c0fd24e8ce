"""The public portal and the staff login page have no WCAG 2.1 A/AA violations reported by axe-core.

Acceptance (issue: "accessible — no WCAG 2.1 AA violations reported by
axe-core on the main pages"): with a published decision, the published roster
and list of bodies, axe-core (bundled by axe-playwright-python) runs with the
WCAG 2.0/2.1 A and AA rule tags on each main page (plus the roster list, a
flowchart and the follow-a-report page) at 1280 and at 375 px, in Chinese, in
Debian's chromium. Every violation is printed with its id, impact, help text
and the CSS targets of the failing nodes.
"""

from __future__ import annotations

from typing import Any

import pytest

from sanxiang.publicity import actions
from sanxiang.publicity.lists import SOURCES
from sanxiang.publicity.tests.base import make_publicist
from sanxiang.publicity.tests.test_public_browser import decided_case, publish, publish_roster
from sanxiang.testing import make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = ({"width": 1280, "height": 900}, {"width": 375, "height": 740})


def describe(url: str, width: int, violations: list[dict[str, Any]]) -> list[str]:
    """One line per violation and one per failing node, for the failure message."""
    lines = []
    for v in violations:
        lines.append(f"{url} @ {width}px: {v['id']} ({v['impact']}) {v['help']}")
        lines.extend(f"    {node['target']}: {node.get('failureSummary', '')!r}" for node in v["nodes"])
    return lines


def main_pages(live_server_url: str, page: Any, decision_id: str) -> list[str]:
    """The portal's main pages, the officer page found through the officer list as a citizen would."""
    page.goto(live_server_url + "/public/officers/")
    officer_href = page.locator("tbody tr[data-officer] a").first.get_attribute("href")
    assert officer_href
    return [
        "/public/",
        "/public/decisions/?q=占用",
        f"/public/decisions/{decision_id}/",
        f"/public/decisions/{decision_id}/correction/",
        "/public/officers/",
        officer_href,
        "/public/lists/bodies/",
        "/public/lists/roster/",  # wide: scrolls in its wrapper at 375 px
        "/public/flowcharts/general/",
        "/public/corrections/",
        "/public/transparency/",
        "/login/",
    ]


def test_main_pages_have_no_wcag_21_aa_violations(live_server, page, settings) -> None:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    settings.LANGUAGE_CODE = "zh-hans"
    b = make_bureau()
    publicist = make_publicist(b)
    publish_roster(b, publicist)
    bodies = SOURCES["bodies"]
    publish(
        actions.publication_prepare_list(
            actor=publicist, list_code="bodies", title=str(bodies.title), rows=bodies.rows()
        ),
        publicist,
        b,
    )
    pub = actions.publication_prepare_for_case(actor=b.system, case=decided_case(b))
    assert pub is not None
    publish(pub, publicist, b)

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    urls = main_pages(live_server.url, page, pub.public_id)
    problems: list[str] = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response is not None and response.ok, url
            results = axe.run(page, options=options)
            assert results.response["passes"], f"axe checked nothing on {url}"
            problems += describe(url, size["width"], results.response["violations"])
    print("\n".join(problems))  # the report a failing run shows (pytest prints captured output)
    assert not problems, "\n".join(problems)
