from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import translation

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an event loop in the test thread; Django refuses
# ORM calls from a thread with a running loop unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _flush_past_append_only_triggers() -> Iterator[None]:
    """Transactional tests end with ``flush``, which the append-only triggers refuse: let the flush through.

    Only the flush command is let through; everything else a test does meets
    the triggers as production code does (``record.appendonly``).
    """
    from django.core.management.commands import flush

    from sanxiang.record import appendonly

    original = flush.Command.handle

    def handle(self: flush.Command, *args: object, **options: object) -> object:
        with appendonly.suspended(str(options.get("database") or "default")):
            return original(self, *args, **options)

    flush.Command.handle = handle  # type: ignore[method-assign,assignment]
    yield
    flush.Command.handle = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _log_signer_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Each test gets its own log signing key and signer memory, never the data folder's."""
    settings.RECORD_SIGNING_KEY_FILE = tmp_path / "keys" / "log-signer.key"  # type: ignore[attr-defined]
    settings.RECORD_SIGNER_STATE_FILE = tmp_path / "keys" / "log-signer.state.json"  # type: ignore[attr-defined]
    settings.RECORD_LOG_PUBLIC_KEY = None  # type: ignore[attr-defined]
    settings.RECORD_WITNESSES = []  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _evidence_store_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Each test stores evidence files in its own temporary folder, never the data folder."""
    storages = dict(settings.STORAGES)  # type: ignore[attr-defined]
    if storages["evidence"]["BACKEND"] == "django.core.files.storage.FileSystemStorage":
        options = {**storages["evidence"].get("OPTIONS", {}), "location": tmp_path / "evidence"}
        storages["evidence"] = {**storages["evidence"], "OPTIONS": options}
        settings.STORAGES = storages  # type: ignore[attr-defined]
    settings.EVIDENCE_STAGING_DIR = tmp_path / "evidence-staging"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True, scope="session")
def _english_messages_for_class_setup(django_db_setup: None) -> Iterator[None]:
    """English also while ``setUpTestData`` runs (before function fixtures).

    The default language itself is switched, not only the thread's active one:
    Playwright's event loop in the test thread can leave no active language,
    and Django then falls back to ``LANGUAGE_CODE``.
    """
    from django.conf import settings

    product_language = settings.LANGUAGE_CODE
    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.deactivate()
    settings.LANGUAGE_CODE = product_language


@pytest.fixture(autouse=True)
def _english_messages(settings: pytest.FixtureRequest) -> Iterator[None]:
    """Tests assert on the English msgids; the Chinese catalogue has its own tests.

    The product's language stays zh-hans: only the test run switches, so a
    change of wording in the catalogue never breaks a behaviour test.
    """
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright (never a downloaded browser build)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("SANXIANG_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"{executable} is missing: run `make system-deps` (installs Debian's chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser tab that asks for Chinese, like the bureau's own machines."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
