"""Hard gates at 立案 and during the investigation (RULES.md §13.1, §13.4, §13.5), and who may move a case.

Each gate is refused through the action with its reason, and the allowed path passes, from the same set-up.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.models import CaseEvent, Conflict, Recusal
from sanxiang.cases.tests.test_gates_base import GateTestCase
from sanxiang.lib.exceptions import AccessDenied, GateRefused, InvalidTransition
from sanxiang.org.actions import certificate_set_status, certificate_update
from sanxiang.org.models import Certificate, CertificateStatus


class QualifiedOfficersTests(GateTestCase):
    """At 立案 two officers qualified for the case's category and region, auxiliaries never counting (§13.1)."""

    def register_with(self, *handlers):
        return actions.case_register(actor=self.b.unit_head, case=self.new_lead(), handlers=list(handlers))

    def cert_of(self, user) -> Certificate:
        return Certificate.objects.get(holder=user)

    def test_it_registers_with_two_qualified_officers(self):
        case = self.register_with(self.b.officer, self.b.officer2)
        self.assertEqual((case.state, case.number), ("registered", "铁西城管立〔2026〕1号"))
        self.assertEqual(list(case.handler_links.values_list("user_id", "role")), [
            (self.b.officer.pk, "lead"), (self.b.officer2.pk, "assist"),
        ])  # fmt: skip
        self.assertLastEvent(case, "register", self.b.unit_head)

    def test_it_refuses_one_handler_and_gives_the_case_number_back(self):
        lead = self.new_lead()
        self.assertRefused(
            "At least two qualified enforcement officers",
            actions.case_register,
            lead,
            actor=self.b.unit_head,
            handlers=[self.b.officer],
        )
        lead.refresh_from_db()
        self.assertEqual((lead.state, lead.number), ("lead", None))
        case = self.register(lead)
        self.assertEqual(case.number, "铁西城管立〔2026〕1号")

    def test_it_refuses_the_same_officer_twice(self):
        lead = self.new_lead()
        self.assertRefused(
            "At least two", actions.case_register, lead, actor=self.b.unit_head, handlers=[self.b.officer] * 2
        )

    def test_an_auxiliary_never_counts(self):
        lead = self.new_lead()
        self.assertRefused(
            "钱协管 is an auxiliary and may not carry out enforcement acts.",
            actions.case_register,
            lead,
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.auxiliary],
        )

    def test_a_withheld_certificate_does_not_count(self):
        certificate_set_status(
            actor=self.b.reviewer, certificate=self.cert_of(self.b.officer2), status=CertificateStatus.WITHHELD,
            reason="违规执法，暂扣",
        )  # fmt: skip
        lead = self.new_lead()
        self.assertRefused(
            "Certificate 22030002 is withheld.",
            actions.case_register,
            lead,
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
        )

    def test_an_expired_certificate_does_not_count(self):
        certificate_update(
            actor=self.b.reviewer, certificate=self.cert_of(self.b.officer2), valid_to=dt.date(2026, 5, 31)
        )
        lead = self.new_lead()
        self.assertRefused(
            "Certificate 22030002 expired on 2026-05-31.",
            actions.case_register,
            lead,
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
        )
        # The unit head's certificate covers the case: with them as second officer the case registers.
        case = self.register_with(self.b.officer, self.b.unit_head)
        self.assertEqual(case.state, "registered")

    def test_a_certificate_without_the_cases_category_does_not_count(self):
        certificate_update(
            actor=self.b.reviewer, certificate=self.cert_of(self.b.officer2), categories=[self.b.planning]
        )
        lead = self.new_lead()
        self.assertRefused(
            "Certificate 22030002 does not cover the category 市容环境卫生.",
            actions.case_register,
            lead,
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
        )

    def test_a_certificate_without_the_cases_region_does_not_count(self):
        lead = self.new_lead(region=self.b.other_district)
        self.assertRefused(
            "Certificate 22030001 does not cover the region 铁东区.",
            actions.case_register,
            lead,
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
        )

    def test_investigation_steps_check_the_certificates_again(self):
        case = self.registered()
        certificate_set_status(
            actor=self.b.reviewer, certificate=self.cert_of(self.b.officer2), status=CertificateStatus.WITHHELD,
            reason="暂扣",
        )  # fmt: skip
        self.assertRefused(
            "Certificate 22030002 is withheld.",
            actions.case_record_transcript,
            case,
            actor=self.b.officer,
            kind="inspection",
            interviewee="",
            content="现场检查……",
            recorded_at=timezone.now(),
            place="站前街道",
        )


class RecusalTests(GateTestCase):
    """A declared conflict or a recusal decision keeps the officer off the case (APL Art. 43; §13.5)."""

    PARTY_ID = "11010519491231002X"  # the party of ``new_lead``

    def conflict(self, user, id_number=PARTY_ID):
        return Conflict.objects.create(user=user, id_number=id_number, reason="配偶之兄", recorded_by=self.b.leader)

    def recuse(self, case, user, recused=True):
        return Recusal.objects.create(
            case=case, user=user, reason="当事人申请回避", recused=recused, decided_by=self.b.leader
        )

    def test_a_conflict_with_the_party_refuses_the_assignment(self):
        self.conflict(self.b.officer2)
        lead = self.new_lead()
        self.assertRefused(
            "李执法 has a recorded conflict of interest with a party: 配偶之兄",
            actions.case_register,
            lead,
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
        )
        case = actions.case_register(actor=self.b.unit_head, case=lead, handlers=[self.b.officer, self.b.unit_head])
        self.assertEqual(case.state, "registered")

    def test_a_conflict_with_someone_else_does_not_refuse(self):
        self.conflict(self.b.officer2, id_number="110105194912310021")
        self.assertEqual(self.registered().state, "registered")

    def test_a_recusal_on_the_lead_refuses_the_assignment(self):
        lead = self.new_lead()
        self.recuse(lead, self.b.officer2)
        self.assertRefused(
            "李执法 has been recused from this case.",
            actions.case_register,
            lead,
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
        )

    def test_a_refused_recusal_application_does_not_refuse(self):
        lead = self.new_lead()
        self.recuse(lead, self.b.officer2, recused=False)
        self.assertEqual(self.register(lead).state, "registered")

    def test_a_recusal_after_registration_stops_the_officer_counting(self):
        """The investigation's two-officer gate leaves out recused handlers (guards.handlers_qualified)."""
        case = self.registered()
        self.recuse(case, self.b.officer2)
        self.assertRefused(
            "李执法 has been recused from this case.",
            actions.case_attach_evidence,
            case,
            actor=self.b.officer,
            kind="photo",
            description="现场照片",
        )


class LimitationPeriodTests(GateTestCase):
    """APL Art. 36 at 立案: 2 years, 5 with safety and harm; override only by a leader with a reason (§13.4).

    Time is 2026-06-01, the day the act is discovered.
    """

    def lead(self, act_date, violation=None):
        return self.new_lead(act_date=act_date, violation=violation or self.violation)

    def test_it_registers_an_act_exactly_two_years_before_discovery(self):
        self.assertEqual(self.register(self.lead(dt.date(2024, 6, 1))).state, "registered")

    def test_it_refuses_an_act_two_years_and_one_day_before_discovery(self):
        self.assertRefused(
            "The act ended on 2024-05-31 and was discovered on 2026-06-01, after the 2-year limitation period",
            actions.case_register,
            self.lead(dt.date(2024, 5, 31)),
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
        )

    def test_five_years_apply_to_safety_with_harmful_consequences(self):
        lead = self.lead(dt.date(2021, 6, 1), self.safety_violation)
        case = actions.case_register(
            actor=self.b.unit_head, case=lead, handlers=[self.b.officer, self.b.officer2], harmful_consequences=True
        )
        self.assertEqual(case.state, "registered")
        self.assertIs(case.facts["harmful_consequences"], True)

    def test_five_years_also_when_the_safety_violation_is_chosen_at_registration(self):
        lead = self.lead(dt.date(2022, 6, 1))
        case = actions.case_register(
            actor=self.b.unit_head, case=lead, handlers=[self.b.officer, self.b.officer2],
            violation=self.safety_violation, harmful_consequences=True,
        )  # fmt: skip
        self.assertEqual((case.state, case.violation_id), ("registered", self.safety_violation.pk))

    def test_five_years_end_too(self):
        self.assertRefused(
            "after the 5-year limitation period",
            actions.case_register,
            self.lead(dt.date(2021, 5, 31), self.safety_violation),
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
            harmful_consequences=True,
        )

    def test_two_years_without_harm_or_without_safety(self):
        cases = [(self.safety_violation, False), (self.violation, True)]
        for violation, harm in cases:
            with self.subTest(safety=violation.involves_safety, harm=harm):
                self.assertRefused(
                    "after the 2-year limitation period",
                    actions.case_register,
                    self.lead(dt.date(2024, 5, 31), violation),
                    actor=self.b.unit_head,
                    handlers=[self.b.officer, self.b.officer2],
                    harmful_consequences=harm,
                )

    def test_a_leader_may_override_with_a_reason(self):
        case = actions.case_register(
            actor=self.b.leader, case=self.lead(dt.date(2023, 1, 1)), handlers=[self.b.officer, self.b.officer2],
            limitation_override_reason="违法行为处于连续状态，终了日期待查",
        )  # fmt: skip
        self.assertEqual(case.state, "registered")
        self.assertEqual(case.facts["limitation_override"], "违法行为处于连续状态，终了日期待查")
        event = case.events.get(transition="register")
        self.assertEqual(event.payload["limitation_override_reason"], "违法行为处于连续状态，终了日期待查")

    def test_no_override_without_a_reason_or_by_a_unit_head(self):
        attempts = [(self.b.leader, "  "), (self.b.unit_head, "违法行为处于连续状态")]
        for actor, reason in attempts:
            with self.subTest(actor=actor.username, reason=reason):
                self.assertRefused(
                    "only a leader may override, with a reason",
                    actions.case_register,
                    self.lead(dt.date(2023, 1, 1)),
                    actor=actor,
                    handlers=[self.b.officer, self.b.officer2],
                    limitation_override_reason=reason,
                )

    def test_it_needs_the_date_of_the_act(self):
        self.assertRefused(
            "Record the date of the act",
            actions.case_register,
            self.lead(None),
            actor=self.b.unit_head,
            handlers=[self.b.officer, self.b.officer2],
        )


class RolesAndScopeTests(GateTestCase):
    """The engine checks the move's roles and the actor's write scope before any gate."""

    def transcript(self, case, actor):
        return actions.case_record_transcript(
            actor=actor, case=case, kind="questioning", interviewee="张三", content="问答", recorded_at=timezone.now(),
            place="站前街道",
        )  # fmt: skip

    def test_an_officer_cannot_register(self):
        lead = self.new_lead()
        with self.assertRaisesMessage(AccessDenied, "Your role does not allow “Register the case (approval)”."):
            actions.case_register(actor=self.b.officer, case=lead, handlers=[self.b.officer, self.b.officer2])

    def test_an_officer_of_another_unit_cannot_act_on_the_case(self):
        case = self.registered()
        with self.assertRaisesMessage(AccessDenied, "You may not change this case."):
            self.transcript(case, self.b.other_officer)

    def test_an_officer_of_another_unit_cannot_register_a_lead_for_it(self):
        with self.assertRaisesMessage(AccessDenied, "You may not change this case."):
            self.new_lead(actor=self.b.other_officer)
        self.assertFalse(CaseEvent.objects.exists())

    def test_an_officer_of_the_unit_who_is_not_a_handler_cannot_act(self):
        case = actions.case_register(
            actor=self.b.unit_head, case=self.new_lead(), handlers=[self.b.officer, self.b.unit_head]
        )
        with self.assertRaisesMessage(AccessDenied, "You may not change this case."):
            self.transcript(case, self.b.officer2)
        self.assertEqual(self.transcript(case, self.b.officer).event_count, 3)

    def test_the_supervisor_and_the_administrators_cannot_act(self):
        case = self.registered()
        for user in (self.b.supervisor, self.b.sysadmin, self.b.reviewer, self.b.auxiliary):
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                self.transcript(case, user)
        with self.assertRaisesMessage(AccessDenied, "Your role does not allow"):
            actions.case_dismiss_lead(actor=self.b.supervisor, case=self.new_lead(), reason="不予立案")
        self.assertEqual(case.events.count(), 2)

    def test_a_move_not_allowed_from_the_state_is_an_invalid_transition(self):
        lead = self.new_lead()
        moves = [
            lambda: actions.case_examine(actor=self.b.unit_head, case=lead, opinion="同意"),
            lambda: actions.case_close(actor=self.b.unit_head, case=lead, report="结案"),
            lambda: actions.case_request_hearing(actor=self.b.officer, case=lead, requested_on=timezone.localdate()),
        ]
        for move in moves:
            with (
                self.subTest(move=move),
                self.assertRaisesMessage(InvalidTransition, "while the case is “Lead registered”"),
            ):
                move()
        case = self.register(lead)
        with self.assertRaisesMessage(InvalidTransition, "is not possible while the case is “Registered"):
            actions.case_register(actor=self.b.unit_head, case=case, handlers=[self.b.officer, self.b.officer2])
        self.assertEqual(case.events.count(), 2)


class ReassignHandlersTests(GateTestCase):
    """After a recusal the head reassigns: again two qualified officers with no conflict (APL Art. 42, 43)."""

    def test_it_replaces_a_recused_handler(self):
        from sanxiang.cases.access import may_write_case
        from sanxiang.cases.engine import case_replay, case_snapshot

        case = self.registered()
        Recusal.objects.create(
            case=case, user=self.b.officer2, reason="亲属关系", recused=True, decided_by=self.b.leader
        )
        self.assertIs(may_write_case(self.b.officer2, case), False)
        with self.assertRaises(GateRefused) as refused:
            actions.case_reassign_handlers(
                actor=self.b.unit_head, case=case, handlers=[self.b.officer, self.b.officer2], reason="回避"
            )
        self.assertIn("recused", "\n".join(refused.exception.reasons))
        case = actions.case_reassign_handlers(
            actor=self.b.unit_head, case=case, handlers=[self.b.officer, self.b.unit_head], reason="回避"
        )
        self.assertLastEvent(case, "reassign_handlers", self.b.unit_head)
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_an_assistant_who_becomes_lead_is_recorded_as_lead(self):
        """Roles of kept handlers follow the new order, so replaying the events gives the stored handlers."""
        from sanxiang.cases.engine import case_replay, case_snapshot
        from sanxiang.cases.models import CaseHandler

        case = self.registered()
        case = actions.case_reassign_handlers(
            actor=self.b.unit_head, case=case, handlers=[self.b.officer2, self.b.unit_head], reason="调整"
        )
        lead = CaseHandler.objects.get(case=case, role="lead")
        self.assertEqual(lead.user, self.b.officer2)
        self.assertEqual(case_replay(case), case_snapshot(case))
