"""The Chinese catalogue is complete, compiled, and what the UI shows by default."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.test import Client

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert missing == [], f"untranslated: {missing[:10]} (run `make messages` and fill them in)"
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    po = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
        for e in polib.pofile(str(LOCALE / "django.po"))
        if not e.obsolete
    }
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in polib.mofile(str(LOCALE / "django.mo"))}
    mo.pop((None, ""), None)
    assert mo == po, "django.mo is stale: run `make messages`"


@pytest.mark.django_db
def test_the_login_page_is_chinese_by_default(settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    page = Client().get("/login/").content.decode()
    assert "登录" in page
    assert 'lang="zh-hans"' in page
