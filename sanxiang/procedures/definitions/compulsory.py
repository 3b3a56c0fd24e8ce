"""行政强制措施: sealing up (查封) or seizing (扣押) property (AEL Art. 18-19, 22-28, 43; RULES.md §2.1, §13).

A measure needs the head's prior approval (AEL Art. 18 (一)); taken on the
spot in an emergency, it must be reported to the head within 24 hours and
approved afterwards (AEL Art. 19). It lasts at most 30 days, extended once
by at most 30 with the head's approval (AEL Art. 25); within that period the
agency decides what becomes of the items (AEL Art. 27) or releases them
(AEL Art. 28).

Whole-process audio/video recording (RULES.md §3.2, §13.17): the step the
measure is in once applied is ``av_required``, for the record part's gate.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sanxiang.procedures.definitions.general import HANDLERS, HEADS
from sanxiang.procedures.definitions.types import ChecklistItem, DayUnit, DeadlineSpec, Procedure, Step, Transition

MEASURE_PERIOD = DeadlineSpec(
    "measure_period", _("Duration of the sealing or seizure"), DayUnit.CALENDAR_DAYS, 30, "AEL Art. 25", kind="bar"
)
#: The extension replaces the open ``measure_period``; the action sets the approved number of days (≤ 30).
MEASURE_EXTENSION = DeadlineSpec(
    "measure_period", _("Extended duration of the sealing or seizure"), DayUnit.CALENDAR_DAYS, 30, "AEL Art. 25",
    kind="bar",
)  # fmt: skip

ON_SITE_GUARDS = ("officers_for_compulsory_measure", "enforcement_hours_allowed")
ON_SITE_DOCUMENTS = ("measure_decision", "seizure_list", "onsite_record")

STEPS = (
    Step("approved", _("Measure approved")),
    Step("applied", _("Measure in force"), av_required=True),
    Step("released", _("Measure released")),
    Step("disposed", _("Items dealt with")),
    Step("closed", _("Closed")),
    Step("archived", _("Archived"), terminal=True),
)

TRANSITIONS = (
    Transition(
        "approve_measure", _("Approve a compulsory measure"), frozenset({""}), "approved", HEADS,
        documents=("measure_approval",), basis="AEL Art. 18 (一)",
    ),
    Transition(
        "emergency_measure", _("Take a compulsory measure in an emergency"), frozenset({""}), "applied", HANDLERS,
        guards=ON_SITE_GUARDS, starts=(MEASURE_PERIOD,), documents=ON_SITE_DOCUMENTS,
        basis="AEL Art. 18, 19, 24, 25, 43",
    ),
    Transition(
        "approve_emergency", _("Approve the emergency measure afterwards"), frozenset({"applied"}), None, HEADS,
        guards=("emergency_report_in_time",), documents=("measure_approval",), basis="AEL Art. 19",
    ),
    Transition(
        "apply_measure", _("Apply the measure on site"), frozenset({"approved"}), "applied", HANDLERS,
        guards=ON_SITE_GUARDS, starts=(MEASURE_PERIOD,), documents=ON_SITE_DOCUMENTS,
        basis="AEL Art. 18, 24, 25, 43",
    ),
    Transition(
        "extend_measure", _("Extend the measure (approval)"), frozenset({"applied"}), None, HEADS,
        guards=("measure_approved", "extension_allowed"), starts=(MEASURE_EXTENSION,),
        documents=("extension_notice",), basis="AEL Art. 25",
    ),
    Transition(
        "release_measure", _("Release the measure"), frozenset({"applied"}), "released", HEADS,
        stops=("measure_period",), documents=("release_decision",), basis="AEL Art. 28",
    ),
    Transition(
        "decide_disposal", _("Decide what becomes of the items"), frozenset({"applied"}), "disposed", HEADS,
        guards=("measure_approved", "within_measure_period"), stops=("measure_period",),
        documents=("disposal_decision",), basis="AEL Art. 27",
    ),
    Transition(
        "close", _("Close the case"), frozenset({"released", "disposed"}), "closed", HEADS,
        guards=("checklist_complete",), documents=("closing_report",), basis="AEL Art. 27, 28",
    ),
    Transition(
        "archive", _("Archive the dossier"), frozenset({"closed"}), "archived", HEADS,
        guards=("checklist_complete", "dossier_complete"), documents=("dossier_index",),
        basis="APL Art. 47; 档案法 Art. 37",
    ),
)  # fmt: skip

CHECKLIST = (
    ChecklistItem("measure_approval", _("Approval of the measure"), when_transition="approve_measure"),
    ChecklistItem("measure_decision", _("Decision on the sealing or seizure")),
    ChecklistItem("seizure_list", _("List of the items sealed or seized")),
    ChecklistItem("onsite_record", _("On-site record")),
    ChecklistItem("extension_notice", _("Written notice of the extension"), when_transition="extend_measure"),
    ChecklistItem("release_decision", _("Release decision"), when_transition="release_measure"),
    ChecklistItem("disposal_decision", _("Decision on the items"), when_transition="decide_disposal"),
)

PROCEDURE = Procedure(
    code="compulsory",
    label=_("Compulsory measure (sealing or seizure)"),
    basis="AEL Art. 18-28",
    initial="approve_measure",
    steps=STEPS,
    transitions=TRANSITIONS,
    checklist=CHECKLIST,
)
