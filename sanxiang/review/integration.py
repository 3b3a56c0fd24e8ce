"""The two parts this app calls and does not own, imported lazily: the major-decision catalogue
(``catalog.major``) and the discretion baselines (``discretion.assess``).

Both are imported at call time so this app loads whatever order the apps are built in; the
determination is stored on each draft as a JSON snapshot (``determination_json``) so a draft keeps the
rules that matched when it was written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sanxiang.cases.models import Case
from sanxiang.cases.penalties import Penalty


def determine(case: Case, *, penalty: Penalty | None = None, on: dt.date | None = None) -> Any:
    """``catalog.major.determine``: whether the decision is major (法制审核) and collective (集体讨论), and why."""
    from sanxiang.catalog.major import determine as catalogue_determine

    return catalogue_determine(case, penalty=penalty, on=on)


def determination_record(*, actor: Any, case: Case, determination: Any) -> None:
    """``catalog.major.determination_record``: record the matches (a match once recorded stays)."""
    from sanxiang.catalog.major import determination_record as record

    record(actor=actor, case=case, determination=determination)


def determination_json(determination: Any) -> dict[str, Any]:
    """The determination as JSON for the draft's snapshot."""
    return {
        "major": bool(determination.major),
        "collective": bool(determination.collective),
        "catalogue_version": determination.catalogue_version,
        "matches": [{k: str(v) if not isinstance(v, bool) else v for k, v in dataclasses.asdict(m).items()}
                    for m in determination.matches],
    }  # fmt: skip


def assess(case: Case, penalty: Penalty, *, tier_code: str | None = None, on: dt.date | None = None) -> Any:
    """``discretion.assess.assess``: the applicable baseline range and whether ``penalty`` is within it."""
    from sanxiang.discretion.assess import assess as baseline_assess

    return baseline_assess(case, penalty, tier_code=tier_code or None, on=on)


def applicable(case: Case, *, on: dt.date | None = None) -> Any:
    from sanxiang.discretion.assess import applicable as baseline_applicable

    return baseline_applicable(case, on=on)


def require_reason(assessment: Any, reason: str) -> None:
    """``discretion.assess.require_reason``: ValidationFailed on ``discretion_reason`` when outside without one."""
    from sanxiang.discretion.assess import require_reason as baseline_require_reason

    baseline_require_reason(assessment, reason)


def assessment_text(assessment: Any) -> str:
    """A one-line account of the assessment for the draft (the tier and the problems, if any)."""
    if assessment.applicable is None:
        return ""
    tier = assessment.tier.circumstance if assessment.tier is not None else ""
    problems = "；".join(str(p) for p in assessment.problems)
    return f"{tier}{'：' + problems if problems else ''}"
