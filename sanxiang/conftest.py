from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; Django refuses
# ORM calls from a thread with a running loop unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _english_messages(settings: pytest.FixtureRequest) -> Iterator[None]:
    """Tests assert on the English msgids; the Chinese catalogue has its own tests.

    The product's language stays zh-hans: only the test run switches, so a
    change of wording in the catalogue never breaks a behaviour test.
    """
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield
