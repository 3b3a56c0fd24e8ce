"""What every transition form shares: the case and actor it is for, the mapping to its action, and field helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from sanxiang.cases.models import Case
from sanxiang.lib.exceptions import DomainError, GateRefused
from sanxiang.org.forms.staff import add_domain_errors
from sanxiang.org.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: The largest amount a form accepts, in yuan (far above any fine an urban-management bureau imposes).
MAX_YUAN = Decimal("100000000")
ROWS = 3


class ActionForm(forms.Form):
    """A form for one transition: it parses the input into the keyword arguments of the transition's action.

    It is bound with ``prefix`` set to the transition code, so that the case
    page can show several forms without clashing ids.
    """

    #: Field names the action uses in its errors that the form shows on another field (fen typed in yuan).
    error_aliases: ClassVar[dict[str, str]] = {}
    # "Record" alone is already the catalogue's word for the whole-process record (执法全过程记录).
    submit_label: ClassVar[StrOrPromise] = pgettext_lazy("button that submits a step of a case", "Record")

    def __init__(self, *args: Any, case: Case, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.actor = actor

    def action_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of the action besides ``actor`` and ``case`` (call after ``is_valid``)."""
        return dict(self.cleaned_data)

    def add_refusal(self, exc: DomainError) -> None:
        """Show a refusal on the form: a gate's every reason, or the field errors where they belong."""
        if isinstance(exc, GateRefused):
            self.add_error(None, exc.message)
            for reason in exc.reasons:
                self.add_error(None, reason)
            return
        add_domain_errors(self, exc, aliases=self.error_aliases)


@dataclass(frozen=True)
class ActionSpec:
    """How the case page performs one transition: its form, its typed action, and the guards that read the input.

    ``input_guards`` are checked only when the form is submitted (they need
    what the person types, e.g. the chosen handlers); the page previews the
    move's other guards to say why it is blocked before anyone fills a form.
    """

    form: type[ActionForm]
    action: Callable[..., Case]
    input_guards: frozenset[str] = frozenset()


def text(label: StrOrPromise, *, required: bool = True, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, **kwargs)


def long_text(
    label: StrOrPromise, *, required: bool = True, max_length: int = 20_000, **kwargs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": ROWS}), **kwargs
    )


def date(label: StrOrPromise, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def yuan(label: StrOrPromise, *, required: bool = False, minimum: str = "0") -> forms.DecimalField:
    """An amount in yuan with at most two decimals (converted to integer fen by ``fen``)."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(minimum),
        max_value=MAX_YUAN,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": minimum, "inputmode": "decimal"}),
    )


def fen(amount: Decimal | None) -> int:
    """Yuan to integer fen (the form allows two decimals, so this is exact)."""
    return int((amount or Decimal(0)) * 100)


def choice(label: StrOrPromise, options: dict[str, Promise], **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=list(options.items()), **kwargs)


def lines(value: str) -> list[str]:
    """The non-empty lines of a textarea (one item per line)."""
    return [line.strip() for line in value.splitlines() if line.strip()]
