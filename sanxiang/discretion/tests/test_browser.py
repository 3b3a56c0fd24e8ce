"""The baseline pages in a real browser, in Chinese: import a file, approve it, read it at phone width.

Asserts on structure and data (never on translated labels); saves screenshots under test-artifacts/.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from sanxiang.cases.tests.test_case_browser import PHONE_WIDTH, log_in, overflow
from sanxiang.catalog.actions import violation_create
from sanxiang.conftest import screenshot
from sanxiang.discretion.models import BaselineApproval
from sanxiang.discretion.tests.test_excel import GOOD, workbook
from sanxiang.testing import make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_legal_section_imports_and_a_leader_approves(live_server, page, settings, tmp_path):
    settings.LANGUAGE_CODE = "zh-hans"
    b = make_bureau()
    for code, title in (("srhw-001", "擅自占用城市道路摆摊设点"), ("srhw-009", "乱涂乱画")):
        violation_create(
            actor=b.reviewer, code=code, title=title, category=b.city_appearance,
            violated_provisions="《城市市容和环境卫生管理条例》第十四条", penalty_provisions="《城市市容和环境卫生管理条例》第三十六条",
        )  # fmt: skip
    good = tmp_path / "baseline.xlsx"
    good.write_bytes(workbook(GOOD).getvalue())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([GOOD[1], ["nope-1", "", "", "", "一般", "一般", "罚款", 1, 2]]).getvalue())

    log_in(page, live_server.url, b.reviewer)
    page.goto(live_server.url + "/discretion/import/")
    page.fill("input[name='version']", "2026版")
    page.fill("input[name='effective_from']", timezone.localdate().isoformat())
    page.set_input_files("input[name='file']", str(bad))
    page.locator("form[enctype] button[type=submit]").click()
    assert page.locator("table[aria-labelledby='problems'] tbody tr").count() == 1
    assert "nope-1" in page.locator("table[aria-labelledby='problems']").inner_text()
    screenshot(page, "discretion-import-report")
    page.set_input_files("input[name='file']", str(good))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url("**/discretion/*/")
    assert page.locator("section.card h2").count() == 2

    page.context.clear_cookies()
    log_in(page, live_server.url, b.leader)
    page.goto(live_server.url + "/discretion/")
    page.locator("tbody a").first.click()
    page.locator("form[action$='/approve/'] button").click()
    assert page.locator(".messages li.success").count() == 1
    assert BaselineApproval.objects.count() == 1
    screenshot(page, "discretion-version")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    assert overflow(page) <= PHONE_WIDTH + 1
    screenshot(page, "discretion-version-375")
    page.goto(live_server.url + "/discretion/")
    screenshot(page, "discretion-list-375")
