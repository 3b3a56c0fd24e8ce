"""简易程序: the on-the-spot penalty procedure (APL Art. 51-52, 67-71; ARL Art. 23; RULES.md §1.3, §1.4, §13.2-3).

The case is created by the on-the-spot decision itself: there is no 立案,
no investigation and no prior notice. The decision is handed over on the
spot, then filed for record (备案) with the agency; the fine is paid at the
bank, or collected in cash on the spot where APL Art. 68 allows it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sanxiang.procedures.definitions.general import HANDLERS, HEADS, PAYMENT_DEADLINE
from sanxiang.procedures.definitions.types import ChecklistItem, DayUnit, DeadlineSpec, Procedure, Step, Transition

CASH_HAND_IN = DeadlineSpec(
    "cash_hand_in",
    _("Hand the cash collected on the spot in to the agency"),
    DayUnit.WORKING_DAYS,
    2,
    "APL Art. 71, 85",
)
CASH_DEPOSIT = DeadlineSpec(
    "cash_deposit", _("Deposit the cash collected on the spot at the bank"), DayUnit.WORKING_DAYS, 2, "APL Art. 71, 85"
)

STEPS = (
    Step("decided_on_spot", _("Decided on the spot")),
    Step("filed", _("Filed for record with the agency")),
    Step("closed", _("Closed")),
    Step("archived", _("Archived"), terminal=True),
)

TRANSITIONS = (
    Transition(
        "decide_on_the_spot", _("Decide a penalty on the spot"), frozenset({""}), "decided_on_spot", HANDLERS,
        guards=("officers_for_on_the_spot_penalty", "simple_facts_and_basis", "simple_procedure_limits",
                "form_number_unused"),
        starts=(PAYMENT_DEADLINE,), documents=("on_the_spot_decision",),
        basis="APL Art. 42, 51, 52; ARL Art. 23",
    ),
    Transition(
        "collect_on_the_spot", _("Collect the fine in cash on the spot"), frozenset({"decided_on_spot"}), None,
        HANDLERS, guards=("on_the_spot_cash_allowed", "official_receipt_issued"), starts=(CASH_HAND_IN,),
        stops=("payment_deadline",), documents=("cash_receipt",), basis="APL Art. 67, 68, 70, 71",
    ),
    Transition(
        "hand_in_cash", _("Hand the cash in to the agency"), frozenset({"decided_on_spot", "filed"}), None, HANDLERS,
        guards=("cash_to_hand_in",), starts=(CASH_DEPOSIT,), stops=("cash_hand_in",), basis="APL Art. 71",
    ),
    Transition(
        "deposit_cash", _("Deposit the cash at the bank"), frozenset({"decided_on_spot", "filed"}), None, HEADS,
        guards=("cash_to_deposit",), stops=("cash_deposit",), basis="APL Art. 71, 74",
    ),
    Transition(
        "record_payment", _("Record a payment"), frozenset({"decided_on_spot", "filed"}), None, HANDLERS,
        basis="APL Art. 67",
    ),
    Transition(
        "file_record", _("File the decision for record"), frozenset({"decided_on_spot"}), "filed", HANDLERS,
        documents=("filing_record",), basis="APL Art. 52 para 3",
    ),
    Transition(
        "close", _("Close the case"), frozenset({"filed"}), "closed", HEADS,
        guards=("obligations_settled", "cash_settled", "checklist_complete"), documents=("closing_report",),
        basis="APL Art. 47 (practice: 结案报告)",
    ),
    Transition(
        "archive", _("Archive the dossier"), frozenset({"closed"}), "archived", HEADS,
        guards=("checklist_complete", "dossier_complete"), documents=("dossier_index",),
        basis="APL Art. 47; 档案法 Art. 37",
    ),
)  # fmt: skip

CHECKLIST = (
    ChecklistItem("on_the_spot_decision", _("On-the-spot penalty decision")),
    ChecklistItem("filing_record", _("Record of filing with the agency")),
    ChecklistItem("cash_receipt", _("Official receipt for cash collected"), when_transition="collect_on_the_spot"),
)

PROCEDURE = Procedure(
    code="simple",
    label=_("Simple (on-the-spot) procedure"),
    basis="APL Art. 51-52",
    initial="decide_on_the_spot",
    steps=STEPS,
    transitions=TRANSITIONS,
    checklist=CHECKLIST,
)
