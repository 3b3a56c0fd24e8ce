"""The engine's invariants under random use: random actions, inputs, actors and days, on one or two cases.

After every step (RULES.md §13; models docstring):

- the state is a step of the procedure, and a successful move reached one of ``Procedure.targets``;
- a successful action appended exactly one ``CaseEvent``, numbered previous + 1, from the old state
  to the new one;
- a refused action (any ``DomainError``) appended nothing and left the case row, its deadlines and
  its handlers exactly as they were;
- folding the events gives the stored case: ``case_replay(case) == case_snapshot(case)``.

Inputs are drawn valid and invalid alike (empty texts, unknown types, future dates, people without
the role or outside the unit), and time moves forward by random steps within 2026, so that windows
open and close and late deadlines fall into 2027 (no calendar: refused as ``CalendarMissing``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanxiang.cases import actions, actions_remedy
from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import Case, CaseEvent
from sanxiang.cases.tests.test_gates_base import HEARING_FINE, SMALL_FINE, GateTestCase
from sanxiang.lib.exceptions import DomainError
from sanxiang.procedures import definitions

PROC = definitions.get("general")
STEPS = frozenset(step.code for step in PROC.steps)
PERSONAS = (
    "officer", "officer2", "other_officer", "auxiliary", "unit_head", "reviewer", "leader", "supervisor", "sysadmin",
)  # fmt: skip
#: Who normally takes a move: drawn more often than a random persona, so that walks get deep.
LIKELY = {"officer": ("officer", "officer2"), "unit_head": ("unit_head", "leader")}
HANDLER_SETS = (
    ("officer", "officer2"), ("officer", "officer2"), ("officer", "unit_head"), ("officer",),
    ("officer", "auxiliary"), ("officer", "other_officer"), ("officer", "officer2", "unit_head"),
)  # fmt: skip
PENALTIES: tuple[list[str], ...] = (["fine"], ["fine"], ["warning"], ["fine", "warning"], ["suspend_licence"], [], ["bogus"])  # fmt: skip
FINES = (0, SMALL_FINE, SMALL_FINE, 40_000, HEARING_FINE, HEARING_FINE)
#: Moves with no action function (approve_deferral has none yet) or taken only at the start.
NOT_DRAWN = frozenset({"register_lead", "approve_deferral"})
MOVES = tuple(t.code for t in PROC.transitions if t.code not in NOT_DRAWN)
#: The usual way through the procedure: drawn more often, so that walks reach service and closing.
MAIN_PATH = frozenset({
    "register", "conclude_investigation", "examine", "notify", "waive_rights", "request_hearing", "schedule_hearing",
    "hold_hearing", "decide", "serve", "record_payment", "send_demand", "apply_court_enforcement", "record_execution",
    "close", "archive",
})  # fmt: skip
LAST_DAY = dt.date(2026, 12, 31)


def sample(*values: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


class EngineInvariantTests(HypothesisTestCase, GateTestCase):
    """Hypothesis's Django ``TestCase`` wraps every example in its own transaction, rolled back after it."""

    def inputs(self, code: str, case: Case) -> tuple[Callable[..., Case], st.SearchStrategy[dict[str, Any]]]:
        """The action for ``code`` and a strategy for its keyword arguments (besides actor and case).

        The decided penalty and the payment are often the notified penalty and the amount still due,
        so that walks get past the decision and the payment; otherwise they are random.
        """
        b, today, now = self.b, timezone.localdate(), timezone.now()
        notified = case.facts.get("notified_penalty") or {"types": ["fine"], "fine_fen": SMALL_FINE}
        decided = case.facts.get("decided_penalty") or {"fine_fen": 0}
        due = max(1, int(decided["fine_fen"]) - int(case.facts.get("paid_fen", 0)))
        days = sample(
            today, today, today - dt.timedelta(days=1), today - dt.timedelta(days=4), today + dt.timedelta(days=1)
        )
        users = st.sampled_from(PERSONAS).map(lambda name: getattr(b, name))
        handlers = st.sampled_from(HANDLER_SETS).map(lambda names: [getattr(b, n) for n in names])
        penalty = {"types": st.sampled_from(PENALTIES), "fine_fen": st.sampled_from(FINES)}
        table: dict[str, tuple[Callable[..., Case], dict[str, st.SearchStrategy[Any]]]] = {
            "dismiss_lead": (actions.case_dismiss_lead, {"reason": sample("", "不构成违法")}),
            "reassign_handlers": (actions.case_reassign_handlers, {"handlers": handlers, "reason": sample("", "回避")}),
            "register": (actions.case_register, {
                "handlers": handlers, "harmful_consequences": st.booleans(),
                "limitation_override_reason": sample("", "", "连续行为"),
            }),
            "record_transcript": (actions.case_record_transcript, {
                "kind": sample("questioning", "inspection", "chat"), "interviewee": st.just("张三"),
                "content": sample("", "问答", "问答"), "recorded_at": st.just(now), "place": st.just("现场"),
            }),
            "attach_evidence": (actions.case_attach_evidence, {
                "kind": st.just("photo"), "description": st.just("照片"), "sha256": sample("", "a" * 64, "xyz"),
            }),
            "preserve_evidence": (actions.case_preserve_evidence, {"items": sample([], ["货物一批"])}),
            "decide_preservation": (actions.case_decide_preservation, {"decision": sample("", "退还")}),
            "conclude_investigation": (actions.case_conclude_investigation, {
                "report": sample("", "事实清楚", "事实清楚"), "proposal": st.just("罚款"),
            }),
            "examine": (actions.case_examine, {"opinion": st.just("同意")}),
            "decide_no_penalty": (actions.case_decide_no_penalty, {
                "ground": sample("first_offence", "no_fault", "bogus"), "reasons": st.just("理由"),
            }),
            "transfer": (actions.case_transfer, {"organ": sample("", "公安分局"), "reasons": st.just("涉嫌犯罪")}),
            "notify": (actions.case_notify, {**penalty, "served_on": days, "method": st.just("direct")}),
            "record_statement": (actions.case_record_statement, {
                "statement": sample("", "陈述"), "recheck": st.just("复核"),
            }),
            "waive_rights": (actions.case_waive_rights, {"signed_on": days}),
            "request_hearing": (actions.case_request_hearing, {"requested_on": days}),
            "schedule_hearing": (actions.case_schedule_hearing, {
                "hearing_on": st.integers(0, 20).map(lambda n: today + dt.timedelta(days=n)), "presider": users,
                "notice_served_on": days, "place": st.just("听证室"),
            }),
            "hold_hearing": (actions.case_hold_hearing, {"record": sample("", "笔录"), "report": st.just("维持")}),
            "decide": (actions.case_decide, {
                "types": st.one_of(st.just(notified["types"]), penalty["types"]),
                "fine_fen": st.one_of(st.just(notified["fine_fen"]), penalty["fine_fen"]),
            }),
            "serve": (actions.case_serve, {
                "method": sample("direct", "left", "mail", "electronic", "public_notice", "fax"), "served_on": days,
                "witnesses": sample([], ["刘某"]), "recording": sample("", "DSJ-1"),
                "public_notice_reason": sample("", "下落不明"), "electronic_consent": sample("", "确认书1"),
            }),
            "record_payment": (actions.case_record_payment, {
                "amount_fen": st.one_of(st.just(due), st.sampled_from(FINES)), "paid_on": days, "receipt_no": sample("", "No.1"),
            }),
            "send_demand": (actions.case_send_demand, {"served_on": days}),
            "apply_court_enforcement": (actions.case_apply_court_enforcement, {"court": st.just("铁西区人民法院")}),
            "record_execution": (actions.case_record_execution, {"court_enforced": st.booleans()}),
            "close": (actions.case_close, {"report": st.just("结案")}),
            "archive": (actions.case_archive, {}),
            "record_remedy_outcome": (actions_remedy.case_record_remedy_outcome, {
                "kind": sample("reconsideration", "litigation", "bogus"), "outcome": sample("revoked", "upheld", "bogus"),
                "decided_on": days, "organ": sample("", "铁西区人民政府"),
            }),
        }  # fmt: skip
        action, fields = table[code]
        return action, st.fixed_dictionaries(fields)

    def observe(self, pk: int) -> dict[str, Any]:
        case = Case.objects.get(pk=pk)
        return {
            "row": Case.objects.filter(pk=pk).values().get(),
            "events": list(CaseEvent.objects.filter(case_id=pk).values_list("seq", "transition", "from_state", "to_state")),
            "deadlines": list(case.deadlines.order_by("id").values()),
            "handlers": list(case.handler_links.order_by("id").values()),
            "replay": case_replay(case),
            "snapshot": case_snapshot(case),
        }  # fmt: skip

    def check_always(self, seen: dict[str, Any]) -> None:
        row, events = seen["row"], seen["events"]
        self.assertIn(row["state"], STEPS)
        self.assertEqual([seq for seq, *_ in events], list(range(1, row["event_count"] + 1)))
        self.assertEqual(seen["replay"], seen["snapshot"])

    def take_step(self, pk: int, action: Callable[..., Case], kwargs: dict[str, Any]) -> None:
        before = self.observe(pk)
        try:
            action(case=Case.objects.get(pk=pk), **kwargs)
        except DomainError:
            after = self.observe(pk)
            self.assertEqual(after, before, "a refused action changed the case")
        else:
            after = self.observe(pk)
            old, new = before["row"]["state"], after["row"]["state"]
            self.assertEqual(after["row"]["event_count"], before["row"]["event_count"] + 1)
            self.assertEqual(after["events"][:-1], before["events"])
            seq, _code, from_state, to_state = after["events"][-1]
            self.assertEqual((seq, from_state, to_state), (before["row"]["event_count"] + 1, old, new))
            self.assertIn(new, PROC.targets(old))
            event(f"took {after['events'][-1][1]}")  # --hypothesis-show-statistics: how far the walks get
        self.check_always(after)

    @settings(
        max_examples=30,
        deadline=None,
        database=None,  # no .hypothesis folder in the checkout
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def test_random_walks_keep_the_engine_invariants(self, data: st.DataObject) -> None:
        self.assertFalse(Case.objects.exists(), "each example starts from the bureau alone")
        day = data.draw(st.dates(dt.date(2026, 1, 5), dt.date(2026, 9, 30)), label="start")
        self.travel(day.isoformat())
        pks = [self.new_lead().pk for _ in range(data.draw(st.integers(1, 2), label="cases"))]
        for pk in pks:
            self.check_always(self.observe(pk))
        for _ in range(data.draw(st.integers(5, 40), label="steps")):
            day = min(LAST_DAY, day + dt.timedelta(days=data.draw(sample(0, 0, 0, 1, 2, 3, 6, 15, 40))))
            self.travel(day.isoformat())
            pk = data.draw(st.sampled_from(pks))
            state = Case.objects.get(pk=pk).state
            possible = [t.code for t in PROC.available(state) if t.code not in NOT_DRAWN] or list(MOVES)
            main = [code for code in possible if code in MAIN_PATH] or possible
            code = data.draw(st.one_of(*[st.sampled_from(main)] * 3, st.sampled_from(possible), st.sampled_from(MOVES)))
            roles = PROC.transition(code).roles
            likely = LIKELY["unit_head"] if "officer" not in roles else LIKELY["officer"]
            actor = getattr(self.b, data.draw(st.one_of(st.sampled_from(likely), st.sampled_from(PERSONAS))))
            action, kwargs = self.inputs(code, Case.objects.get(pk=pk))
            self.take_step(pk, action, {"actor": actor, **data.draw(kwargs, label=code)})
