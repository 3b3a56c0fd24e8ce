"""The forms that start a case without a lead: an on-the-spot decision, an inspection, a compulsory measure.

Each parses a party (required for an on-the-spot decision, optional
otherwise), where the case is handled and by which officers, and what its
first step records. ``start`` names the procedure's first action and its
keyword arguments; the action decides, and a refusal (a gate's every reason,
a field error) goes back onto the form, leaving no case and no number behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sanxiang.cases import actions_compulsory, actions_inspection, actions_simple, selectors
from sanxiang.cases.actions_compulsory import MeasureSubject
from sanxiang.cases.forms.base import choice, fen, lines, long_text, text, yuan
from sanxiang.cases.forms.compulsory import MEASURE_KINDS, case_by_number
from sanxiang.cases.forms.lead import LeadForm
from sanxiang.cases.models import Case, CaseSource, IdType, Party, PartyKind
from sanxiang.cases.penalties import LABELS as PENALTY_LABELS
from sanxiang.cases.penalties import PenaltyType
from sanxiang.catalog.models import Violation
from sanxiang.lib.exceptions import DomainError, GateRefused
from sanxiang.org.forms.staff import add_domain_errors
from sanxiang.org.models import Unit, User
from sanxiang.org.permissions import roles_of
from sanxiang.procedures.definitions import compulsory

if TYPE_CHECKING:
    from django.forms import BoundField
    from django_stubs_ext import StrOrPromise

# The new-lead form's fields, declared once: every form instance deep-copies the fields it declares.
_LEAD = LeadForm.base_fields
PARTY_FIELDS = tuple(name for name in _LEAD if name.startswith("party_"))
#: The party's fields that name one: filled in, the others become required too.
_PARTY_NAMED_BY = ("party_name", "party_id_number")
_PARTY_REQUIRED = ("party_kind", "party_name", "party_id_type", "party_id_number")

#: The first action of a procedure and its keyword arguments besides ``actor``.
Start = tuple[Callable[..., Case], dict[str, Any]]


class StartForm(forms.Form):
    """What every start form shares: the party, the handling unit and place, the officers, the refusal display."""

    title: ClassVar[StrOrPromise]
    submit_label: ClassVar[StrOrPromise]
    basis: ClassVar[str] = ""
    #: (legend, field names) in page order.
    fieldsets: ClassVar[tuple[tuple[StrOrPromise, tuple[str, ...]], ...]] = ()
    party_required: ClassVar[bool] = False
    #: Field names the action uses in its errors that the form shows on another field.
    error_aliases: ClassVar[dict[str, str]] = {}

    party_kind = _LEAD["party_kind"]
    party_name = _LEAD["party_name"]
    party_id_type = _LEAD["party_id_type"]
    party_id_number = _LEAD["party_id_number"]
    party_address = _LEAD["party_address"]
    party_phone = _LEAD["party_phone"]
    party_legal_representative = _LEAD["party_legal_representative"]
    source = _LEAD["source"]
    unit = _LEAD["unit"]
    category = _LEAD["category"]
    region = _LEAD["region"]
    location = _LEAD["location"]
    officers = forms.ModelMultipleChoiceField(
        label=_("Handlers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two enforcement officers (APL Art. 42)."),
    )

    def __init__(self, *args: Any, actor: User, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset = units
        officers = cast("forms.ModelMultipleChoiceField[User]", self.fields["officers"])
        officers.queryset = selectors.officers_in(units).order_by("unit__path", "username")
        if not self.party_required:
            for name in PARTY_FIELDS:
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.party_required and self._names_a_party(data):
            for name in _PARTY_REQUIRED:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return data

    @staticmethod
    def _names_a_party(data: dict[str, Any]) -> bool:
        return any(data.get(name) for name in _PARTY_NAMED_BY)

    def party_kwargs(self) -> dict[str, Any] | None:
        """The keyword arguments of ``actions.party_build``; None when no party is given (where it is optional)."""
        data = self.cleaned_data
        if not self.party_required and not self._names_a_party(data):
            return None
        return {
            "kind": PartyKind(data["party_kind"]),
            "name": data["party_name"],
            "id_type": IdType(data["party_id_type"]),
            "id_number": data["party_id_number"],
            "address": data["party_address"],
            "phone": data["party_phone"],
            "legal_representative": data["party_legal_representative"],
        }

    def officer_list(self) -> list[User]:
        """The officers ticked, the person starting first if ticked (the first becomes the lead handler)."""
        return sorted(self.cleaned_data["officers"], key=lambda user: user.pk != self.actor.pk)

    def sections(self) -> list[tuple[StrOrPromise, list[BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def transition_code(self) -> str:
        """The code of the transition that starts the case (call after ``is_valid``); each subclass defines it.

        Not an ``abc.abstractmethod``: Django's form metaclass cannot be combined with ``ABCMeta``.
        """
        raise NotImplementedError

    def start(self, parties: list[Party]) -> Start:
        """The action that starts the case and its arguments (call after ``is_valid``); each subclass defines it."""
        raise NotImplementedError

    def add_refusal(self, exc: DomainError) -> None:
        """Show a refusal: a gate's every reason, or the field errors where they belong."""
        if isinstance(exc, GateRefused):
            self.add_error(None, exc.message)
            for reason in exc.reasons:
                self.add_error(None, reason)
            return
        add_domain_errors(self, exc, aliases=self.error_aliases)


# --- 简易程序 ---------------------------------------------------------------------------------------


class SimpleStartForm(StartForm):
    """当场处罚: the decision handed over on the spot; the gates check the officers, the facts and the limits."""

    title = _("Decide a penalty on the spot")
    submit_label = _("Decide a penalty on the spot")
    basis = "APL Art. 42, 51, 52; ARL Art. 23"
    party_required = True
    error_aliases = {"fine_fen": "fine_yuan"}

    violation = forms.ModelChoiceField(
        label=_("Violation"),
        queryset=Violation.objects.filter(active=True).order_by("category_id", "code"),
        required=False,
        help_text=_("Its penalty provisions are the legal basis of the decision (APL Art. 51)."),
    )
    summary = _LEAD["summary"]
    act_date = _LEAD["act_date"]
    types = forms.MultipleChoiceField(
        label=_("Penalty types"),
        choices=[(str(kind), PENALTY_LABELS[kind]) for kind in (PenaltyType.WARNING, PenaltyType.FINE)],
        widget=forms.CheckboxSelectMultiple,
    )
    fine_yuan = yuan(_("Fine (yuan)"))
    form_number = text(_("Number of the pre-printed decision form"), required=False, max_length=64)
    facts_conclusive = forms.BooleanField(
        label=_("The facts are conclusive and the evidence sufficient"), required=False
    )
    party_signed = forms.BooleanField(label=_("The party signed the decision"), required=False, initial=True)
    refusal_note = text(_("Note of the refusal to sign"), required=False, max_length=500)

    fieldsets = (
        (_("Party"), PARTY_FIELDS),
        (_("Where and by whom"), ("source", "unit", "category", "region", "location", "officers")),
        (
            _("Decision"),
            ("violation", "summary", "act_date", "types", "fine_yuan", "form_number", "facts_conclusive",
             "party_signed", "refusal_note"),
        ),
    )  # fmt: skip

    def transition_code(self) -> str:
        return "decide_on_the_spot"

    def start(self, parties: list[Party]) -> Start:
        data = self.cleaned_data
        return actions_simple.case_decide_on_the_spot, {
            "unit": data["unit"], "category": data["category"], "region": data["region"],
            "location": data["location"], "summary": data["summary"], "party": parties[0],
            "violation": data["violation"], "officers": self.officer_list(), "types": list(data["types"]),
            "fine_fen": fen(data["fine_yuan"]), "form_number": data["form_number"],
            "facts_conclusive": data["facts_conclusive"], "act_date": data["act_date"],
            "source": CaseSource(data["source"]), "party_signed": data["party_signed"],
            "refusal_note": data["refusal_note"], "place": data["location"],
        }  # fmt: skip


# --- 行政检查 ---------------------------------------------------------------------------------------


class InspectionStartForm(StartForm):
    """Start an inspection by at least two officers; the party is recorded when known."""

    title = _("Start an inspection")
    submit_label = _("Start an inspection")
    basis = "APL Art. 42, 55"
    error_aliases = {"summary": "purpose"}

    source_detail = _LEAD["source_detail"]
    purpose = long_text(_("Purpose of the inspection"), max_length=5000)

    fieldsets = (
        (_("Inspection"), ("source", "source_detail", "unit", "category", "region", "location", "purpose", "officers")),
        (_("Party (if known)"), PARTY_FIELDS),
    )

    def transition_code(self) -> str:
        return "start_inspection"

    def start(self, parties: list[Party]) -> Start:
        data = self.cleaned_data
        return actions_inspection.case_start_inspection, {
            "source": CaseSource(data["source"]), "source_detail": data["source_detail"], "unit": data["unit"],
            "category": data["category"], "region": data["region"], "location": data["location"],
            "purpose": data["purpose"], "officers": self.officer_list(), "parties": parties,
            "place": data["location"],
        }  # fmt: skip


# --- 行政强制措施 -----------------------------------------------------------------------------------

APPROVE, EMERGENCY = "approve_measure", "emergency_measure"


class CompulsoryStartForm(StartForm):
    """A measure approved beforehand by a head (AEL Art. 18 (一)), or taken on the spot in an emergency (Art. 19)."""

    title = _("Compulsory measure (sealing or seizure)")
    submit_label = _("Record the measure")
    basis = "AEL Art. 18, 19, 24, 25, 43"
    error_aliases = {"summary": "reasons"}

    how = forms.ChoiceField(label=_("How the measure is taken"), widget=forms.RadioSelect)
    measure = choice(_("Measure"), MEASURE_KINDS)
    legal_basis = long_text(_("Legal basis"), max_length=2000)
    reasons = long_text(_("Reasons"), max_length=5000)
    related_case = text(
        _("Related case number"),
        required=False,
        max_length=64,
        help_text=_("The case or lead number of the case the measure serves, if there is one."),
    )
    items = long_text(
        _("Items sealed up or seized"), required=False, max_length=5000, help_text=_("One item per line.")
    )
    party_present = forms.BooleanField(label=_("The party is present"), required=False, initial=True)
    witness = text(
        _("Witness"),
        required=False,
        max_length=100,
        help_text=_("When the party is absent, a witness signs the on-site record (AEL Art. 18)."),
    )
    emergency_reason = long_text(
        _("Emergency"),
        required=False,
        max_length=2000,
        help_text=_("Why the measure could not wait for the head's approval (AEL Art. 19)."),
    )

    fieldsets = (
        (_("Measure"), ("how", "measure", "legal_basis", "reasons")),
        (_("Where and by whom"), ("source", "unit", "category", "region", "location", "related_case", "officers")),
        (_("Party"), PARTY_FIELDS),
        (_("Taken in an emergency"), ("items", "party_present", "witness", "emergency_reason")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = {str(role) for role in roles_of(self.actor)}
        allowed = [
            (code, compulsory.PROCEDURE.transition(code).label)
            for code in (APPROVE, EMERGENCY)
            if roles & compulsory.PROCEDURE.transition(code).roles
        ]
        how = cast(forms.ChoiceField, self.fields["how"])
        how.choices = allowed
        how.initial = allowed[0][0] if allowed else None

    def clean_related_case(self) -> Case | None:
        number = str(self.cleaned_data["related_case"]).strip()
        if not number:
            return None
        case = case_by_number(self.actor, number)
        if case is None:
            raise forms.ValidationError(_("No case you may read has this number."), code="unknown_case")
        return case

    def transition_code(self) -> str:
        return str(self.cleaned_data["how"])

    def start(self, parties: list[Party]) -> Start:
        data = self.cleaned_data
        subject = MeasureSubject(
            source=CaseSource(data["source"]), unit=data["unit"], category=data["category"], region=data["region"],
            location=data["location"], reasons=data["reasons"], parties=parties, related_case=data["related_case"],
        )  # fmt: skip
        common = {
            "subject": subject,
            "measure": data["measure"],
            "legal_basis": data["legal_basis"],
            "officers": self.officer_list(),
        }
        if data["how"] == APPROVE:
            return actions_compulsory.case_approve_measure, common
        return actions_compulsory.case_emergency_measure, {
            **common, "items": lines(data["items"]), "emergency_reason": data["emergency_reason"],
            "party_present": data["party_present"], "witness": data["witness"], "place": data["location"],
        }  # fmt: skip
