"""The hard gates of RULES.md §13 that concern a case, registered by the names the definitions use.

Each guard returns the reasons it refuses, each a sentence for the person;
the engine refuses the move when any guard returns one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.cases import execution
from sanxiang.cases.models import Case, CaseHandler, Conflict, Deadline, PartyKind, Recusal
from sanxiang.cases.penalties import Penalty
from sanxiang.lib import daycount
from sanxiang.org.models import Role, User
from sanxiang.org.permissions import roles_of
from sanxiang.org.selectors import EnforcementAct, officer_qualification
from sanxiang.procedures.calendar import db_calendar
from sanxiang.procedures.guards import GuardContext, guard

_ACT_OF = {
    "register": EnforcementAct.INVESTIGATE,
    "record_transcript": EnforcementAct.INVESTIGATE,
    "attach_evidence": EnforcementAct.INVESTIGATE,
    "preserve_evidence": EnforcementAct.INVESTIGATE,
    "notify": EnforcementAct.SERVE,
    "serve": EnforcementAct.SERVE,
    "send_demand": EnforcementAct.SERVE,
    "reassign_handlers": EnforcementAct.INVESTIGATE,
}


def _handlers(ctx: GuardContext) -> list[User]:
    ids = ctx.params.get("handler_ids")
    if ids is None:
        ids = list(CaseHandler.objects.filter(case=ctx.case).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids))


def _recused_ids(ctx: GuardContext) -> set[int]:
    """Handlers recused from the case (APL Art. 43): they no longer count towards the two officers.

    Left to ``no_recusal_conflict`` on moves that also run it (立案), so the reason is given once.
    """
    if not ctx.case.pk or "no_recusal_conflict" in ctx.transition.guards:
        return set()
    return set(Recusal.objects.filter(case=ctx.case, recused=True).values_list("user_id", flat=True))


@guard("handlers_qualified")
def handlers_qualified(ctx: GuardContext) -> list[str]:
    """At least two officers, each qualified for the case's category and region today (APL Art. 42; §13.1)."""
    case: Case = ctx.case
    act = _ACT_OF.get(ctx.transition.code, EnforcementAct.INVESTIGATE)
    reasons: list[str] = []
    qualified = 0
    recused = _recused_ids(ctx)
    for user in _handlers(ctx):
        answer = officer_qualification(user, act=act, category=case.category, region=case.region, on=ctx.today)
        if user.pk in recused:
            reasons.append(_("%(u)s has been recused from this case.") % {"u": user.full_name})
        elif answer.allowed:
            qualified += 1
        else:
            reasons.extend(answer.reasons)
    if qualified < 2:
        reasons.insert(0, _("At least two qualified enforcement officers must handle the case (APL Art. 42)."))
        return reasons
    return []


@guard("no_recusal_conflict")
def no_recusal_conflict(ctx: GuardContext) -> list[str]:
    """No handler has a recorded conflict with a party, or a recusal decision on the case (APL Art. 43)."""
    handlers = _handlers(ctx)
    id_numbers = list(ctx.case.parties.values_list("id_number", flat=True)) if ctx.case.pk else []
    id_numbers += list(ctx.params.get("party_id_numbers", []))
    reasons = []
    for conflict in Conflict.objects.filter(user__in=handlers, id_number__in=id_numbers).select_related("user"):
        reasons.append(
            _("%(u)s has a recorded conflict of interest with a party: %(r)s")
            % {"u": conflict.user.full_name, "r": conflict.reason}
        )
    if ctx.case.pk:
        for recusal in Recusal.objects.filter(case=ctx.case, user__in=handlers, recused=True).select_related("user"):
            reasons.append(_("%(u)s has been recused from this case.") % {"u": recusal.user.full_name})
    return reasons


def limitation_years(case: Case, params: Mapping[str, Any] | None = None) -> int:
    """APL Art. 36: 2 years; 5 where life, health or financial safety is involved with harmful consequences.

    ``params`` (the registration's inputs) take precedence over the stored case: the violation and the
    harm are chosen at 立案, and the guard sees the case before the move's changes are applied.
    """
    params = params or {}
    violation = params.get("violation", case.violation)
    harmful = params.get("harmful_consequences", case.facts.get("harmful_consequences"))
    safety = bool(violation and violation.involves_safety)
    return 5 if safety and harmful else 2


@guard("within_limitation_period")
def within_limitation_period(ctx: GuardContext) -> list[str]:
    """Refuse registration after the limitation period unless a leader overrides with a reason (§13.4)."""
    case: Case = ctx.case
    if case.act_date is None:
        return [_("Record the date of the act (or of its end) to check the limitation period.")]
    years = limitation_years(case, ctx.params)
    end = daycount.shift_months(case.act_date, 12 * years)
    if case.discovered_on <= end:
        return []
    override = str(ctx.params.get("limitation_override_reason", "")).strip()
    if override and Role.LEADER in roles_of(ctx.actor):
        return []
    return [
        _(
            "The act ended on %(a)s and was discovered on %(d)s, after the %(y)d-year limitation period (APL Art. 36); only a leader may override, with a reason."
        )
        % {"a": case.act_date.isoformat(), "d": case.discovered_on.isoformat(), "y": years}
    ]


def _open(case: Case, code: str) -> Deadline | None:
    return Deadline.objects.filter(case=case, code=code, closed_at__isnull=True).order_by("-id").first()


@guard("preservation_open")
def preservation_open(ctx: GuardContext) -> list[str]:
    if _open(ctx.case, "preservation_decision") is None:
        return [_("No evidence is under preservation.")]
    return []


@guard("no_open_preservation")
def no_open_preservation(ctx: GuardContext) -> list[str]:
    if _open(ctx.case, "preservation_decision") is not None:
        return [_("Decide on the preserved evidence first (within 7 working days, APL Art. 56).")]
    return []


def _is_organisation(case: Case) -> bool:
    return case.parties.filter(kind=PartyKind.ORGANISATION).exists()


@guard("hearing_eligible")
def hearing_eligible(ctx: GuardContext) -> list[str]:
    if not ctx.case.facts.get("hearing_eligible"):
        return [_("The intended penalty does not give a right to a hearing (APL Art. 63).")]
    return []


def _on_or_before(day: dt.date | None, due: dt.date) -> bool:
    return day is not None and day <= due


@guard("hearing_request_in_time")
def hearing_request_in_time(ctx: GuardContext) -> list[str]:
    window = _open(ctx.case, "hearing_request_window")
    requested = ctx.params.get("requested_on", ctx.today)
    if window is None or not _on_or_before(requested, window.due_on):
        return [_("A hearing must be requested within 5 working days after the prior notice (APL Art. 64).")]
    return []


@guard("hearing_notice_in_time")
def hearing_notice_in_time(ctx: GuardContext) -> list[str]:
    hearing_on: dt.date = ctx.params["hearing_on"]
    notice_on: dt.date = ctx.params.get("notice_served_on", ctx.today)
    earliest = daycount.add_working_days(notice_on, 7, db_calendar())
    if hearing_on < earliest:
        return [
            _(
                "The hearing notice must be served at least 7 working days before the hearing: the earliest date is %(d)s (APL Art. 64)."
            )
            % {"d": earliest.isoformat()}
        ]
    return []


@guard("hearing_presider_independent")
def hearing_presider_independent(ctx: GuardContext) -> list[str]:
    presider_id = ctx.params["presider_id"]
    if CaseHandler.objects.filter(case=ctx.case, user_id=presider_id).exists():
        return [_("The presider must not be an investigator of the case (APL Art. 64).")]
    return []


@guard("hearing_scheduled")
def hearing_scheduled(ctx: GuardContext) -> list[str]:
    """A hearing is recorded on or after its notified date, never before (APL Art. 64 (二))."""
    hearing_on = ctx.case.facts.get("hearing_on")
    if not hearing_on:
        return [_("Schedule the hearing first.")]
    if ctx.today < dt.date.fromisoformat(hearing_on):
        return [_("The hearing is scheduled for %(d)s: record it on or after that day.") % {"d": hearing_on}]
    return []


@guard("prior_notice_complete")
def prior_notice_complete(ctx: GuardContext) -> list[str]:
    """No decision before the notice's windows close, unless the party waived (APL Art. 44, 62; §13.7)."""
    if ctx.case.facts.get("waived"):
        return []
    reasons = []
    for code in ("statement_window", "hearing_request_window"):
        window = _open(ctx.case, code)
        if window is not None and ctx.today <= window.due_on:
            reasons.append(
                _(
                    "The party may still make statements or request a hearing until %(d)s, unless they waive it (APL Art. 62)."
                )
                % {"d": window.due_on.isoformat()}
            )
            break
    return reasons


@guard("hearing_held_if_requested")
def hearing_held_if_requested(ctx: GuardContext) -> list[str]:
    if ctx.case.facts.get("hearing_requested_on") and not ctx.case.facts.get("hearing_held"):
        return [_("The party requested a hearing: decide only after the hearing record (APL Art. 65).")]
    return []


@guard("not_heavier_than_notified")
def not_heavier_than_notified(ctx: GuardContext) -> list[str]:
    notified = ctx.case.facts.get("notified_penalty")
    if notified is None:
        return [_("No prior notice states the intended penalty.")]
    decided = Penalty.from_json(ctx.params["penalty"])
    if decided.heavier_than(Penalty.from_json(notified)):
        return [_("The penalty is heavier than the one notified: serve a new prior notice first (APL Art. 45).")]
    return []


@guard("service_method_allowed")
def service_method_allowed(ctx: GuardContext) -> list[str]:
    """Electronic service needs a signed consent; public notice only when other methods failed (§13.14)."""
    method = ctx.params.get("method")
    consent = ctx.case.facts.get("electronic_consent") or str(ctx.params.get("electronic_consent", "")).strip()
    if method == "electronic" and not consent:
        return [_("Electronic service needs the party's signed consent (APL Art. 61).")]
    if method == "public_notice" and not str(ctx.params.get("public_notice_reason", "")).strip():
        return [
            _(
                "Public notice is allowed only when the party cannot be found or other methods failed: record why (CPL Art. 95)."
            )
        ]
    if method == "left" and not (ctx.params.get("witnesses") or ctx.params.get("recording")):
        return [_("Leaving the document at the residence needs witnesses or an audio-visual record (CPL Art. 89).")]
    return []


@guard("payment_overdue")
def payment_overdue(ctx: GuardContext) -> list[str]:
    """A 催告 only once an amount passed its last day unpaid (AEL Art. 35, 54).

    The last day is the end of the payment period (APL Art. 67), or, under a schedule a head approved
    (APL Art. 66 para 2), each instalment's date: an instalment not yet due is not overdue. The demand's
    own service date is what is checked (``served_on``), not only the day it is recorded.
    """
    served_on: dt.date = ctx.params.get("served_on", ctx.today)
    if execution.missed_due_point(ctx.case, before=served_on) is not None:
        return []
    upcoming = execution.next_due_on(ctx.case)
    if ctx.case.facts.get(execution.SCHEDULE_KEY) and upcoming is not None:
        return [
            _(
                "Under the approved payment schedule a demand notice is served only after an instalment has passed its date unpaid: the next is due on %(d)s (APL Art. 66; AEL Art. 35, 54)."
            )
            % {"d": upcoming.isoformat()}
        ]
    return [_("A demand notice is served only after the payment period has passed unpaid (AEL Art. 35, 54).")]


@guard("court_application_window")
def court_application_window(ctx: GuardContext) -> list[str]:
    """≥ 10 working days after the demand notice, within 3 months after the remedy periods (AEL Art. 53, 54)."""
    demand_on = ctx.case.facts.get("demand_served_on")
    served_on = (ctx.case.facts.get("service") or {}).get("effective_on")
    if not demand_on or not served_on:
        return [_("Serve the decision and a demand notice first.")]
    cal = db_calendar()
    earliest = daycount.add_working_days(dt.date.fromisoformat(demand_on), 10, cal)
    remedies_end = daycount.add_months(dt.date.fromisoformat(served_on), 6, cal)
    latest = daycount.add_months(remedies_end, 3, cal)
    if ctx.today < earliest:
        return [
            _(
                "Apply to the court no earlier than 10 working days after the demand notice was served: from %(d)s (AEL Art. 54)."
            )
            % {"d": earliest.isoformat()}
        ]
    if ctx.today <= remedies_end:
        return [
            _("The periods for reconsideration and litigation end on %(d)s: apply after that (AEL Art. 53).")
            % {"d": remedies_end.isoformat()}
        ]
    if ctx.today > latest:
        return [
            _("The 3-month period for applying to the court ended on %(d)s (AEL Art. 53).") % {"d": latest.isoformat()}
        ]
    return []


@guard("obligations_settled")
def obligations_settled(ctx: GuardContext) -> list[str]:
    """The fine and the confiscated amount are paid in full, or the court enforced them after an application.

    The late-payment surcharge (APL Art. 72 (一)) is shown on the case but not required here: it is
    collected only by enforcement, through the court on the agency's application (AEL Art. 45, 46, 53,
    54), and whether to pursue it is the agency's decision, not a condition of the decision being
    executed. Once the agency records such a decision, the surcharge it chose to collect would be owed
    here too.
    """
    if ctx.case.state in {"transferred"}:
        return []
    # Court enforcement settles the obligation only once the court was applied to (AEL Art. 53).
    enforced = ctx.case.facts.get("court_enforced") or (
        ctx.params.get("court_enforced") and ctx.case.state == "enforcement"
    )
    if execution.paid_fen(ctx.case) < execution.amount_due_fen(ctx.case) and not enforced:
        return [_("The fine is not fully paid or enforced.")]
    return []


@guard("checklist_complete")
def checklist_complete(ctx: GuardContext) -> list[str]:
    from sanxiang.cases.checklist import missing_items

    missing = missing_items(ctx.case)
    if missing:
        return [_("The dossier lacks: %(items)s.") % {"items": "、".join(str(item.label) for item in missing)}]
    return []
