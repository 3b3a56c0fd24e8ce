"""The case pages in a real browser, in Chinese: the list, and a case page at phone width (375 px).

The page asks for Chinese like the bureau's machines; the Chinese catalogue
is still being written, so the test asserts on structure and data (ids,
``data-`` attributes, the text that was typed), never on translated labels.
"""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.cases import actions
from sanxiang.cases.models import Case, CaseSource, IdType, PartyKind
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.catalog.actions import violation_create
from sanxiang.conftest import screenshot
from sanxiang.org.models import User
from sanxiang.procedures.actions import calendar_seed_year
from sanxiang.testing import Bureau, make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375


def log_in(page, base_url: str, user: User) -> None:
    """Give the browser the session of ``user`` after both factors (the login page has its own browser test)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="browser", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    cookie = {"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base_url}
    page.context.add_cookies([cookie])


def registered_case(b: Bureau) -> Case:
    """A case registered on 1 June 2026 (a working day of a year whose calendar is loaded)."""
    with time_machine.travel(at("2026-06-01"), tick=False):
        calendar_seed_year(actor=b.system, year=2026)
        violation = violation_create(
            actor=b.reviewer,
            code="srhw-001",
            title="擅自占用城市道路摆摊设点",
            category=b.city_appearance,
            violated_provisions="《城市市容和环境卫生管理条例》第十四条",
            penalty_provisions="《城市市容和环境卫生管理条例》第三十六条",
        )
        party = actions.party_build(
            kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        case = actions.case_register_lead(
            actor=b.officer,
            source=CaseSource.PATROL,
            unit=b.squad1,
            category=b.city_appearance,
            region=b.street,
            location="站前街道中央路一段门前人行道",
            summary="在人行道上摆摊经营，占用城市道路约六平方米",
            discovered_on=timezone.localdate(),
            act_date=timezone.localdate(),
            violation=violation,
            parties=[party],
        )
        return actions.case_register(actor=b.unit_head, case=case, handlers=[b.officer, b.officer2])


def overflow(page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_an_officer_records_a_step_on_a_phone_and_sees_it_in_the_timeline(live_server, page, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    b = make_bureau()
    case = registered_case(b)
    log_in(page, live_server.url, b.officer)

    page.goto(live_server.url + "/cases/")
    rows = page.locator("tbody tr[data-case]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-case") == str(case.pk)
    assert case.number in rows.first.inner_text()
    screenshot(page, "case-list")

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    assert overflow(page) <= PHONE_WIDTH
    page.locator(f"a[href='/cases/{case.pk}/']").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    entries = page.locator("ol.timeline > li")
    assert entries.count() == 2
    assert page.locator("tr[data-deadline='decision_period']").count() == 1
    assert overflow(page) <= PHONE_WIDTH

    step = page.locator("#step-conclude_investigation")
    step.locator("summary").click()
    assert overflow(page) <= PHONE_WIDTH
    screenshot(page, "case-form-open-375")
    step.locator("textarea[name='conclude_investigation-report']").fill("事实清楚，证据确凿，拟罚款五百元")
    step.locator("button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.pk}/")

    assert page.locator(".messages li.success").count() == 1
    assert entries.count() == 3
    last = entries.last
    assert last.get_attribute("data-seq") == "3"
    assert last.get_attribute("data-transition") == "conclude_investigation"
    assert "事实清楚，证据确凿，拟罚款五百元" in last.inner_text()
    assert page.locator("h1 .badge").get_attribute("data-state") == "concluded"
    assert overflow(page) <= PHONE_WIDTH
    screenshot(page, "case-page-375")

    page.goto(live_server.url + "/cases/supervision/")
    assert page.locator("tr[data-overdue='1'] a").get_attribute("href") == f"/cases/{case.pk}/"
    assert overflow(page) <= PHONE_WIDTH
    page.goto(live_server.url + "/cases/new/")
    assert page.locator("input[name='party_id_number']").count() == 1
    assert overflow(page) <= PHONE_WIDTH
    screenshot(page, "case-new-lead-375")
