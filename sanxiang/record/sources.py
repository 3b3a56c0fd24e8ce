"""Which rows the record log vouches for, and how ``verify`` checks a row against its entry.

Each app that writes through the log registers its sources (in its
``AppConfig.ready``): the entry kinds, the model whose rows carry the entry's
``log_seq``, and a check comparing a row with its entry (usually: the row's
salted commitment equals the entry's ``digest``). ``verify`` then finds a
deleted row (an entry without its row), a changed row (a different
commitment), and a row slipped in without an entry (no ``log_seq``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from sanxiang.record.log import commitment

RowCheck = Callable[[Any, Mapping[str, Any]], list[str]]


@dataclass(frozen=True)
class Source:
    kind: str
    model_label: str
    check: RowCheck
    describe: Callable[[Any], str]

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


_SOURCES: dict[str, Source] = {}


def register_source(kind: str, model_label: str, check: RowCheck, describe: Callable[[Any], str] = str) -> None:
    _SOURCES[kind] = Source(kind, model_label, check, describe)


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def digest_check(content: Callable[[Any], Mapping[str, Any]]) -> RowCheck:
    """A check that recomputes the row's salted commitment and compares it with the entry's ``digest``."""

    def check(row: Any, entry: Mapping[str, Any]) -> list[str]:
        if commitment(bytes(row.log_salt), content(row)) != entry.get("digest"):
            return [_("the record differs from what the log committed to")]
        return []

    return check


def case_check(inner: RowCheck) -> RowCheck:
    """``inner`` plus: the entry names the row's case."""

    def check(row: Any, entry: Mapping[str, Any]) -> list[str]:
        problems = inner(row, entry)
        if entry.get("case") != row.case_id:
            problems.append(
                _("the log names case id %(logged)s, the record case id %(case)s")
                % {"logged": entry.get("case"), "case": row.case_id}
            )
        return problems

    return check
