"""The shared set-up of the review tests: a case walked to the decision, and the review steps as helpers.

Extra personas (besides ``sanxiang.testing``): ``reviewer2``, a legal reviewer without the national
legal qualification who has never reviewed (APL Art. 58 para 2); ``counsel``, the bureau's 法律顾问;
``leader2`` and the unit head sit with the ``leader`` in collective discussions.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_gates_base import SMALL_FINE, GateTestCase
from sanxiang.catalog.major import major_ground_add
from sanxiang.org.models import Role, StaffKind, User
from sanxiang.record.models import LogEntry, LogOutbox
from sanxiang.review import actions
from sanxiang.review.models import DecisionDraft, ReviewOpinion, ReviewSubmission
from sanxiang.review.points import Finding, ReviewPoint
from sanxiang.testing import _staff

ALL_OK: dict[str, tuple[str, str]] = {p.value: (Finding.OK.value, "") for p in ReviewPoint}


def findings(**problems: str) -> dict[str, tuple[str, str]]:
    """Every point OK but the ``problems`` given (point value → notes)."""
    return {**ALL_OK, **{point: (Finding.PROBLEM.value, notes) for point, notes in problems.items()}}


class ReviewTestCase(GateTestCase):
    reviewer2: User
    counsel: User
    leader2: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        est = StaffKind.ESTABLISHED
        cls.reviewer2 = _staff(cls.b.system, "reviewer2", "郑新审", cls.b.legal_section, est, Role.LEGAL_REVIEWER)
        cls.counsel = _staff(cls.b.system, "counsel", "林律师", None, StaffKind.CONTRACT, Role.COUNSEL)
        cls.leader2 = _staff(cls.b.system, "leader2", "何副局长", cls.b.office, est, Role.LEADER)

    # --- Walking ------------------------------------------------------------------------------

    def waived(self, fine_fen: int = SMALL_FINE) -> Case:
        """Notified today, the party waived: only the review gates stand between the case and the decision."""
        case = self.notified(fine_fen)
        return case_actions.case_waive_rights(actor=self.b.officer, case=case, signed_on=timezone.localdate())

    def make_major(self, case: Case, *, collective: bool = False) -> Case:
        major_ground_add(
            actor=self.b.unit_head, case=case, ground="complex", reason="涉及多个法律关系", collective=collective
        )
        return case

    def draft(self, case: Case, fine_fen: int = SMALL_FINE, **extra: Any) -> DecisionDraft:
        return actions.draft_save(
            actor=self.b.officer, case=case, types=["fine"], fine_fen=fine_fen,
            facts_text="当事人占道经营，事实清楚。", legal_basis="《城市市容和环境卫生管理条例》第三十六条", **extra,
        )  # fmt: skip

    def submit(self, case: Case) -> ReviewSubmission:
        return actions.review_submit(actor=self.b.officer, case=case)

    def assign(self, submission: ReviewSubmission, reviewer: User | None = None) -> None:
        actions.review_assign(actor=self.b.reviewer, submission=submission, reviewer=reviewer or self.b.reviewer)

    def opinion(
        self, submission: ReviewSubmission, outcome: str = "pass", reviewer: User | None = None, /, **problems: str
    ) -> ReviewOpinion:
        return actions.review_opinion_give(
            actor=reviewer or self.b.reviewer, submission=submission, findings=findings(**problems), outcome=outcome,
            summary="经审核，" + outcome,
        )  # fmt: skip

    def reviewed(self, case: Case, outcome: str = "pass", fine_fen: int = SMALL_FINE, **problems: str) -> ReviewOpinion:
        """Draft, submit, assign to ``reviewer`` and answer with ``outcome``."""
        self.draft(case, fine_fen)
        submission = self.submit(case)
        self.assign(submission)
        return self.opinion(submission, outcome, None, **problems)

    def discuss(self, case: Case, *, sign: bool = True) -> None:
        discussion = actions.discussion_record(
            actor=self.b.unit_head, case=case, chair=self.b.leader, participants=[self.leader2, self.b.unit_head],
            held_on=timezone.localdate(), minutes="局长办公会讨论……", conclusion="同意按草案作出处罚决定",
        )  # fmt: skip
        if sign:
            actions.discussion_sign(actor=self.b.leader, discussion=discussion)

    def baseline(self, low_fen: int = 20_000, high_fen: int = 100_000) -> None:
        """A baseline in force today for the test violation: one ordinary tier, a fine of ``low``–``high`` fen."""
        from sanxiang.cases.penalties import PenaltyType
        from sanxiang.discretion.actions import ItemSpec, TierSpec, baseline_approve, baseline_create
        from sanxiang.discretion.models import Level

        tier = TierSpec("一般", Level.ORDINARY, frozenset({PenaltyType.FINE}), low_fen, high_fen, low_fen, high_fen)
        baseline = baseline_create(
            actor=self.b.reviewer, version="2026-1", effective_from=timezone.localdate(),
            items=[ItemSpec(self.violation, [tier])],
        )  # fmt: skip
        baseline_approve(actor=self.b.leader, baseline=baseline)

    def catalogue(self, amount_yuan: int = 400, *, collective: bool = False) -> None:
        """A 法制审核目录清单 in force today: a fine of at least ``amount_yuan`` on a person is major."""
        from sanxiang.catalog.actions_review import review_catalogue_approve, review_catalogue_create, review_rule_add

        catalogue = review_catalogue_create(
            actor=self.b.reviewer, version="2026版", effective_from=timezone.localdate()
        )
        review_rule_add(
            actor=self.b.reviewer, catalogue=catalogue, code="fine-person", label="对个人罚款400元以上",
            ground="agency", kind="fine_person", amount_yuan=amount_yuan, basis="本局目录清单第1项", collective=collective,
        )  # fmt: skip
        review_catalogue_approve(actor=self.b.leader, catalogue=catalogue)

    # --- Assertions --------------------------------------------------------------------------

    def log_count(self) -> int:
        """Entries written, in either log mode (direct: entries; outbox, as on PostgreSQL: rows waiting)."""
        return LogEntry.objects.count() + LogOutbox.objects.count()

    def assertLogged(self, row: Any) -> None:
        """``row`` has its log entry: a ``log_seq`` (direct mode) or an outbox row waiting for it."""
        from sanxiang.record.log import entry_seq

        self.assertTrue(entry_seq(row) is not None or LogOutbox.objects.exists(), f"{row!r} is not logged")
