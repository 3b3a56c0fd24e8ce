"""Trust anchors for checking the log: from configuration, never from the database (RECORD-LOG.md §8.1)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sanxiang.record import note


def log_verifier() -> note.Verifier:
    """The log's public key: ``SANXIANG_LOG_PUBLIC_KEY``, else (embedded mode) the public half of the local key.

    In production the public key must be configured: reading it from the key
    file would trust whatever key sits on the server.
    """
    if settings.RECORD_LOG_PUBLIC_KEY:
        try:
            return note.Verifier.parse(settings.RECORD_LOG_PUBLIC_KEY)
        except note.NoteError as exc:
            raise ImproperlyConfigured(f"SANXIANG_LOG_PUBLIC_KEY: {exc}") from exc
    if settings.PRODUCTION:
        raise ImproperlyConfigured("SANXIANG_LOG_PUBLIC_KEY is required in production mode (the log's verifier key).")
    from sanxiang.record.signer import LogSigner

    return note.Verifier.parse(LogSigner.from_settings().vkey())


def log_verifier_source() -> str:
    """Where the trust anchor came from, for verify's report."""
    if settings.RECORD_LOG_PUBLIC_KEY:
        return "SANXIANG_LOG_PUBLIC_KEY"
    return f"the local key file {Path(settings.RECORD_SIGNING_KEY_FILE)} (embedded mode)"
