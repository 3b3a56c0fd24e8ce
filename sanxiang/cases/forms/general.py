"""Forms of the general procedure's transitions (一般程序), each mapped to its action in ``FORMS``.

A form only parses: it turns yuan into fen, lines into lists and choices into
objects. Whether the move is allowed (roles, gates, periods) is the action's
and the engine's answer, shown on the form when it refuses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.cases import actions, execution, selectors
from sanxiang.cases.forms.base import MAX_YUAN, ActionForm, ActionSpec, choice, date, fen, lines, long_text, text, yuan
from sanxiang.cases.forms.choices import EVIDENCE_KINDS, NO_PENALTY_GROUNDS, SERVICE_METHODS, TRANSCRIPT_KINDS
from sanxiang.cases.models import Case
from sanxiang.cases.penalties import LABELS as PENALTY_LABELS
from sanxiang.cases.penalties import Penalty
from sanxiang.catalog.models import Violation
from sanxiang.org.models import User

# --- Lead and registration ----------------------------------------------------------------------


class RegisterForm(ActionForm):
    """立案: at least two handlers (the lead first), the violation, and the limitation facts."""

    handlers = forms.ModelMultipleChoiceField(
        label=_("Handlers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two enforcement officers (APL Art. 42)."),
    )
    lead_handler = forms.ModelChoiceField(
        label=_("Lead handler"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("(the first of those ticked, in list order)"),
    )
    violation = forms.ModelChoiceField(label=_("Violation"), queryset=Violation.objects.none())
    harmful_consequences = forms.BooleanField(label=_("The act had harmful consequences"), required=False)
    limitation_override_reason = text(
        _("Reason to register after the limitation period"),
        required=False,
        help_text=_("Only a leader may register a case discovered after the limitation period (APL Art. 36)."),
    )
    place = text(_("Place"), required=False)
    submit_label = _("Register the case")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = selectors.officers_for_assignment(self.actor, self.case)
        cast("forms.ModelMultipleChoiceField[User]", self.fields["handlers"]).queryset = officers
        cast("forms.ModelChoiceField[User]", self.fields["lead_handler"]).queryset = officers
        violations = Violation.objects.filter(active=True, category_id=self.case.category_id)
        cast("forms.ModelChoiceField[Violation]", self.fields["violation"]).queryset = violations
        self.fields["violation"].initial = self.case.violation_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = list(data.get("handlers") or [])
        if "handlers" in data and len(chosen) < 2:
            self.add_error("handlers", _("Choose at least two officers (APL Art. 42)."))
        lead = data.get("lead_handler")
        if lead is not None and lead not in chosen:
            self.add_error("lead_handler", _("The lead handler must be one of the handlers ticked."))
        return data

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        chosen: list[User] = list(data["handlers"])
        lead: User = data["lead_handler"] or chosen[0]
        return {
            "handlers": [lead, *(u for u in chosen if u.pk != lead.pk)],
            "violation": data["violation"],
            "harmful_consequences": data["harmful_consequences"],
            "limitation_override_reason": data["limitation_override_reason"],
            "place": data["place"],
        }


class ReassignHandlersForm(ActionForm):
    """Replace the handlers (after a recusal, a leave or a transfer of staff)."""

    handlers = forms.ModelMultipleChoiceField(
        label=_("Handlers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two enforcement officers (APL Art. 42); the first ticked leads."),
    )
    reason = long_text(_("Reason for the change"))
    submit_label = _("Reassign the handlers")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = selectors.officers_for_assignment(self.actor, self.case)
        cast("forms.ModelMultipleChoiceField[User]", self.fields["handlers"]).queryset = officers

    def action_kwargs(self) -> dict[str, Any]:
        return {"handlers": list(self.cleaned_data["handlers"]), "reason": self.cleaned_data["reason"]}


class DismissLeadForm(ActionForm):
    reason = long_text(_("Reason for not registering"))
    submit_label = _("Decide not to register")


# --- Investigation ------------------------------------------------------------------------------


class TranscriptForm(ActionForm):
    kind = choice(_("Kind of record"), TRANSCRIPT_KINDS)
    interviewee = text(_("Person questioned or object inspected"))
    content = long_text(_("Content"))
    recorded_at = forms.DateTimeField(
        label=_("Recorded at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = text(_("Place"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recorded_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class EvidenceForm(ActionForm):
    kind = choice(_("Kind of evidence"), EVIDENCE_KINDS)
    description = long_text(_("Description"), max_length=2000)
    sha256 = text(
        _("File SHA-256"),
        required=False,
        max_length=64,
        help_text=_("The fingerprint of the file in the evidence store, if there is a file."),
    )
    place = text(_("Place"), required=False)

    def clean_sha256(self) -> str:
        return str(self.cleaned_data["sha256"]).strip().lower()


class PreserveForm(ActionForm):
    items = long_text(_("Items preserved"), max_length=5000, help_text=_("One item per line."))
    place = text(_("Place"), required=False)

    def action_kwargs(self) -> dict[str, Any]:
        return {"items": lines(self.cleaned_data["items"]), "place": self.cleaned_data["place"]}


class DecidePreservationForm(ActionForm):
    decision = long_text(_("Decision on the preserved items"))


class ConcludeForm(ActionForm):
    report = long_text(_("Investigation report"))
    proposal = long_text(_("Proposal of the handlers"), required=False)


# --- Examination and outcomes -------------------------------------------------------------------


class ExamineForm(ActionForm):
    opinion = long_text(_("Opinion"))
    submit_label = _("Intend a penalty")


class NoPenaltyForm(ActionForm):
    ground = choice(_("Ground"), NO_PENALTY_GROUNDS)
    reasons = long_text(_("Reasons"))


class TransferForm(ActionForm):
    organ = text(_("Receiving organ"))
    reasons = long_text(_("Reasons"))


def penalty_types() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Penalty types"),
        choices=[(str(kind), label) for kind, label in PENALTY_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )


class PenaltyForm(ActionForm):
    """The penalty typed in yuan; the action gets integer fen."""

    types = penalty_types()
    fine_yuan = yuan(_("Fine (yuan)"))
    confiscation_yuan = yuan(_("Confiscated income or property (yuan)"))
    error_aliases = {"fine_fen": "fine_yuan", "confiscation_fen": "confiscation_yuan"}

    def penalty_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "types": list(data["types"]),
            "fine_fen": fen(data["fine_yuan"]),
            "confiscation_fen": fen(data["confiscation_yuan"]),
        }


class NotifyForm(PenaltyForm):
    served_on = date(_("Served on"))
    method = choice(_("Method of service"), SERVICE_METHODS)
    submit_label = _("Record the prior notice")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["served_on"].initial = timezone.localdate()

    def action_kwargs(self) -> dict[str, Any]:
        return {
            **self.penalty_kwargs(),
            "served_on": self.cleaned_data["served_on"],
            "method": self.cleaned_data["method"],
        }


class StatementForm(ActionForm):
    statement = long_text(_("Statement and defence of the party"))
    recheck = long_text(_("Re-examination of the statement"))


class WaiveForm(ActionForm):
    signed_on = date(_("Waiver signed on"))
    note = text(_("Note"), required=False)


class RequestHearingForm(ActionForm):
    requested_on = date(_("Hearing requested on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_on"].initial = timezone.localdate()


class ScheduleHearingForm(ActionForm):
    hearing_on = date(_("Hearing date"))
    presider = forms.ModelChoiceField(label=_("Presider"), queryset=User.objects.none())
    notice_served_on = date(_("Hearing notice served on"))
    place = text(_("Place of the hearing"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["presider"]).queryset = selectors.presider_choices(self.case)
        self.fields["notice_served_on"].initial = timezone.localdate()


class HoldHearingForm(ActionForm):
    record = long_text(_("Hearing record"))
    report = long_text(_("Report of the presider"), required=False)


class DecideForm(PenaltyForm):
    reasons = long_text(_("Reasons"), required=False)
    discretion_reason = long_text(
        _("Reason for departing from the discretion baseline"),
        required=False,
        max_length=2000,
        help_text=_("Only when the penalty lies outside the baseline's range and differs from the reviewed draft."),
    )
    submit_label = _("Decide the penalty")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        notified = self.case.facts.get("notified_penalty")
        if notified:
            penalty = Penalty.from_json(notified)
            self.initial.setdefault("types", sorted(str(t) for t in penalty.types))
            self.initial.setdefault("fine_yuan", penalty.fine_fen / 100 if penalty.fine_fen else None)
            self.initial.setdefault(
                "confiscation_yuan", penalty.confiscation_fen / 100 if penalty.confiscation_fen else None
            )

    def action_kwargs(self) -> dict[str, Any]:
        return {
            **self.penalty_kwargs(),
            "reasons": self.cleaned_data["reasons"],
            "discretion_reason": self.cleaned_data["discretion_reason"],
        }


class ServeForm(ActionForm):
    method = choice(_("Method of service"), SERVICE_METHODS)
    served_on = date(_("Served on"))
    recipient = text(_("Recipient"), required=False)
    witnesses = long_text(_("Witnesses"), required=False, max_length=2000, help_text=_("One per line."))
    recording = text(_("Audio-visual record"), required=False, help_text=_("Reference of the recording, if any."))
    public_notice_reason = long_text(_("Why public notice"), required=False, max_length=2000)
    electronic_consent = text(
        _("Consent to electronic service"),
        required=False,
        help_text=_("Number or file fingerprint of the party's signed consent, for electronic service."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["served_on"].initial = timezone.localdate()

    def action_kwargs(self) -> dict[str, Any]:
        return {**self.cleaned_data, "witnesses": lines(self.cleaned_data["witnesses"])}


# --- Execution and closing ----------------------------------------------------------------------


class PaymentForm(ActionForm):
    amount_yuan = yuan(_("Amount paid (yuan)"), required=True, minimum="0.01")
    paid_on = date(_("Paid on"))
    receipt_no = text(_("Receipt number"), max_length=64)
    error_aliases = {"amount_fen": "amount_yuan"}

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"amount_fen": fen(data["amount_yuan"]), "paid_on": data["paid_on"], "receipt_no": data["receipt_no"]}


class DeferralForm(ActionForm):
    """暂缓或者分期缴纳 (APL Art. 66 para 2): the dates and amounts typed one per line, in yuan."""

    kind = choice(_("Approved"), execution.SCHEDULE_KINDS)
    schedule = long_text(_("Dates and amounts"), max_length=2000)
    reason = long_text(_("Reason given by the party"), max_length=2000)
    submit_label = _("Approve the payment schedule")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owed = max(0, execution.amount_due_fen(self.case) - execution.paid_fen(self.case))
        self.fields["schedule"].help_text = _(
            "One per line: the last day to pay and the amount in yuan, e.g. “2026-07-15 250.00”. The amounts add up to what is owed: %(owed)s."
        ) % {"owed": selectors.yuan(owed)}

    def clean_schedule(self) -> list[tuple[dt.date, int]]:
        parsed = []
        for number, line in enumerate(lines(self.cleaned_data["schedule"]), start=1):
            try:
                day, amount = line.split()
                parsed.append((dt.date.fromisoformat(day), _fen_of(amount)))
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)d: write the date (YYYY-MM-DD) and the amount in yuan, e.g. “2026-07-15 250.00”."),
                    params={"n": number},
                ) from None
        return parsed


def _fen_of(text_: str) -> int:
    """An amount in yuan with at most two decimals, as integer fen (``ValueError`` otherwise)."""
    try:
        amount = Decimal(text_)
    except InvalidOperation:
        raise ValueError(text_) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_YUAN or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(text_)
    return fen(amount)


class DemandForm(ActionForm):
    served_on = date(_("Demand notice served on"))


class CourtForm(ActionForm):
    court = text(_("Court"))


class ExecutionForm(ActionForm):
    note = text(_("Note"), required=False)
    court_enforced = forms.BooleanField(label=_("Enforced by the court"), required=False)


class CloseForm(ActionForm):
    report = long_text(_("Closing report"))
    submit_label = _("Close the case")


class ArchiveForm(ActionForm):
    submit_label = _("Archive the dossier")


def archive_dossier(*, actor: User, case: Case) -> Case:
    """归档 through the dossier: the archive move, the 卷内目录 and the retention (``documents.actions``)."""
    from sanxiang.documents.actions import dossier_archive_case

    return dossier_archive_case(actor=actor, case=case)


FORMS: dict[str, ActionSpec] = {
    "register": ActionSpec(
        RegisterForm,
        actions.case_register,
        frozenset({"handlers_qualified", "no_recusal_conflict", "within_limitation_period"}),
    ),
    "dismiss_lead": ActionSpec(DismissLeadForm, actions.case_dismiss_lead),
    "reassign_handlers": ActionSpec(
        ReassignHandlersForm, actions.case_reassign_handlers, frozenset({"handlers_qualified", "no_recusal_conflict"})
    ),
    "record_transcript": ActionSpec(TranscriptForm, actions.case_record_transcript),
    "attach_evidence": ActionSpec(EvidenceForm, actions.case_attach_evidence),
    "preserve_evidence": ActionSpec(PreserveForm, actions.case_preserve_evidence),
    "decide_preservation": ActionSpec(DecidePreservationForm, actions.case_decide_preservation),
    "conclude_investigation": ActionSpec(ConcludeForm, actions.case_conclude_investigation),
    "examine": ActionSpec(ExamineForm, actions.case_examine),
    "decide_no_penalty": ActionSpec(NoPenaltyForm, actions.case_decide_no_penalty),
    "transfer": ActionSpec(TransferForm, actions.case_transfer),
    "notify": ActionSpec(NotifyForm, actions.case_notify),
    "record_statement": ActionSpec(StatementForm, actions.case_record_statement),
    "waive_rights": ActionSpec(WaiveForm, actions.case_waive_rights),
    "request_hearing": ActionSpec(
        RequestHearingForm, actions.case_request_hearing, frozenset({"hearing_request_in_time"})
    ),
    "schedule_hearing": ActionSpec(
        ScheduleHearingForm,
        actions.case_schedule_hearing,
        frozenset({"hearing_notice_in_time", "hearing_presider_independent"}),
    ),
    "hold_hearing": ActionSpec(HoldHearingForm, actions.case_hold_hearing),
    "decide": ActionSpec(DecideForm, actions.case_decide, frozenset({"not_heavier_than_notified"})),
    "serve": ActionSpec(ServeForm, actions.case_serve, frozenset({"service_method_allowed"})),
    "record_payment": ActionSpec(PaymentForm, actions.case_record_payment),
    "approve_deferral": ActionSpec(DeferralForm, actions.case_approve_deferral),
    "send_demand": ActionSpec(DemandForm, actions.case_send_demand),
    "apply_court_enforcement": ActionSpec(CourtForm, actions.case_apply_court_enforcement),
    "record_execution": ActionSpec(ExecutionForm, actions.case_record_execution, frozenset({"obligations_settled"})),
    "close": ActionSpec(CloseForm, actions.case_close),
    "archive": ActionSpec(ArchiveForm, archive_dossier),
}
