"""The reviewer's flow in a real browser (Playwright driving Debian's chromium), in Chinese.

A legal reviewer opens a submitted case from the queue, assigns it to themselves, answers the eleven
points, returns it with two problems; the handler corrects the draft (version 2) and resubmits; the
reviewer passes version 2, and the case page shows both opinions and the passed review. Assertions use
structure and data (``data-`` attributes, typed text), never translated labels. Screenshots go to
test-artifacts/ and /tmp/shots/C/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from sanxiang.cases import actions as case_actions
from sanxiang.cases.tests.test_case_browser import log_in, registered_case
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.catalog.major import major_ground_add
from sanxiang.conftest import screenshot
from sanxiang.review import actions, selectors
from sanxiang.review.points import ReviewPoint
from sanxiang.testing import make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SANXIANG_SHOTS_DIR", "/tmp/shots/C"))  # noqa: S108 (screenshots for a person to look at)


def shot(page, name: str) -> None:
    path = screenshot(page, f"review-{name}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def submitted_case(b):
    """A registered case taken to a waived prior notice on 1 June 2026, marked major, draft 1 submitted."""
    case = registered_case(b)
    with time_machine.travel(at("2026-06-01", 10), tick=False):
        case = case_actions.case_record_transcript(
            actor=b.officer, case=case, kind="questioning", interviewee="张三", content="问：……答：……",
            recorded_at=timezone.now(), place="站前街道",
        )  # fmt: skip
        case = case_actions.case_conclude_investigation(actor=b.officer, case=case, report="事实清楚", proposal="罚款")
        case = case_actions.case_examine(actor=b.unit_head, case=case, opinion="同意")
        case = case_actions.case_notify(actor=b.officer, case=case, types=["fine"], fine_fen=50_000,
                                        served_on=timezone.localdate(), method="direct")  # fmt: skip
        case = case_actions.case_waive_rights(actor=b.officer, case=case, signed_on=timezone.localdate())
        major_ground_add(actor=b.unit_head, case=case, ground="complex", reason="涉及多个法律关系")
        actions.draft_save(actor=b.officer, case=case, types=["fine"], fine_fen=50_000,
                           facts_text="当事人占道经营，事实清楚。", legal_basis="《条例》第三十六条")  # fmt: skip
        submission = actions.review_submit(actor=b.officer, case=case)
    return case, submission


def answer(page, problems: dict[str, str], outcome: str) -> None:
    for point in ReviewPoint:
        box = page.locator(f"fieldset.review-point[data-point='{point.value}']")
        value = "problem" if point.value in problems else "ok"
        box.locator(f"input[type=radio][value='{value}']").check()
        if point.value in problems:
            box.locator("textarea").fill(problems[point.value])
    page.locator(f"input[name='outcome'][value='{outcome}']").check()
    page.locator("textarea[name='summary']").fill("经审核：" + outcome)


def test_a_reviewer_returns_a_draft_and_passes_the_corrected_one(live_server, page, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    b = make_bureau()
    case, first = submitted_case(b)
    log_in(page, live_server.url, b.reviewer)

    page.goto(live_server.url + "/review/")
    row = page.locator(f"tr[data-submission='{first.pk}']")
    assert row.count() == 1
    shot(page, "queue")
    row.locator("a").click()
    page.wait_for_url(f"**/review/submissions/{first.pk}/")
    page.locator("#assign-button").click()
    page.wait_for_url(f"**/review/submissions/{first.pk}/")
    assert page.locator("fieldset.review-point").count() == len(ReviewPoint)
    answer(page, {"evidence": "缺少现场照片", "discretion": "罚款数额偏高，未说明理由"}, "return")
    shot(page, "points-answered")
    page.locator("#opinion-button").click()
    page.wait_for_url(f"**/review/submissions/{first.pk}/")
    assert page.locator(f"article[data-submission='{first.pk}']").get_attribute("data-status") == "return"
    problems = page.locator("tr[data-finding='problem']")
    assert problems.count() == 2
    assert "缺少现场照片" in problems.first.inner_text() or "缺少现场照片" in problems.last.inner_text()
    shot(page, "returned")

    # The handler corrects the draft (version 2: a lower fine) and submits it again.
    actions.draft_save(actor=b.officer, case=case, types=["fine"], fine_fen=30_000,
                       facts_text="当事人占道经营，事实清楚，补充现场照片。", legal_basis="《条例》第三十六条")  # fmt: skip
    second = actions.review_submit(actor=b.officer, case=case)
    assert second.draft.version == 2

    page.goto(live_server.url + "/review/")
    page.locator(f"tr[data-submission='{second.pk}'] a").click()
    page.wait_for_url(f"**/review/submissions/{second.pk}/")
    assert page.locator("tr[data-draft-version='2']").count() == 1
    page.locator("#assign-button").click()
    page.wait_for_url(f"**/review/submissions/{second.pk}/")
    answer(page, {}, "pass")
    page.locator("#opinion-button").click()
    page.wait_for_url(f"**/review/submissions/{second.pk}/")
    assert page.locator(f"article[data-submission='{second.pk}']").get_attribute("data-status") == "pass"
    shot(page, "passed")

    page.goto(live_server.url + f"/cases/{case.pk}/#review")
    assert page.locator("#review article[data-status='return']").count() == 1
    assert page.locator("#review article[data-status='pass']").count() == 1
    assert page.locator("#review tr[data-draft-version]").count() == 2
    shot(page, "case-panel")
    current = selectors.current_draft(case)
    assert current is not None and current.version == 2
    assert selectors.passed(selectors.latest_opinion_for_draft(current))
