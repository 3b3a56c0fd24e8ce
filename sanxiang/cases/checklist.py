"""The dossier checklist, read from the procedure definition: what a case must hold before 结案 and 归档."""

from __future__ import annotations

from sanxiang.cases.models import Case
from sanxiang.procedures import definitions
from sanxiang.procedures.definitions.types import ChecklistItem


def required_items(case: Case) -> list[ChecklistItem]:
    """Items that apply to ``case``: unconditional ones and those whose transition the case took."""
    taken = set(case.events.values_list("transition", flat=True))
    proc = definitions.get(case.procedure)
    return [item for item in proc.checklist if item.when_transition is None or item.when_transition in taken]


def present_records(case: Case) -> set[str]:
    """Document codes the case's events produced (the documents part will replace this with issued documents)."""
    proc = definitions.get(case.procedure)
    produced: set[str] = set()
    for code in case.events.values_list("transition", flat=True):
        produced.update(proc.transition(code).documents)
    return produced


def missing_items(case: Case) -> list[ChecklistItem]:
    present = present_records(case)
    return [item for item in required_items(case) if item.code not in present]
