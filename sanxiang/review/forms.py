"""Forms of the review pages: they parse input; the review actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.forms.base import ActionForm, date, long_text
from sanxiang.cases.forms.general import PenaltyForm
from sanxiang.cases.penalties import Penalty
from sanxiang.lib.exceptions import DomainError, GateRefused
from sanxiang.org.forms.staff import add_domain_errors
from sanxiang.org.models import User
from sanxiang.review import selectors
from sanxiang.review.points import Finding, Outcome, ReviewPoint


class DraftForm(PenaltyForm):
    """A version of the draft decision (prefix ``draft``); the penalty starts as the latest draft's or the notified one."""

    facts_text = long_text(_("Facts and reasons"))
    legal_basis = long_text(_("Legal basis"), max_length=5000)
    tier_code = forms.CharField(label=_("Discretion tier"), required=False, max_length=40)
    discretion_reason = long_text(
        _("Reason for departing from the baseline"), required=False,
        help_text=_("Required when the penalty is outside the range of the baseline in force."),
    )  # fmt: skip
    error_aliases = {**PenaltyForm.error_aliases, "tier": "tier_code"}
    submit_label = _("Save a new version of the draft")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        draft = selectors.current_draft(self.case)
        source = draft.penalty if draft is not None else self.case.facts.get("notified_penalty")
        if source:
            penalty = Penalty.from_json(source)
            self.initial.setdefault("types", sorted(str(t) for t in penalty.types))
            self.initial.setdefault("fine_yuan", penalty.fine_fen / 100 if penalty.fine_fen else None)
            self.initial.setdefault(
                "confiscation_yuan", penalty.confiscation_fen / 100 if penalty.confiscation_fen else None
            )
        if draft is not None:
            for name in ("facts_text", "legal_basis", "tier_code", "discretion_reason"):
                self.initial.setdefault(name, getattr(draft, name))
        tiers = self._tiers()
        if tiers:
            self.fields["tier_code"] = forms.ChoiceField(
                label=_("Discretion tier"), required=False, choices=[("", _("Any tier that fits")), *tiers]
            )

    def _tiers(self) -> list[tuple[str, str]]:
        from sanxiang.review.integration import applicable

        found = applicable(self.case)
        return [(t.code, f"{t.circumstance}: {t.text}") for t in found.tiers] if found is not None else []

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**self.penalty_kwargs(), "facts_text": data["facts_text"], "legal_basis": data["legal_basis"],
                "tier_code": data["tier_code"] or "", "discretion_reason": data["discretion_reason"]}  # fmt: skip


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class DiscussionForm(ActionForm):
    chair = UserChoiceField(label=_("Chair (a leader)"), queryset=User.objects.none())
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    held_on = date(_("Held on"))
    minutes = long_text(_("Minutes"))
    conclusion = long_text(_("Conclusion"), max_length=5000)
    submit_label = _("Record the collective discussion")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sanxiang.org.models import Role

        heads = (
            User.objects.filter(
                is_active=True,
                role_grants__role__in=[Role.LEADER, Role.UNIT_HEAD],
                role_grants__revoked_at__isnull=True,
            )
            .distinct()
            .order_by("full_name")
        )
        self.fields["chair"].queryset = heads.filter(role_grants__role=Role.LEADER)  # type: ignore[attr-defined]
        self.fields["participants"].queryset = heads  # type: ignore[attr-defined]
        self.fields["participants"].label_from_instance = lambda u: u.full_name  # type: ignore[attr-defined]
        self.fields["held_on"].initial = timezone.localdate()


class OpinionForm(forms.Form):
    """The eleven points (finding + notes each), the outcome, the summary and any further items."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label=_("Review opinion"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000)
    return_items = forms.CharField(
        label=_("Further items to address"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for point in ReviewPoint:
            self.fields[f"finding_{point.value}"] = forms.ChoiceField(
                label=point.label, choices=Finding.choices, widget=forms.RadioSelect
            )
            self.fields[f"notes_{point.value}"] = forms.CharField(
                label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def point_rows(self) -> list[tuple[ReviewPoint, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"finding_{p.value}"], self[f"notes_{p.value}"]) for p in ReviewPoint]

    def findings(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {p.value: (data[f"finding_{p.value}"], data[f"notes_{p.value}"]) for p in ReviewPoint}

    def add_refusal(self, exc: DomainError) -> None:
        if isinstance(exc, GateRefused):
            for reason in [exc.message, *exc.reasons]:
                self.add_error(None, reason)
            return
        add_domain_errors(self, exc)


class AssignForm(forms.Form):
    reviewer = UserChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = selectors.legal_reviewers()  # type: ignore[attr-defined]


class ReferralForm(forms.Form):
    counsel = UserChoiceField(label=_("Counsel"), queryset=User.objects.none())
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counsel"].queryset = selectors.counsels()  # type: ignore[attr-defined]


class CounselOpinionForm(forms.Form):
    text = forms.CharField(label=_("Written opinion"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000)


class StatsForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
