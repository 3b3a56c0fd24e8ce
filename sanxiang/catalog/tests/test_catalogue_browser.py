"""The catalogue pages in a real browser, in Chinese: a reviewer adds a rule to a draft, a leader approves it.

Assertions are on structure and typed data, never on translated labels.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from sanxiang.cases.tests.test_case_browser import PHONE_WIDTH, log_in, overflow
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.catalog.actions_review import review_catalogue_create
from sanxiang.catalog.demo import demo_review_catalogue_build
from sanxiang.catalog.models import ReviewCatalogueApproval
from sanxiang.conftest import screenshot
from sanxiang.testing import make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/A")  # noqa: S108 (screenshots for a person to look at)


def shot(page, name: str) -> None:
    screenshot(page, name)
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_reviewer_adds_a_rule_and_a_leader_approves(live_server, page, settings, browser):
    settings.LANGUAGE_CODE = "zh-hans"
    b = make_bureau()
    with time_machine.travel(at("2026-06-01"), tick=False):
        current = demo_review_catalogue_build(actor=b.system)
        draft = review_catalogue_create(
            actor=b.reviewer, version="2027版", effective_from=dt.date(2027, 1, 1), copy_from=current
        )
    log_in(page, live_server.url, b.reviewer)
    page.goto(live_server.url + "/catalog/review/")
    assert page.locator("tbody tr").count() == 2
    shot(page, "catalog-review-list")
    page.goto(live_server.url + f"/catalog/review/{draft.pk}/")
    assert page.locator("section h3").count() >= 3  # grouped by ground
    page.fill("input[name=code]", "fine-person-5k")
    page.fill("input[name=label]", "对自然人处以五千元以上罚款")
    page.select_option("select[name=kind]", "fine_person")
    page.fill("input[name=amount_yuan]", "5000")
    page.locator("form[action$='/rules/'] button[type=submit]").click()
    page.wait_for_url(f"**/catalog/review/{draft.pk}/")
    assert "对自然人处以五千元以上罚款" in page.inner_text("main")
    shot(page, "catalog-review-draft")

    other = browser.new_context(locale="zh-CN", viewport={"width": PHONE_WIDTH, "height": 740}).new_page()
    log_in(other, live_server.url, b.leader)
    other.goto(live_server.url + f"/catalog/review/{draft.pk}/")
    assert overflow(other) <= PHONE_WIDTH
    other.locator("form[action$='/approve/'] button").click()
    other.wait_for_url(f"**/catalog/review/{draft.pk}/")
    assert other.locator(".messages li.success").count() == 1
    assert ReviewCatalogueApproval.objects.filter(catalogue=draft).exists()
    assert other.locator("form[action$='/approve/']").count() == 0
    shot(other, "catalog-review-approved-375")
    other.context.close()
