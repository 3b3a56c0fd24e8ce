"""The law's procedures as data: one definition that the engine, the flowchart and the checklist all read.

Each procedure (一般程序, 简易程序, 行政检查, 行政强制措施) is a ``Procedure``
built from ``Step`` and ``Transition`` values in its own module. Nothing here
runs: the case engine (``sanxiang.cases.engine``) interprets it, the flowchart
renderer draws it, and the dossier checklist reads its documents.
"""

from __future__ import annotations

from sanxiang.procedures.definitions.types import DeadlineSpec, Procedure, Step, Transition

__all__ = ["DeadlineSpec", "Procedure", "Step", "Transition", "get", "all_procedures"]


def all_procedures() -> dict[str, Procedure]:
    """Every procedure by code (imported lazily so that definitions stay import-cycle free)."""
    from sanxiang.procedures.definitions import compulsory, general, inspection, simple

    return {p.code: p for p in (general.PROCEDURE, simple.PROCEDURE, inspection.PROCEDURE, compulsory.PROCEDURE)}


def get(code: str) -> Procedure:
    """Return the procedure ``code``; ``KeyError`` when there is none."""
    return all_procedures()[code]
