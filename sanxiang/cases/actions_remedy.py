"""The outcome of a 行政复议 or 行政诉讼 against a decision, recorded on the case (APL Art. 48).

When the outcome changes or revokes the decision, or confirms it illegal or
void, the decision's publication is withdrawn at once with the reason
published (the law allows 3 working days; the system does not wait).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.engine import case_transition
from sanxiang.cases.models import Case
from sanxiang.lib.validation import field_error
from sanxiang.org.models import User
from sanxiang.org.selectors import system_user

REMEDY_KINDS = {"reconsideration": "行政复议", "litigation": "行政诉讼"}
#: Outcomes after which the published decision must be withdrawn (APL Art. 48: 变更、撤销、确认违法或无效).
WITHDRAWING_OUTCOMES = {
    "revoked": "撤销",
    "changed": "变更",
    "confirmed_illegal": "确认违法",
    "confirmed_void": "确认无效",
}
OUTCOMES = {**WITHDRAWING_OUTCOMES, "upheld": "维持"}


@transaction.atomic
def case_record_remedy_outcome(
    *, actor: User, case: Case, kind: str, outcome: str, decided_on: dt.date, organ: str, document_no: str = ""
) -> Case:
    """Record that ``organ`` decided ``outcome`` on the case's decision; withdraw the publication if it falls."""
    from sanxiang.publicity.actions import publication_withdraw_for_case

    if kind not in REMEDY_KINDS:
        raise field_error("kind", _("Choose reconsideration or litigation."))
    if outcome not in OUTCOMES:
        raise field_error("outcome", _("Choose the outcome."))
    if not organ.strip():
        raise field_error("organ", _("Name the reconsideration body or court."))
    if decided_on > timezone.localdate():
        raise field_error("decided_on", _("The date cannot be in the future."))
    record = {
        "kind": kind, "outcome": outcome, "decided_on": decided_on.isoformat(), "organ": organ.strip(),
        "document_no": document_no.strip(),
    }  # fmt: skip
    case = case_transition(
        case=case, code="record_remedy_outcome", actor=actor, changes={"facts.remedy_outcome": record}, payload=record
    )
    if outcome in WITHDRAWING_OUTCOMES:
        reason = _("On %(date)s %(organ)s decided in %(kind)s to %(outcome)s this decision (%(doc)s).") % {
            "date": decided_on.isoformat(),
            "organ": organ.strip(),
            "kind": REMEDY_KINDS[kind],
            "outcome": WITHDRAWING_OUTCOMES[outcome],
            "doc": document_no.strip() or "—",
        }
        publication_withdraw_for_case(actor=system_user(), case=case, reason=reason)
    return case
