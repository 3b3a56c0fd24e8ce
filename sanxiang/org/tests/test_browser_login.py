"""A person logs in through a real browser: password, authenticator set-up, home page, in Chinese."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp

from sanxiang.conftest import screenshot
from sanxiang.testing import PASSWORD, make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret_b32: str) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return f"{totp(key):06d}"


def test_first_login_enrols_the_authenticator_and_reaches_home(live_server, page, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    make_bureau()
    page.goto(live_server.url + "/")
    assert "/login/" in page.url
    page.get_by_label("登录名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    screenshot(page, "login")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/login/otp/setup/")
    secret = page.get_by_test_id("totp-secret").inner_text()
    screenshot(page, "otp-setup")
    page.get_by_label("验证码").fill(code_for(secret))
    page.get_by_role("button", name="确认并登录").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("欢迎")
    screenshot(page, "home-officer")


def test_a_wrong_password_shows_the_reason_at_phone_width(live_server, page, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    make_bureau()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/login/")
    page.get_by_label("登录名").fill("officer")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="下一步").click()
    assert page.get_by_role("alert").inner_text().strip() == "登录名或密码不正确。"
    # Nothing overflows sideways at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "login-error-375")
