"""The public portal in a real browser (Debian's chromium), at 1280 and 375 px, in Chinese.

Acceptance: find an officer by certificate number and open his QR page; read a
decision published after its case is decided; see it withdrawn after the
decision is revoked; send a 纠错 and follow it by its code. Screenshots go to
/tmp/shots/F/ (and test-artifacts/).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from sanxiang.cases import actions as case_actions
from sanxiang.cases.actions_remedy import case_record_remedy_outcome
from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_case_browser import log_in, overflow, registered_case
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.conftest import screenshot
from sanxiang.publicity import actions
from sanxiang.publicity.lists import SOURCES
from sanxiang.publicity.models import Publication
from sanxiang.publicity.tests.base import make_publicist
from sanxiang.testing import Bureau, make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/F")  # noqa: S108 (where the lead looks at the screenshots)
PHONE = {"width": 375, "height": 740}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    screenshot(page, f"publicity-{name}")


def decided_case(b: Bureau) -> Case:
    case = registered_case(b)
    with time_machine.travel(at("2026-06-01", 10), tick=False):
        case = case_actions.case_record_transcript(
            actor=b.officer, case=case, kind="questioning", interviewee="李四", content="问：……答：……",
            recorded_at=timezone.now(), place="站前街道",
        )  # fmt: skip
        case = case_actions.case_conclude_investigation(actor=b.officer, case=case, report="事实清楚", proposal="罚款")
        case = case_actions.case_examine(actor=b.unit_head, case=case, opinion="同意")
        case = case_actions.case_notify(
            actor=b.officer, case=case, types=["fine"], fine_fen=50_000, served_on=timezone.localdate(), method="direct"
        )
        case = case_actions.case_waive_rights(actor=b.officer, case=case, signed_on=timezone.localdate())
        return case_actions.case_decide(
            actor=b.unit_head, case=case, types=["fine"], fine_fen=50_000,
            reasons="当事人张三（电话13812345678）在站前街道中央路摆摊，证人李四证实。",
        )  # fmt: skip


def publish(pub: Publication, publicist, b: Bureau) -> Publication:
    pub = actions.publication_submit(actor=publicist, publication=pub)
    pub = actions.publication_approve(actor=b.leader, publication=pub)
    return actions.publication_publish(actor=publicist, publication=pub)


def publish_roster(b: Bureau, publicist) -> None:
    source = SOURCES["roster"]
    pub = actions.publication_prepare_list(
        actor=publicist, list_code="roster", title=str(source.title), rows=source.rows()
    )
    publish(pub, publicist, b)


def test_a_citizen_checks_an_officer_by_certificate_number(live_server, page, settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    b = make_bureau()
    publish_roster(b, make_publicist(b))
    page.goto(live_server.url + "/public/officers/")
    page.fill("input[name=q]", "22030001")
    page.locator("form[role=search] button[type=submit]").click()
    rows = page.locator("tbody tr[data-officer]")
    assert rows.count() == 1
    assert "王执法" in rows.first.inner_text()
    assert page.locator("header nav[aria-label]").count() == 1  # the portal menu only
    assert page.locator("a[href='/cases/']").count() == 0
    shot(page, "officer-search-1280")
    rows.first.locator("a").click()
    page.wait_for_url("**/public/officers/*/")
    assert page.locator("#cert-number").inner_text() == "22030001"
    assert page.locator("#qr svg").count() == 1
    officer_url = page.url
    shot(page, "officer-1280")
    page.set_viewport_size(PHONE)
    assert overflow(page) <= PHONE["width"]
    shot(page, "officer-375")
    page.goto(officer_url + "qr.svg")
    assert page.locator("svg").count() == 1
    page.goto(live_server.url + "/public/placards/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    shot(page, "placards-375")


def test_a_decision_is_published_then_withdrawn_and_a_correction_is_followed(live_server, page, settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    b = make_bureau()
    publicist = make_publicist(b)
    case = decided_case(b)
    pub = actions.publication_prepare_for_case(actor=b.system, case=case)
    assert pub is not None

    log_in(page, live_server.url, publicist)
    page.goto(live_server.url + f"/publicity/{pub.pk}/")
    assert "13812345678" in page.locator("#original").inner_text()
    assert "13812345678" not in page.locator("#redacted").inner_text()
    assert "李四" not in page.locator("#redacted").inner_text()
    page.locator("#btn-submit").click()
    page.wait_for_url(f"**/publicity/{pub.pk}/")
    shot(page, "staff-publication-1280")
    page.context.clear_cookies()
    actions.publication_approve(actor=b.leader, publication=pub)
    actions.publication_publish(actor=publicist, publication=pub)

    page.goto(live_server.url + "/public/decisions/")
    page.fill("input[name=q]", "占用")
    page.locator("form[role=search] button[type=submit]").click()
    result = page.locator(f"li[data-publication='{pub.public_id}'] a")
    assert result.count() == 1
    shot(page, "decisions-1280")
    result.click()
    page.wait_for_url(f"**/public/decisions/{pub.public_id}/")
    assert page.locator("#party").inner_text() == "张某某"
    body = page.locator("main").inner_text()
    assert "13812345678" not in body and "张三" not in body and "李四" not in body
    shot(page, "decision-1280")
    page.set_viewport_size(PHONE)
    assert overflow(page) <= PHONE["width"]
    shot(page, "decision-375")

    page.locator("#report-error").click()
    page.fill("textarea[name=text]", "当事人类别写错了")
    page.locator("#correction-form button[type=submit]").click()
    code = page.locator("#tracking-code").inner_text().strip()
    assert len(code) == 12
    shot(page, "correction-done-375")
    page.goto(live_server.url + "/public/corrections/")
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").click()
    assert page.locator("#report-status").get_attribute("data-outcome") == "received"
    shot(page, "track-375")

    case_record_remedy_outcome(
        actor=b.unit_head, case=case, kind="reconsideration", outcome="revoked", decided_on=timezone.localdate(),
        organ="四平市铁西区人民政府", document_no="铁西复决〔2026〕3号",
    )  # fmt: skip
    page.goto(live_server.url + f"/public/decisions/{pub.public_id}/")
    assert "铁西复决〔2026〕3号" in page.locator("#withdrawal-reason").inner_text()
    assert page.locator("#party").count() == 0
    shot(page, "decision-withdrawn-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "decision-withdrawn-1280")
    for url, name in (("/public/", "index"), ("/public/flowcharts/general/", "flowchart"),
                      ("/public/transparency/", "transparency")):  # fmt: skip
        page.goto(live_server.url + url)
        shot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/public/")
    assert overflow(page) <= PHONE["width"]
    shot(page, "index-375")
