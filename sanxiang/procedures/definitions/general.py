"""一般程序: the general penalty procedure (APL Chapter V, Section 2-4; RULES.md §1.2, §1.4, §13).

Steps are the states of a case; transitions are the actions that move it.
Every statute reference in ``basis`` is the rule the move or gate encodes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sanxiang.procedures.definitions.types import ChecklistItem, DayUnit, DeadlineSpec, Procedure, Step, Transition

OFFICER = "officer"
UNIT_HEAD = "unit_head"
LEADER = "leader"
HEADS = frozenset({UNIT_HEAD, LEADER})
HANDLERS = frozenset({OFFICER, UNIT_HEAD})

DECISION_PERIOD = DeadlineSpec(
    "decision_period", _("Decision within 90 days of registration"), DayUnit.CALENDAR_DAYS, 90, "APL Art. 60"
)
PRESERVATION_DECISION = DeadlineSpec(
    "preservation_decision",
    _("Decision on preserved evidence"),
    DayUnit.WORKING_DAYS,
    7,
    "APL Art. 56, 85",
    kind="bar",
)
STATEMENT_WINDOW = DeadlineSpec(
    "statement_window",
    _("Window for statements and defence"),
    DayUnit.WORKING_DAYS,
    "STATEMENT_WINDOW_WORKING_DAYS",  # APL sets no figure: agency rule (RULES.md §14)
    "APL Art. 44, 45, 62",
    kind="bar",
)
HEARING_REQUEST_WINDOW = DeadlineSpec(
    "hearing_request_window",
    _("Window to request a hearing"),
    DayUnit.WORKING_DAYS,
    5,
    "APL Art. 64(一), 85",
    kind="bar",
)
SERVICE_DEADLINE = DeadlineSpec(
    "service_deadline", _("Service of the decision"), DayUnit.WORKING_DAYS, 7, "APL Art. 61, 85"
)
PAYMENT_DEADLINE = DeadlineSpec("payment_deadline", _("Payment of the fine"), DayUnit.CALENDAR_DAYS, 15, "APL Art. 67")

#: Closing a case ends whatever period is still open.
ALL_PERIODS = (
    "decision_period", "preservation_decision", "statement_window", "hearing_request_window",
    "service_deadline", "payment_deadline",
)  # fmt: skip

STEPS = (
    Step("lead", _("Lead registered")),
    Step("dismissed", _("Not registered"), terminal=True),
    Step("registered", _("Registered, under investigation")),
    Step("concluded", _("Investigation concluded")),
    Step("examined", _("Examined: penalty intended")),
    Step("notified", _("Prior notice served")),
    Step("hearing", _("Hearing")),
    Step("decided", _("Penalty decided")),
    Step("no_penalty", _("No penalty decided")),
    Step("transferred", _("Transferred")),
    Step("served", _("Decision served")),
    Step("enforcement", _("Court enforcement applied for")),
    Step("executed", _("Executed")),
    Step("closed", _("Closed")),
    Step("archived", _("Archived"), terminal=True),
)

TRANSITIONS = (
    Transition(
        "register_lead", _("Register a lead"), frozenset({""}), "lead", HANDLERS,
        documents=("lead_form",), basis="APL Art. 54 (practice: 案件来源登记表)",
    ),
    Transition("dismiss_lead", _("Decide not to register"), frozenset({"lead"}), "dismissed", HEADS, basis="APL Art. 54"),
    Transition(
        "register", _("Register the case (approval)"), frozenset({"lead"}), "registered", HEADS,
        guards=("handlers_qualified", "no_recusal_conflict", "within_limitation_period"),
        starts=(DECISION_PERIOD,), documents=("filing_approval",), basis="APL Art. 36, 42, 43, 54, 60",
    ),
    Transition(
        "record_transcript", _("Record a transcript"), frozenset({"registered"}), None, HANDLERS,
        guards=("handlers_qualified",), documents=("transcript",), basis="APL Art. 42, 55",
    ),
    Transition(
        "attach_evidence", _("Attach evidence"), frozenset({"registered"}), None, HANDLERS,
        guards=("handlers_qualified",), basis="APL Art. 46",
    ),
    Transition(
        "preserve_evidence", _("Preserve evidence (approval)"), frozenset({"registered"}), None, HEADS,
        guards=("handlers_qualified",), starts=(PRESERVATION_DECISION,),
        documents=("preservation_notice",), basis="APL Art. 56",
    ),
    Transition(
        "decide_preservation", _("Decide on preserved evidence"), frozenset({"registered"}), None, HEADS,
        guards=("preservation_open",), stops=("preservation_decision",),
        documents=("preservation_decision",), basis="APL Art. 56",
    ),
    Transition(
        "reassign_handlers", _("Reassign the handlers"),
        frozenset({"registered", "concluded", "examined", "notified", "hearing", "decided", "no_penalty", "served"}),
        None, HEADS, guards=("handlers_qualified", "no_recusal_conflict"), basis="APL Art. 42, 43",
    ),
    Transition(
        "conclude_investigation", _("Conclude the investigation"), frozenset({"registered"}), "concluded", HANDLERS,
        guards=("no_open_preservation",), documents=("investigation_report",), basis="APL Art. 57",
    ),
    Transition(
        "examine", _("Examine: intend a penalty"), frozenset({"concluded"}), "examined", HEADS,
        documents=("handling_approval",), basis="APL Art. 57 para 1 (一)",
    ),
    Transition(
        "decide_no_penalty", _("Decide not to penalise"), frozenset({"concluded"}), "no_penalty", HEADS,
        stops=("decision_period",), documents=("no_penalty_decision",), basis="APL Art. 30, 33, 57 para 1 (二)(三)",
    ),
    Transition(
        "transfer", _("Transfer to a judicial organ"), frozenset({"concluded"}), "transferred", HEADS,
        stops=("decision_period",), documents=("transfer_letter",), basis="APL Art. 27, 57 para 1 (四)",
    ),
    Transition(
        "notify", _("Serve the prior notice"), frozenset({"examined", "notified", "hearing"}), "notified", HANDLERS,
        guards=("handlers_qualified",), starts=(STATEMENT_WINDOW, HEARING_REQUEST_WINDOW),
        documents=("prior_notice",), basis="APL Art. 44, 45, 63",
    ),
    Transition(
        "record_statement", _("Record statements and defence"), frozenset({"notified"}), None, HANDLERS,
        documents=("statement_record",), basis="APL Art. 45",
    ),
    Transition(
        "waive_rights", _("Record a waiver"), frozenset({"notified"}), None, HANDLERS,
        stops=("statement_window", "hearing_request_window"), basis="APL Art. 62",
    ),
    Transition(
        "request_hearing", _("Record a hearing request"), frozenset({"notified"}), "hearing", HANDLERS,
        guards=("hearing_eligible", "hearing_request_in_time"), stops=("hearing_request_window",),
        basis="APL Art. 63, 64(一)",
    ),
    Transition(
        "schedule_hearing", _("Schedule the hearing"), frozenset({"hearing"}), None, HEADS,
        guards=("hearing_notice_in_time", "hearing_presider_independent"), documents=("hearing_notice",),
        basis="APL Art. 64(二)(四)",
    ),
    Transition(
        "hold_hearing", _("Record the hearing"), frozenset({"hearing"}), None, HEADS,
        guards=("hearing_scheduled",), documents=("hearing_record",), basis="APL Art. 64(八), 65",
    ),
    Transition(
        "decide", _("Decide the penalty"), frozenset({"notified", "hearing"}), "decided", HEADS,
        guards=(
            "prior_notice_complete", "hearing_held_if_requested", "not_heavier_than_notified",
            "discretion_reason_if_outside", "legal_review_passed", "collective_discussion_held",
        ),
        starts=(SERVICE_DEADLINE,), stops=("decision_period", "statement_window", "hearing_request_window"),
        documents=("penalty_decision",),
        basis="APL Art. 45, 57, 59, 62, 65",
    ),
    Transition(
        "serve", _("Record service of the decision"), frozenset({"decided", "no_penalty"}), "served", HANDLERS,
        guards=("handlers_qualified", "service_method_allowed"), starts=(PAYMENT_DEADLINE,), stops=("service_deadline",),
        documents=("service_receipt",), basis="APL Art. 61; CPL Art. 87-95",
    ),
    Transition(
        "approve_deferral", _("Approve deferred or instalment payment"), frozenset({"served"}), None, HEADS,
        basis="APL Art. 66 para 2",
    ),
    Transition(
        "send_demand", _("Serve a demand notice"), frozenset({"served"}), None, HANDLERS,
        guards=("handlers_qualified", "payment_overdue"), documents=("demand_notice",), basis="AEL Art. 35, 45, 54",
    ),
    Transition(
        "record_payment", _("Record a payment"), frozenset({"served", "enforcement"}), None, HANDLERS,
        basis="APL Art. 67, 72",
    ),
    Transition(
        "apply_court_enforcement", _("Apply to the court for enforcement"), frozenset({"served"}), "enforcement", HEADS,
        guards=("court_application_window",), documents=("enforcement_application",), basis="AEL Art. 53, 54",
    ),
    Transition(
        "record_execution", _("Record that the decision is executed"), frozenset({"served", "enforcement"}),
        "executed", HANDLERS, guards=("obligations_settled",), stops=("payment_deadline",), basis="APL Art. 66-73",
    ),
    Transition(
        "record_remedy_outcome", _("Record a reconsideration or court outcome"),
        frozenset({"decided", "served", "enforcement", "executed", "closed"}), None, HEADS,
        basis="APL Art. 48; ARL Art. 63-65; ALL Art. 70, 77",
    ),
    Transition(
        "close", _("Close the case"), frozenset({"served", "executed", "transferred"}), "closed", HEADS,
        guards=("obligations_settled", "checklist_complete"), stops=ALL_PERIODS, documents=("closing_report",),
        basis="APL Art. 47 (practice: 结案报告)",
    ),
    Transition(
        "archive", _("Archive the dossier"), frozenset({"closed", "dismissed"}), "archived", HEADS,
        guards=("checklist_complete", "dossier_complete"), documents=("dossier_index",),
        basis="APL Art. 47; 档案法 Art. 37",
    ),
)  # fmt: skip

CHECKLIST = (
    ChecklistItem("filing_approval", _("Filing approval form"), when_transition="register"),
    ChecklistItem("investigation_report", _("Investigation report"), when_transition="conclude_investigation"),
    ChecklistItem("prior_notice", _("Prior notice"), when_transition="notify"),
    ChecklistItem("hearing_record", _("Hearing record"), when_transition="request_hearing"),
    ChecklistItem("penalty_decision", _("Penalty decision"), when_transition="decide"),
    ChecklistItem("no_penalty_decision", _("No-penalty decision"), when_transition="decide_no_penalty"),
    ChecklistItem("transfer_letter", _("Transfer letter"), when_transition="transfer"),
    ChecklistItem("service_receipt", _("Service receipt"), when_transition="serve"),
)

PROCEDURE = Procedure(
    code="general",
    label=_("General procedure"),
    basis="APL Art. 54-65",
    initial="register_lead",
    steps=STEPS,
    transitions=TRANSITIONS,
    checklist=CHECKLIST,
)
