"""The staff pages in a real browser at phone width (375 px): nothing overflows the page sideways."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp

from sanxiang.conftest import screenshot
from sanxiang.testing import PASSWORD, make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.get_by_label("Login name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/login/otp/setup/")
    secret = page.get_by_test_id("totp-secret").inner_text()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Verification code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm and log in").click()
    page.wait_for_url(base_url + "/")


@pytest.fixture
def phone(browser):
    """A tab at phone width that asks for English (the tests assert on the msgids)."""
    context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 740})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_staff_list_and_profile_fit_a_phone(live_server, phone):
    page = phone
    bureau = make_bureau()
    log_in(page, live_server.url, "sysadmin")
    page.goto(live_server.url + "/org/staff/")
    assert page.get_by_role("heading", level=1).inner_text() == "Staff"
    page.get_by_label("Search").fill("王执法")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="王执法").click()
    page.wait_for_url(f"**/org/staff/{bureau.officer.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "staff-detail-375")
    page.get_by_label("Reason").fill("调离")
    page.get_by_role("button", name="Disable").click()
    assert "The account of 王执法 is disabled." in page.get_by_role("status").first.inner_text()
    page.goto(live_server.url + "/org/staff/?active=0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_role("link", name="王执法").count() == 1
    screenshot(page, "staff-list-375")
