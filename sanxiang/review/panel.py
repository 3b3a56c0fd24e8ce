"""What the case page shows of the review (``{% review_panel case %}``): everything read in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases.models import Case
from sanxiang.cases.penalties import LABELS, Penalty
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.review import integration, selectors
from sanxiang.review.actions import DRAFT_STATES
from sanxiang.review.models import CollectiveDiscussion, DecisionDraft, ReviewFinding, ReviewOpinion, ReviewSubmission


@dataclass
class DraftRow:
    draft: DecisionDraft
    penalty: Penalty
    changes: list[str]


@dataclass
class SubmissionRow:
    submission: ReviewSubmission
    status: str
    status_label: str
    reviewer: str
    opinion: ReviewOpinion | None
    findings: list[ReviewFinding] = field(default_factory=list)
    referrals: list[Any] = field(default_factory=list)


STATUS_LABELS = {
    "incomplete": gettext_lazy("Package incomplete"), "unassigned": gettext_lazy("Waiting for a reviewer"),
    "assigned": gettext_lazy("Under review"), "pass": gettext_lazy("Passed"), "return": gettext_lazy("Returned"),
    "fail": gettext_lazy("Not passed"),
}  # fmt: skip


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def penalty_changes(old: Penalty, new: Penalty) -> list[str]:
    """What changed from ``old`` to ``new``, for people (types added or removed, amounts)."""
    out = [_("Added: %(t)s") % {"t": LABELS[t]} for t in sorted(new.types - old.types)]
    out += [_("Removed: %(t)s") % {"t": LABELS[t]} for t in sorted(old.types - new.types)]
    if old.fine_fen != new.fine_fen:
        out.append(_("Fine: %(a)s → %(b)s yuan") % {"a": _yuan(old.fine_fen), "b": _yuan(new.fine_fen)})
    if old.confiscation_fen != new.confiscation_fen:
        out.append(
            _("Confiscation: %(a)s → %(b)s yuan") % {"a": _yuan(old.confiscation_fen), "b": _yuan(new.confiscation_fen)}
        )
    return out


def draft_rows(case: Case) -> list[DraftRow]:
    rows: list[DraftRow] = []
    previous: Penalty | None = None
    for draft in selectors.drafts(case):
        penalty = Penalty.from_json(draft.penalty)
        rows.append(DraftRow(draft, penalty, penalty_changes(previous, penalty) if previous else []))
        previous = penalty
    return rows


def submission_row(submission: ReviewSubmission) -> SubmissionRow:
    status = selectors.submission_status(submission)
    opinion = selectors.opinion_of(submission)
    assignment = selectors.latest_assignment(submission)
    findings = list(ReviewFinding.objects.filter(opinion=opinion).order_by("id")) if opinion else []
    referrals = list(submission.referrals.select_related("opinion").order_by("at", "id"))
    return SubmissionRow(submission, str(status), str(STATUS_LABELS[status]),
                         assignment.reviewer_label if assignment else "", opinion, findings, referrals)  # fmt: skip


def _signable(user: User, discussions: list[CollectiveDiscussion]) -> set[int]:
    return {d.pk for d in discussions if d.chair_id == user.pk and not hasattr(d, "signoff")}


def panel_context(case: Case, user: User, writable: bool, bound: dict[str, Any]) -> dict[str, Any]:
    """The panel's context; ``bound`` holds a refused form to show again (by name: draft, discussion)."""
    from sanxiang.review.forms import DiscussionForm, DraftForm

    draft = selectors.current_draft(case)
    penalty = Penalty.from_json(draft.penalty) if draft else None
    discussions = selectors.discussions(case)
    open_state = case.procedure == "general" and case.state in DRAFT_STATES
    can_edit = writable and open_state
    return {
        "case": case,
        "applies": case.procedure == "general",
        "determination": integration.determine(case, penalty=penalty),
        "applicable": integration.applicable(case),
        "assessment": integration.assess(case, penalty, tier_code=draft.tier_code) if draft and penalty else None,
        "drafts": draft_rows(case),
        "current": draft,
        "submissions": [submission_row(s) for s in selectors.submissions(case)],
        "discussions": discussions,
        "signable": _signable(user, discussions),
        "can_edit": can_edit,
        "draft_form": bound.get("draft") or (DraftForm(prefix="draft", case=case, actor=user) if can_edit else None),
        "discussion_form": bound.get("discussion")
        or (DiscussionForm(prefix="discussion", case=case, actor=user) if can_edit and draft else None),
        "is_reviewer": has_perm(user, Perm.REVIEW_CONDUCT),
    }
