"""The documents panel in a real browser: issue the filing approval from the case page, then print it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import time_machine

from sanxiang.cases.tests.test_case_browser import log_in, registered_case
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.conftest import screenshot
from sanxiang.testing import make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_issues_a_document_and_prints_it(live_server, page, settings):
    keys = Path(tempfile.mkdtemp(prefix="doc-keys-"))
    settings.DOCUMENT_SIGNING_CERT_FILE = keys / "c.pem"
    settings.DOCUMENT_SIGNING_KEY_FILE = keys / "k.pem"
    b = make_bureau()
    case = registered_case(b)
    log_in(page, live_server.url, b.officer)
    with time_machine.travel(at("2026-06-01", 10), tick=True):
        page.goto(f"{live_server.url}/cases/{case.pk}/#documents")
        item = page.locator("li[data-issuable='filing_approval'] button")
        assert item.count() == 1
        item.click()
        page.wait_for_url(f"**/cases/{case.pk}/#documents")
        row = page.locator("tr[data-document='filing_approval']")
        assert row.count() == 1
        assert page.locator("li[data-issuable='filing_approval']").count() == 0
        screenshot(page, "documents-panel")
        href = row.locator("a[target=_blank]").get_attribute("href")
        response = page.request.get(live_server.url + str(href))
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
    shutil.rmtree(keys, ignore_errors=True)
