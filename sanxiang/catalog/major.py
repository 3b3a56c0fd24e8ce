"""Is a case's decision major? The one answer the legal-review gate, the case page and the statistics read.

A decision is major (重大执法决定, it needs 法制审核 before it is made: APL
Art. 58; RULES.md §3.3, §13.10) when any of these matches, each listed with
where it comes from:

1. ``catalogue``: a rule of the 法制审核目录清单 in force on the day (the
   latest leader-approved version whose date has come: ``selectors``);
2. ``statute``: the floor that no catalogue lowers, APL Art. 58 (二): a hearing
   was held, so the decision directly concerns major rights;
3. ``setting``: ``settings.REVIEW_ALL_GENERAL`` makes every decision outside
   the simple procedure major;
4. ``manual``: a ground a handler or leader added with a reason
   (``major_ground_add``; never removed);
5. ``recorded``: a match stored earlier (``determination_record``), so that a
   ground once found stays when the data later change (a lowered fine).

The simple procedure (APL Art. 51-52) has no legal review: only manual and
recorded grounds count there. A match with ``collective`` also requires a
集体讨论 (APL Art. 57 para 2; RULES.md §13.11).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases.models import Case, PartyKind
from sanxiang.cases.penalties import Penalty
from sanxiang.catalog.actions_review import determination_record, major_ground_add
from sanxiang.catalog.models import CaseFlag, MajorGround, ReviewRule, RuleKind
from sanxiang.catalog.selectors import review_catalogue_in_force

__all__ = [
    "SOURCE_LABELS",
    "CaseData",
    "Determination",
    "Match",
    "case_data",
    "case_penalty",
    "determination_record",
    "determine",
    "major_ground_add",
    "rule_matches",
]

SOURCE_LABELS = {
    "catalogue": gettext_lazy("Legal review catalogue"),
    "statute": gettext_lazy("Statute"),
    "setting": gettext_lazy("Bureau setting"),
    "manual": gettext_lazy("Added by hand"),
    "recorded": gettext_lazy("Recorded earlier"),
}

HEARING_HELD = "hearing_held"
ALL_GENERAL = "all_general"


@dataclass(frozen=True)
class Match:
    code: str  # rule code, "hearing_held", "all_general", or "manual:<pk>"
    label: str  # for people (translated)
    ground: str  # a MajorGround value
    source: str  # "catalogue" | "statute" | "setting" | "manual" | "recorded"
    collective: bool  # also requires a collective discussion (APL Art. 57 para 2)
    reason: str = ""  # manual grounds
    basis: str = ""

    @property
    def ground_label(self) -> str:
        return str(MajorGround(self.ground).label) if self.ground in MajorGround.values else self.ground

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))


@dataclass(frozen=True)
class Determination:
    major: bool  # any match
    collective: bool  # any match with collective=True
    matches: tuple[Match, ...]
    catalogue_version: str | None  # the catalogue in force that was applied


@dataclass(frozen=True)
class CaseData:
    """What the catalogue rules look at: the penalty considered, the party type, the violation, the flags."""

    penalty: Penalty | None
    organisation: bool
    violation_code: str | None
    flags: frozenset[str]


def case_penalty(case: Case) -> Penalty | None:
    """The decided penalty, else the notified one, else None (``case.facts``)."""
    data = case.facts.get("decided_penalty") or case.facts.get("notified_penalty")
    return Penalty.from_json(data) if data else None


def case_data(case: Case, penalty: Penalty | None) -> CaseData:
    """``CaseData`` of ``case`` with ``penalty`` under consideration (party type as in ``cases.guards``)."""
    flags = case.major_grounds.exclude(flag="").values_list("flag", flat=True) if case.pk else []
    return CaseData(
        penalty=penalty,
        organisation=case.pk is not None and case.parties.filter(kind=PartyKind.ORGANISATION).exists(),
        violation_code=case.violation.code if case.violation is not None else None,
        flags=frozenset(flags),
    )


def rule_matches(rule: ReviewRule, data: CaseData) -> bool:
    """True when ``rule`` applies to ``data`` (amounts: rule in yuan, penalty in fen)."""
    p = data.penalty
    threshold = (rule.amount_yuan or 0) * 100
    if rule.kind == RuleKind.FINE_PERSON:
        return p is not None and not data.organisation and p.fine_fen > 0 and p.fine_fen >= threshold
    if rule.kind == RuleKind.FINE_ORGANISATION:
        return p is not None and data.organisation and p.fine_fen > 0 and p.fine_fen >= threshold
    if rule.kind == RuleKind.CONFISCATION:
        return p is not None and p.confiscation_fen > 0 and p.confiscation_fen >= threshold
    if rule.kind == RuleKind.PENALTY_TYPE:
        return p is not None and rule.penalty_type in {str(t) for t in p.types}
    if rule.kind == RuleKind.VIOLATION:
        return rule.violation is not None and rule.violation.code == data.violation_code
    if rule.kind == RuleKind.CASE_FLAG:
        return bool(rule.flag) and rule.flag in data.flags
    return False


def _statute_and_setting(case: Case) -> list[Match]:
    found = []
    if case.facts.get("hearing_held"):
        label = _("A hearing was held: the decision directly concerns major rights")
        basis = _("APL Art. 58 para 1 (二)")
        found.append(Match(HEARING_HELD, label, MajorGround.MAJOR_RIGHTS.value, "statute", False, basis=basis))
    if settings.REVIEW_ALL_GENERAL:
        label = _("Every decision outside the simple procedure is reviewed")
        basis = "SANXIANG_REVIEW_ALL_GENERAL"
        found.append(Match(ALL_GENERAL, label, MajorGround.AGENCY.value, "setting", False, basis=basis))
    return found


def _manual(case: Case) -> list[Match]:
    out = []
    for row in case.major_grounds.order_by("at", "id"):
        label = str(row.get_ground_display())
        if row.flag:
            label = f"{label}: {CaseFlag(row.flag).label}"
        out.append(Match(f"manual:{row.pk}", label, row.ground, "manual", row.collective, reason=row.reason))
    return out


def _recorded(case: Case) -> list[Match]:
    return [
        Match(r.code, r.label, r.ground, "recorded", r.collective, basis=r.basis)
        for r in case.major_matches.order_by("at", "id")
    ]


def _merge(matches: Iterable[Match]) -> tuple[Match, ...]:
    """De-duplicate by code: the first (live) match stays, ``collective`` if any copy requires it."""
    by_code: dict[str, Match] = {}
    for m in matches:
        first = by_code.get(m.code)
        if first is None:
            by_code[m.code] = m
        elif m.collective and not first.collective:
            by_code[m.code] = dataclasses.replace(first, collective=True)
    return tuple(by_code.values())


def determine(case: Case, *, penalty: Penalty | None = None, on: dt.date | None = None) -> Determination:
    """The determination for ``case`` (see the module docstring).

    ``penalty``: the penalty under consideration (a draft's or the decision's);
    None → ``case.facts`` decided_penalty, else notified_penalty, else none.
    ``on``: the day whose catalogue applies (default today).
    """
    on = on or timezone.localdate()
    penalty = penalty if penalty is not None else case_penalty(case)
    found: list[Match] = []
    version: str | None = None
    if case.procedure != "simple":
        catalogue = review_catalogue_in_force(on)
        if catalogue is not None:
            version = catalogue.version
            data = case_data(case, penalty)
            for rule in catalogue.rules.select_related("violation").order_by("ground", "code"):
                if rule_matches(rule, data):
                    found.append(_rule_match(rule))
        found += _statute_and_setting(case)
    if case.pk is not None:
        found += _manual(case) + _recorded(case)
    matches = _merge(found)
    return Determination(bool(matches), any(m.collective for m in matches), matches, version)


def _rule_match(rule: ReviewRule) -> Match:
    return Match(rule.code, rule.label, rule.ground, "catalogue", rule.collective, basis=rule.basis)
