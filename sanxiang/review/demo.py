"""Demo data of the legal review, called by ``cases.demo`` while it walks the demo cases.

- ``demo_review_before_decision``: before a demo decision, the draft of that penalty; when the
  catalogue marks it major, its submission, a reviewer of the legal section (郑雅琴 or 吴昊天 in the demo
  bureau: the first one eligible) and a passing opinion; when it must be decided collectively, the
  discussion chaired by a leader and signed. A penalty outside the demo baseline carries a reason.
- ``demo_waiting_for_review``: the draft of the notified penalty submitted, left for the legal section.

Both go through the review actions, so the demo shows what the gates require.
"""

from __future__ import annotations

from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.cases.penalties import Penalty
from sanxiang.org.models import Role, User
from sanxiang.review import actions, integration, selectors
from sanxiang.review.points import Finding, ReviewPoint

DEMO_OUTSIDE_REASON = "当事人经责令改正后逾期仍未改正，情节较重，依法在裁量基准幅度外从重处罚。"


def _draft(case: Case, author: User, penalty: Penalty, facts: str, basis: str) -> None:
    assessment = integration.assess(case, penalty)
    reason = "" if assessment.within else DEMO_OUTSIDE_REASON
    actions.draft_save(
        actor=author, case=case, types=[str(t) for t in penalty.types], fine_fen=penalty.fine_fen,
        confiscation_fen=penalty.confiscation_fen, facts_text=facts, legal_basis=basis, discretion_reason=reason,
    )  # fmt: skip


def _reviewer(case: Case) -> User | None:
    return next((u for u in selectors.legal_reviewers() if not selectors.reviewer_problems(u, case)), None)


def _discuss(case: Case, author: User) -> None:
    heads = User.objects.filter(is_active=True, role_grants__role__in=[Role.LEADER, Role.UNIT_HEAD],
                                role_grants__revoked_at__isnull=True).distinct().order_by("username")  # fmt: skip
    chair = heads.filter(role_grants__role=Role.LEADER).first()
    if chair is None:
        return
    discussion = actions.discussion_record(
        actor=author, case=case, chair=chair, participants=list(heads[:4]), held_on=timezone.localdate(),
        minutes="案件承办人汇报案情及拟处理意见，法制科汇报审核意见，与会人员逐一发表意见。",
        conclusion="同意按处罚决定书草案作出行政处罚决定。",
    )  # fmt: skip
    actions.discussion_sign(actor=chair, discussion=discussion)


def demo_review_before_decision(
    *,
    case: Case,
    author: User,
    penalty: Penalty,
    facts: str,
    basis: str,
    major_reason: str = "",
    head: User | None = None,
) -> None:
    """Draft ``penalty``; if major, review it to a pass; if collective, discuss it (see the module docstring).

    ``major_reason``: ``head`` first adds a manual ground (重大公共利益, decided collectively) with it.
    """
    if major_reason and head is not None:
        from sanxiang.catalog.major import major_ground_add

        major_ground_add(actor=head, case=case, ground="public_interest", reason=major_reason, collective=True)
    _draft(case, author, penalty, facts, basis)
    determination = integration.determine(case, penalty=penalty)
    if not determination.major:
        return
    reviewer = _reviewer(case)
    if reviewer is None:
        return
    submission = actions.review_submit(actor=author, case=case)
    actions.review_assign(actor=reviewer, submission=submission, reviewer=reviewer)
    actions.review_opinion_give(
        actor=reviewer, submission=submission, findings={p.value: (Finding.OK.value, "") for p in ReviewPoint},
        outcome="pass", summary="经审核，执法主体合法，事实清楚，证据确凿，适用依据正确，程序合法，同意作出处罚决定。",
    )  # fmt: skip
    if determination.collective:
        _discuss(case, author)


def demo_waiting_for_review(*, case: Case, author: User, facts: str, basis: str) -> None:
    """Draft the notified penalty and submit it: the legal section finds it in its queue."""
    penalty = Penalty.from_json(case.facts["notified_penalty"])
    _draft(case, author, penalty, facts, basis)
    actions.review_submit(actor=author, case=case, note="请法制科审核。")
