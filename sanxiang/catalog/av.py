"""Which steps need audio/video recording on a given day: the one answer the guard, the case page and the flowchart read.

The answer is the statutory floor — every transition into a step the
procedure definitions mark ``av_required`` (RULES.md §3.2: 查封扣押, 强制拆除,
the case-handling premises: full, uninterrupted recording) — plus the items
of the 音像记录事项清单 in force that day (the latest leader-approved list
whose ``effective_from`` has come). A list adds requirements; it never lowers
the floor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sanxiang.catalog.models import AVList, AVRequirementLevel
from sanxiang.procedures import definitions


@dataclass(frozen=True)
class AVRequirement:
    procedure: str
    transition: str
    level: str  # AVRequirementLevel
    basis: str
    statutory: bool

    @property
    def required(self) -> bool:
        return self.level == AVRequirementLevel.REQUIRED


def av_floor(procedure_code: str) -> dict[str, AVRequirement]:
    """The transitions that always need audio/video: those into an ``av_required`` step."""
    proc = definitions.get(procedure_code)
    av_steps = {s.code for s in proc.steps if s.av_required}
    return {
        t.code: AVRequirement(
            procedure_code,
            t.code,
            AVRequirementLevel.REQUIRED,
            _("国办发〔2018〕118号: on-site measures such as 查封扣押 are recorded fully and without interruption"),
            True,
        )
        for t in proc.transitions
        if t.target in av_steps
    }


def av_list_in_force(on: dt.date) -> AVList | None:
    """The latest approved list in force on ``on``."""
    return (
        AVList.objects.filter(approved_at__isnull=False, effective_from__lte=on)
        .order_by("-effective_from", "-approved_at")
        .first()
    )


def av_requirements(procedure_code: str, on: dt.date) -> dict[str, AVRequirement]:
    """Every step of ``procedure_code`` that needs (or should have) audio/video on ``on``, by transition code."""
    result = av_floor(procedure_code)
    av_list = av_list_in_force(on)
    if av_list is not None:
        for item in av_list.items.filter(procedure=procedure_code):
            if item.transition in result and result[item.transition].required:
                continue  # the floor stays required whatever the list says
            result[item.transition] = AVRequirement(
                procedure_code, item.transition, item.level, item.basis, statutory=False
            )
    return result
