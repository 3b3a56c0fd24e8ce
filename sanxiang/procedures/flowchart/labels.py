"""Readable names for what a flowchart and its table show: gates, roles, documents, and the table rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.procedures.definitions.types import Procedure, Transition

START = ""  # the source of a move that creates the case (there is no step yet)

#: Readable names of the gates (guards) that definitions list; an unknown name is shown as written.
GATE_LABELS: dict[str, Promise] = {
    "handlers_qualified": gettext_lazy("Two officers certified for the category and region"),
    "no_recusal_conflict": gettext_lazy("No handler has a conflict of interest or was recused"),
    "within_limitation_period": gettext_lazy("Within the limitation period (or a leader's override)"),
    "preservation_open": gettext_lazy("Evidence is under preservation"),
    "no_open_preservation": gettext_lazy("No preserved evidence awaits a decision"),
    "hearing_eligible": gettext_lazy("The intended penalty gives a right to a hearing"),
    "hearing_request_in_time": gettext_lazy("Hearing requested within 5 working days of the notice"),
    "hearing_notice_in_time": gettext_lazy("Hearing notice served 7 working days before"),
    "hearing_presider_independent": gettext_lazy("The presider did not investigate the case"),
    "hearing_scheduled": gettext_lazy("The hearing is scheduled"),
    "prior_notice_complete": gettext_lazy("Statement and hearing windows closed, or rights waived"),
    "hearing_held_if_requested": gettext_lazy("A requested hearing has been held"),
    "not_heavier_than_notified": gettext_lazy("Not heavier than the notified penalty"),
    "service_method_allowed": gettext_lazy("The method of service is allowed"),
    "payment_overdue": gettext_lazy("The payment period passed unpaid"),
    "court_application_window": gettext_lazy("Within the window for applying to the court"),
    "obligations_settled": gettext_lazy("Every obligation is settled"),
    "checklist_complete": gettext_lazy("The dossier checklist is complete"),
    # Simple procedure (APL Art. 51, 52, 68-71)
    "officers_for_on_the_spot_penalty": gettext_lazy("Officers qualified to penalise on the spot"),
    "simple_facts_and_basis": gettext_lazy("Facts confirmed and a legal basis named"),
    "simple_procedure_limits": gettext_lazy("Only a warning or a small fine"),
    "form_number_unused": gettext_lazy("An unused number of the pre-printed form"),
    "on_the_spot_cash_allowed": gettext_lazy("Cash on the spot allowed (small sum or hard to collect later)"),
    "official_receipt_issued": gettext_lazy("The official receipt is issued"),
    "cash_to_hand_in": gettext_lazy("Cash collected on the spot awaits handing in"),
    "cash_to_deposit": gettext_lazy("Cash handed in awaits deposit at the bank"),
    "cash_settled": gettext_lazy("Cash handed in and deposited"),
    # Inspection
    "officers_for_inspection": gettext_lazy("Officers qualified to inspect"),
    "inspection_recorded": gettext_lazy("The on-site inspection is recorded"),
    # Compulsory measures (AEL Art. 18-28, 43)
    "officers_for_compulsory_measure": gettext_lazy("Officers qualified for compulsory measures"),
    "enforcement_hours_allowed": gettext_lazy("Not at night or on a holiday, unless an emergency"),
    "emergency_report_in_time": gettext_lazy("An emergency measure reported and approved within 24 hours"),
    "measure_approved": gettext_lazy("The head approved the measure"),
    "extension_allowed": gettext_lazy("One extension of at most 30 days, approved in time"),
    "within_measure_period": gettext_lazy("Within the period of the measure"),
}


def gate_numbers(procedure: Procedure) -> dict[str, int]:
    """The footnote number of each gate, in order of first use along the definition."""
    numbers: dict[str, int] = {}
    for move in procedure.transitions:
        for name in move.guards:
            numbers.setdefault(name, len(numbers) + 1)
    return numbers


def gate_label(name: str) -> str:
    label = GATE_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ")


def gate_marker(move: Transition, numbers: dict[str, int]) -> str:
    """The footnote marker of ``move``'s gates, e.g. "[1,2,3]" ("" when it has none)."""
    return "[" + ",".join(str(numbers[g]) for g in move.guards) + "]" if move.guards else ""


def step_label(procedure: Procedure, code: str) -> str:
    return _("Start") if code == START else str(procedure.step(code).label)


def _role_label(code: str) -> str:
    from sanxiang.org.models import Role

    return str(Role(code).label) if code in Role.values else code


@dataclass(frozen=True)
class TransitionRow:
    """One move or activity as a table row (labels in the active language)."""

    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    is_activity: bool
    roles: tuple[str, ...]
    gates: tuple[tuple[int, str], ...]
    documents: tuple[str, ...]
    basis: str


def transition_rows(procedure: Procedure) -> list[TransitionRow]:
    """Every transition of ``procedure`` in definition order, with readable steps, roles, gates and documents.

    Documents are named by the checklist item of the same code when there is one.
    """
    numbers = gate_numbers(procedure)
    documents = {item.code: str(item.label) for item in procedure.checklist}
    return [
        TransitionRow(
            code=move.code,
            label=str(move.label),
            sources=tuple(step_label(procedure, s) for s in sorted(move.sources)),
            target=_("stays (activity)") if move.target is None else step_label(procedure, move.target),
            is_activity=move.is_activity,
            roles=tuple(_role_label(r) for r in sorted(move.roles)),
            gates=tuple((numbers[g], gate_label(g)) for g in move.guards),
            documents=tuple(documents.get(d, d) for d in move.documents),
            basis=move.basis,
        )
        for move in procedure.transitions
    ]
