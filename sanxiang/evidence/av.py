"""The audio/video gate (音像记录事项清单 enforced, RULES.md §3.2) and what the case page shows of it.

A step the list in force marks *required* cannot be completed until an audio
or video recording of that step is attached to the case (uploaded with that
step code); the refusal names the step. The case page lists the requirements
of the moves open from the current state and which recordings are missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case
from sanxiang.catalog.av import AVRequirement, av_requirements
from sanxiang.evidence.models import Evidence, EvidenceKind
from sanxiang.procedures import definitions
from sanxiang.procedures.guards import GuardContext, guard

AV_KINDS = (EvidenceKind.AUDIO, EvidenceKind.VIDEO)


def av_recorded_steps(case: Case) -> set[str]:
    """The step codes of ``case`` with at least one audio or video recording attached."""
    return set(Evidence.objects.filter(case=case, kind__in=AV_KINDS).values_list("step", flat=True))


@guard("av_recorded", always=True)
def av_recorded(ctx: GuardContext) -> list[str]:
    """Refuse a move while a required recording is missing: of this move, or of a step already taken.

    A move that creates the case (an emergency seizure on the spot) has no case
    to attach the recording to yet: its recording is then required before any
    further move (approval afterwards, extension, release…). Past steps are
    judged by the list in force on the day they were taken.
    """
    case = ctx.case
    if not case.pk or not case.event_count:
        return []  # the move that creates the case: its recording is attached right after
    recorded = av_recorded_steps(case)
    reasons = []
    proc = definitions.get(case.procedure)
    taken = case.events.exclude(transition__in=recorded).order_by("seq").values_list("transition", "at")
    by_day: dict[dt.date, dict[str, AVRequirement]] = {}  # one look-up of the list per day, not per event
    for code, at in taken:
        day = dt_local_date(at)
        if day not in by_day:
            by_day[day] = av_requirements(case.procedure, day)
        requirement = by_day[day].get(code)
        if requirement is not None and requirement.required and code not in recorded:
            reasons.append(
                _("The audio/video recording of “%(step)s” (%(day)s) is missing: attach it first (%(basis)s).")
                % {
                    "step": proc.transition(code).label,
                    "day": dt_local_date(at).isoformat(),
                    "basis": requirement.basis,
                }
            )
            recorded.add(code)  # one reason per step
    requirement = av_requirements(case.procedure, ctx.today).get(ctx.transition.code)
    if requirement is not None and requirement.required and ctx.transition.code not in recorded:
        reasons.append(
            _("“%(step)s” must be recorded on audio or video: attach the recording of this step first (%(basis)s).")
            % {"step": ctx.transition.label, "basis": requirement.basis or _("recording list")}
        )
    return reasons


def dt_local_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


@dataclass(frozen=True)
class AVStatus:
    requirement: AVRequirement
    label: str
    recorded: bool


def av_status(case: Case, on: dt.date) -> list[AVStatus]:
    """The recording requirements of the moves open from the case's state, with whether each is met."""
    proc = definitions.get(case.procedure)
    requirements = av_requirements(case.procedure, on)
    recorded = av_recorded_steps(case)
    out = []
    for move in proc.available(case.state):
        requirement = requirements.get(move.code)
        if requirement is not None:
            out.append(AVStatus(requirement, str(move.label), move.code in recorded))
    return out
