"""Helpers for tests elsewhere whose major cases must pass 法制审核 before the decision (APL Art. 58)."""

from __future__ import annotations

from sanxiang.cases.models import Case
from sanxiang.org.models import Role, StaffKind, Unit, User
from sanxiang.review import actions
from sanxiang.review.models import ReviewOpinion
from sanxiang.review.points import Finding, ReviewPoint


def second_reviewer(system: User, unit: Unit, username: str = "reviewer_b") -> User:
    """A qualified legal reviewer besides ``sanxiang.testing``'s (who may have presided over the hearing)."""
    from sanxiang.testing import _staff

    return _staff(system, username, "秦法制", unit, StaffKind.ESTABLISHED, Role.LEGAL_REVIEWER,
                  has_legal_qualification=True, legal_qualification_no="A20200002")  # fmt: skip


def pass_review(
    *, case: Case, author: User, reviewer: User, basis: str = "《城市市容和环境卫生管理条例》"
) -> ReviewOpinion:
    """Draft the notified penalty, submit it, assign ``reviewer`` (who assigns themselves) and pass it."""
    case.refresh_from_db()
    penalty = case.facts["notified_penalty"]
    actions.draft_save(
        actor=author, case=case, types=penalty["types"], fine_fen=penalty["fine_fen"],
        confiscation_fen=penalty["confiscation_fen"], facts_text="事实清楚，证据确凿。", legal_basis=basis,
    )  # fmt: skip
    submission = actions.review_submit(actor=author, case=case)
    actions.review_assign(actor=reviewer, submission=submission, reviewer=reviewer)
    return actions.review_opinion_give(
        actor=reviewer, submission=submission, findings={p.value: (Finding.OK.value, "") for p in ReviewPoint},
        outcome="pass", summary="经审核，同意。",
    )  # fmt: skip
