"""Actions of the simple (on-the-spot) procedure (简易程序, APL Art. 51-52, 68-71).

The simple procedure's closing, archiving and bank payments use the general
actions (``actions.case_record_payment``, ``case_close``, ``case_archive``):
the definition names the same transitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import guards_extra  # noqa: F401  (registers the gates these moves name)
from sanxiang.cases.actions import _penalty, case_open, issue_number
from sanxiang.cases.engine import case_transition
from sanxiang.cases.models import Case, CaseSource, Party
from sanxiang.catalog.models import Violation
from sanxiang.lib.validation import field_error
from sanxiang.org.models import EnforcementCategory, Region, Unit, User
from sanxiang.procedures.definitions.general import PAYMENT_DEADLINE

#: ARL Art. 20, 23: a party disputing an on-the-spot decision must first apply for reconsideration, within 60 days.
REVIEW_PERIOD_DAYS = 60


def number_pattern(setting: str, fallback: str) -> str:
    """The pattern in ``settings.<setting>``; ``settings.<fallback>`` while the project has no such setting."""
    return str(getattr(settings, setting, getattr(settings, fallback)))


def _remedy_notice(unit: Unit) -> dict[str, Any]:
    """What the decision must tell the party: reconsideration first (复议前置), where, and within what period."""
    return {
        "review_first": True,
        "review_body": unit.agency.review_body,
        "review_period_days": REVIEW_PERIOD_DAYS,
        "basis": "ARL Art. 20, 23(一), 24",
    }


@transaction.atomic
def case_decide_on_the_spot(
    *,
    actor: User,
    unit: Unit,
    category: EnforcementCategory,
    region: Region,
    location: str,
    summary: str,
    party: Party,
    violation: Violation | None,
    officers: Sequence[User],
    types: Sequence[str],
    fine_fen: int = 0,
    form_number: str,
    facts_conclusive: bool,
    act_date: dt.date | None = None,
    source: CaseSource = CaseSource.PATROL,
    party_signed: bool = True,
    refusal_note: str = "",
    place: str = "",
) -> Case:
    """当场处罚: creates the case with its lead and case numbers, decided and handed over on the spot.

    Gates: two qualified officers (APL Art. 42, 52); facts conclusive and a
    violation as legal basis; a warning or a fine ≤ 200 / 3,000 yuan (Art. 51);
    an unused pre-printed form number (Art. 52). Records that the decision
    carries the reconsideration-first notice (ARL Art. 23) and starts the
    15-day payment period when there is a fine (APL Art. 67).
    """
    if violation is not None and violation.category_id != category.pk:
        raise field_error("violation", _("The violation belongs to another enforcement category."))
    if not party_signed and not refusal_note.strip():
        raise field_error("refusal_note", _("Note on the form that the party refused to sign (APL Art. 52)."))
    penalty = _penalty(types, fine_fen, 0)
    case = case_open(
        procedure="simple", source=source, unit=unit, category=category, region=region, location=location,
        summary=summary, parties=[party], act_date=act_date or timezone.localdate(), violation=violation,
    )  # fmt: skip
    handler_ids = list(dict.fromkeys(o.pk for o in officers))
    changes: dict[str, Any] = {
        "number": issue_number(number_pattern("SIMPLE_CASE_NUMBER_PATTERN", "CASE_NUMBER_PATTERN")),
        "handlers": handler_ids,
        "facts.decided_penalty": penalty.to_json(),
        "facts.decided_on": timezone.localdate().isoformat(),
        "facts.form_number": form_number.strip(),
        "facts.review_first_notice": True,
    }
    if violation is not None:
        changes["violation_id"] = violation.pk
    params = {
        "handler_ids": handler_ids,
        "penalty": penalty.to_json(),
        "facts_conclusive": facts_conclusive,
        "form_number": form_number,
    }
    payload = {
        "lead_number": case.lead_number,
        "form_number": form_number.strip(),
        "party_signed": party_signed,
        "refusal_note": refusal_note.strip(),
        "remedy": _remedy_notice(unit),
    }
    return case_transition(
        case=case, code="decide_on_the_spot", actor=actor, changes=changes, payload=payload, params=params,
        place=place, starts=(PAYMENT_DEADLINE,) if penalty.fine_fen else (),
    )  # fmt: skip


@transaction.atomic
def case_collect_on_the_spot(
    *, actor: User, case: Case, receipt_no: str, hard_to_collect_reason: str = "", place: str = ""
) -> Case:
    """当场收缴 of the whole fine, against the finance department's official receipt (APL Art. 68, 70).

    Allowed for a fine ≤ 100 yuan, or with the reason the fine would be hard
    to collect later; the officer must hand the cash in within 2 working
    days (APL Art. 71), which the move starts.
    """
    fine = int((case.facts.get("decided_penalty") or {}).get("fine_fen", 0))
    cash = {
        "amount_fen": fine,
        "receipt_no": receipt_no.strip(),
        "collected_on": timezone.localdate().isoformat(),
        "hard_to_collect_reason": hard_to_collect_reason.strip(),
    }
    params = {"receipt_no": receipt_no, "hard_to_collect_reason": hard_to_collect_reason}
    return case_transition(
        case=case, code="collect_on_the_spot", actor=actor, changes={"facts.paid_fen": fine, "facts.cash": cash},
        payload=cash, params=params, place=place,
    )  # fmt: skip


@transaction.atomic
def case_hand_in_cash(*, actor: User, case: Case, received_by: str) -> Case:
    """The officer hands the cash in to the agency (APL Art. 71); the agency then has 2 working days to bank it."""
    if not received_by.strip():
        raise field_error("received_by", _("Name who received the cash for the agency."))
    return case_transition(
        case=case, code="hand_in_cash", actor=actor,
        changes={"facts.cash_handed_in_on": timezone.localdate().isoformat()},
        payload={"received_by": received_by.strip()},
    )  # fmt: skip


@transaction.atomic
def case_deposit_cash(*, actor: User, case: Case, bank_receipt_no: str) -> Case:
    """The agency pays the cash into the designated bank (APL Art. 71, 74)."""
    if not bank_receipt_no.strip():
        raise field_error("bank_receipt_no", _("Enter the bank's receipt number."))
    return case_transition(
        case=case, code="deposit_cash", actor=actor,
        changes={"facts.cash_deposited_on": timezone.localdate().isoformat()},
        payload={"bank_receipt_no": bank_receipt_no.strip()},
    )  # fmt: skip


@transaction.atomic
def case_file_record(*, actor: User, case: Case, note: str = "") -> Case:
    """备案: the on-the-spot decision is filed for record with the agency (APL Art. 52 para 3)."""
    return case_transition(
        case=case, code="file_record", actor=actor,
        changes={"facts.filed_on": timezone.localdate().isoformat()}, payload={"note": note.strip()},
    )  # fmt: skip
