"""行政检查: an administrative inspection (APL Art. 42, 55; RULES.md §3.1, §13.1).

At least two certified officers inspect, show their certificates and make
an on-site record; the conclusion is that the party complies, that a
violation was found (which opens a lead in the general procedure, APL
Art. 54), or that rectification is ordered.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sanxiang.procedures.definitions.general import HANDLERS, HEADS
from sanxiang.procedures.definitions.types import ChecklistItem, Procedure, Step, Transition

#: The results ``conclude_inspection`` records (``sanxiang.cases.actions_inspection``).
RESULT_COMPLIANT = "compliant"
RESULT_VIOLATION_FOUND = "violation_found"
RESULT_RECTIFICATION_ORDERED = "rectification_ordered"
RESULTS = frozenset({RESULT_COMPLIANT, RESULT_VIOLATION_FOUND, RESULT_RECTIFICATION_ORDERED})

STEPS = (
    Step("inspecting", _("Inspection under way")),
    Step("concluded", _("Inspection concluded")),
    Step("closed", _("Closed")),
    Step("archived", _("Archived"), terminal=True),
)

TRANSITIONS = (
    Transition(
        "start_inspection", _("Start an inspection"), frozenset({""}), "inspecting", HANDLERS,
        guards=("officers_for_inspection",), basis="APL Art. 42, 55",
    ),
    Transition(
        "record_inspection", _("Record the on-site inspection"), frozenset({"inspecting"}), None, HANDLERS,
        guards=("officers_for_inspection",), documents=("inspection_record",), basis="APL Art. 55",
    ),
    Transition(
        "conclude_inspection", _("Conclude the inspection"), frozenset({"inspecting"}), "concluded", HANDLERS,
        guards=("inspection_recorded",), documents=("inspection_conclusion",), basis="APL Art. 54, 55",
    ),
    Transition(
        "close", _("Close the inspection"), frozenset({"concluded"}), "closed", HEADS,
        guards=("checklist_complete",), basis="APL Art. 47",
    ),
    Transition(
        "archive", _("Archive the dossier"), frozenset({"closed"}), "archived", HEADS,
        guards=("checklist_complete", "dossier_complete"), documents=("dossier_index",),
        basis="APL Art. 47; 档案法 Art. 37",
    ),
)  # fmt: skip

CHECKLIST = (
    ChecklistItem("inspection_record", _("On-site inspection record")),
    ChecklistItem("inspection_conclusion", _("Inspection conclusion")),
)

PROCEDURE = Procedure(
    code="inspection",
    label=_("Administrative inspection"),
    basis="APL Art. 42, 54, 55",
    initial="start_inspection",
    steps=STEPS,
    transitions=TRANSITIONS,
    checklist=CHECKLIST,
)
