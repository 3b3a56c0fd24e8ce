"""The one router of the case endpoints: ``reads`` and ``steps`` register on it (a path may have both GET and POST)."""

from __future__ import annotations

from ninja import Router

router = Router()
