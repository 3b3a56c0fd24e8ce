"""The statutory discretion factors of the 行政处罚法 (2021): law, not data, so constants.

Each ``Factor`` cites its article and says which 裁量阶次 (``Level``) the
law allows when it applies. ``suggested_factors`` tells which factors the
case's recorded data points to; the handler and the legal reviewer decide
whether they apply (first offence and prompt correction are matters of fact
the system does not hold).

Factors with ``mandatory`` set bind the decision ("应当"/"不予"): when the
case data establishes one (a minor party, from the party record), a penalty
at a level the factor does not allow is outside the baseline and needs a
reason (``sanxiang.discretion.assess``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case, IdType, PartyKind
from sanxiang.discretion.models import Level
from sanxiang.lib.idnumbers import id_number_birth_date

ALL_LEVELS = frozenset(Level)
LIGHTER_OR_MITIGATED = frozenset({Level.NO_PENALTY, Level.MITIGATED, Level.LIGHTER})


@dataclass(frozen=True)
class Factor:
    code: str
    label: Promise | str
    article: str
    #: The levels the law allows when the factor applies.
    levels: frozenset[Level]
    #: True for "shall" (应当 / 不予): binding once established; False for "may" (可以).
    mandatory: bool

    def text(self) -> str:
        """The label with its article, for people."""
        return f"{self.label}（{self.article}）"


UNDER_14 = Factor(
    "under_14",
    _("Minor under 14: no penalty; the guardian is ordered to discipline"),
    "《行政处罚法》第三十条",
    frozenset({Level.NO_PENALTY}),
    True,
)
MINOR_14_18 = Factor(
    "minor_14_18",
    _("Minor aged 14 to 18: a lighter or mitigated penalty is required"),
    "《行政处罚法》第三十条",
    LIGHTER_OR_MITIGATED,
    True,
)
MENTAL_INCAPABLE = Factor(
    "mental_incapable",
    _("Mental illness or intellectual disability, unable to recognise or control the act: no penalty"),
    "《行政处罚法》第三十一条",
    frozenset({Level.NO_PENALTY}),
    True,
)
MENTAL_PARTIAL = Factor(
    "mental_partial",
    _("Mental illness or intellectual disability, not wholly unable to recognise or control the act: "
      "a lighter or mitigated penalty is allowed"),
    "《行政处罚法》第三十一条",
    ALL_LEVELS,
    False,
)  # fmt: skip
ELIMINATED_HARM = Factor(
    "eliminated_harm",
    _("Actively eliminated or reduced the harmful consequences: a lighter or mitigated penalty is required"),
    "《行政处罚法》第三十二条第（一）项",
    LIGHTER_OR_MITIGATED,
    True,
)
COERCED = Factor(
    "coerced",
    _("Acted under coercion or inducement by others: a lighter or mitigated penalty is required"),
    "《行政处罚法》第三十二条第（二）项",
    LIGHTER_OR_MITIGATED,
    True,
)
CONFESSED = Factor(
    "confessed",
    _("Confessed violations the agency did not know of: a lighter or mitigated penalty is required"),
    "《行政处罚法》第三十二条第（三）项",
    LIGHTER_OR_MITIGATED,
    True,
)
MERITORIOUS = Factor(
    "meritorious",
    _("Meritorious cooperation in investigating violations: a lighter or mitigated penalty is required"),
    "《行政处罚法》第三十二条第（四）项",
    LIGHTER_OR_MITIGATED,
    True,
)
OTHER_BY_LAW = Factor(
    "other_by_law",
    _("Other grounds in laws, regulations or rules: a lighter or mitigated penalty is required"),
    "《行政处罚法》第三十二条第（五）项",
    LIGHTER_OR_MITIGATED,
    True,
)
MINOR_AND_CORRECTED = Factor(
    "minor_and_corrected",
    _("Minor violation promptly corrected without harmful consequences: no penalty"),
    "《行政处罚法》第三十三条第一款",
    frozenset({Level.NO_PENALTY}),
    True,
)
FIRST_OFFENCE = Factor(
    "first_offence",
    _("First offence with slight harm, promptly corrected: the penalty may be waived"),
    "《行政处罚法》第三十三条第一款",
    ALL_LEVELS,
    False,
)
NO_FAULT = Factor(
    "no_fault",
    _("The party proves it had no subjective fault: no penalty unless a law or regulation provides otherwise"),
    "《行政处罚法》第三十三条第二款",
    frozenset({Level.NO_PENALTY}),
    True,
)

FACTORS: tuple[Factor, ...] = (
    UNDER_14, MINOR_14_18, MENTAL_INCAPABLE, MENTAL_PARTIAL, ELIMINATED_HARM, COERCED, CONFESSED,
    MERITORIOUS, OTHER_BY_LAW, MINOR_AND_CORRECTED, FIRST_OFFENCE, NO_FAULT,
)  # fmt: skip
BY_CODE = {f.code: f for f in FACTORS}


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _minor_factor(case: Case) -> Factor | None:
    """APL Art. 30: age at the time of the act (its date, else the day it was discovered)."""
    day = case.act_date or case.discovered_on
    found: Factor | None = None
    for party in case.parties.all():
        if party.kind != PartyKind.PERSON:
            continue
        age = age_on(id_number_birth_date(party.id_number), day) if party.id_type == IdType.RESIDENT_ID else None
        if age is not None and age < 14:
            return UNDER_14
        if (age is not None and age < 18) or (age is None and party.is_minor):
            found = MINOR_14_18
    return found


def _no_earlier_penalty(case: Case) -> bool:
    """True when no other case of the same parties (by ID number) has a decided penalty on record."""
    numbers = [p.id_number for p in case.parties.all()]
    if not numbers:
        return False
    earlier = Case.objects.filter(parties__id_number__in=numbers, facts__has_key="decided_penalty").exclude(pk=case.pk)
    return not earlier.exists()


def suggested_factors(case: Case) -> tuple[Factor, ...]:
    """The factors the case's recorded data points to, in ``FACTORS`` order.

    - a party under 18 at the act (from the resident ID number, else the
      party's ``is_minor``): Art. 30, established;
    - ``facts["harmful_consequences"]`` recorded as false: Art. 33 para. 1 (no
      penalty if the violation was minor and promptly corrected) — to check;
    - no earlier decided penalty against the same parties: Art. 33 para. 1
      first offence — to check.
    """
    found: list[Factor] = []
    minor = _minor_factor(case)
    if minor is not None:
        found.append(minor)
    if case.facts.get("harmful_consequences") is False:
        found.append(MINOR_AND_CORRECTED)
    if _no_earlier_penalty(case):
        found.append(FIRST_OFFENCE)
    return tuple(f for f in FACTORS if f in found)


def established_factors(case: Case) -> tuple[Factor, ...]:
    """The suggested factors that the data establishes by itself and that bind: the party's age (Art. 30)."""
    minor = _minor_factor(case)
    return (minor,) if minor is not None else ()
