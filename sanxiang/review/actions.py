"""Actions of 法制审核 (APL Art. 58) and 集体讨论 (APL Art. 57 para 2): drafts, submission, assignment,
opinion with its findings, counsel, and the collective discussion with the chair's sign-off.

Each action validates, writes append-only rows with their record-log entries (``log_insert``) in one
transaction, and returns the row; a refused call writes nothing.

Who does what:

- a handler of the case, a unit head above it or a leader (``may_write_case``) saves drafts and submits
  them, in the states between the investigation's end and the decision;
- a legal reviewer (``Perm.REVIEW_CONDUCT``) assigns a submission (to themselves or a colleague) and the
  assigned reviewer, still eligible (``selectors.reviewer_problems``), answers every point, refers a
  question to counsel and gives the outcome;
- counsel (``Perm.COUNSEL_OPINION``) answers a referral addressed to them;
- anyone who may write the case records a collective discussion; its chair, a leader, signs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.access import may_write_case
from sanxiang.cases.actions import _penalty
from sanxiang.cases.models import Case
from sanxiang.lib import daycount
from sanxiang.lib.exceptions import AccessDenied, GateRefused
from sanxiang.lib.validation import field_error
from sanxiang.org.models import Role, User
from sanxiang.org.permissions import Perm, has_perm, roles_of
from sanxiang.procedures.calendar import db_calendar
from sanxiang.record.logged import log_insert
from sanxiang.review import integration, selectors
from sanxiang.review.models import (
    CollectiveDiscussion,
    CounselOpinion,
    CounselReferral,
    DecisionDraft,
    DiscussionSignOff,
    ReviewAssignment,
    ReviewFinding,
    ReviewOpinion,
    ReviewSubmission,
)
from sanxiang.review.package import package_build
from sanxiang.review.points import Finding, Outcome, ReviewPoint

#: The states in which a draft decision is written and reviewed: after the investigation, before the decision.
DRAFT_STATES = frozenset({"concluded", "examined", "notified", "hearing"})


def _case_locked(case: Case) -> Case:
    """The case row locked, so that versions and submissions of one case are numbered one at a time."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _require_case_writer(actor: User, case: Case) -> None:
    if not may_write_case(actor, case) or not roles_of(actor) & {Role.OFFICER, Role.UNIT_HEAD, Role.LEADER}:
        raise AccessDenied(_("You may not change this case."))
    if case.procedure != "general" or case.state not in DRAFT_STATES:
        raise GateRefused(
            _("The draft decision is refused."),
            [_("A draft decision is written after the investigation is concluded and before the decision.")],
        )


def _text(name: str, value: str, message: str) -> str:
    if not value.strip():
        raise field_error(name, message)
    return value.strip()


@transaction.atomic
def draft_save(
    *,
    actor: User,
    case: Case,
    types: Sequence[str],
    fine_fen: int = 0,
    confiscation_fen: int = 0,
    facts_text: str,
    legal_basis: str,
    tier_code: str = "",
    discretion_reason: str = "",
) -> DecisionDraft:
    """Save the next version of the draft decision.

    1. The actor may write the case, which is between the investigation's end and the decision.
    2. The penalty is valid (``cases.actions._penalty``); facts and basis are written.
    3. The discretion baseline is assessed; outside its range a reason is required (APL Art. 34;
       ``discretion.assess.require_reason``).
    4. The major-decision determination is made with this penalty and recorded (sticky), and kept on the draft.
    """
    case = _case_locked(case)
    _require_case_writer(actor, case)
    penalty = _penalty(types, fine_fen, confiscation_fen)
    facts = _text("facts_text", facts_text, _("Write the facts and reasons of the draft decision."))
    basis = _text("legal_basis", legal_basis, _("Write the legal basis of the draft decision."))
    reason = discretion_reason.strip()
    assessment = integration.assess(case, penalty, tier_code=tier_code)
    integration.require_reason(assessment, reason)
    determination = integration.determine(case, penalty=penalty)
    integration.determination_record(actor=actor, case=case, determination=determination)
    last = selectors.current_draft(case)
    draft = DecisionDraft(
        case=case, version=(last.version + 1) if last else 1, penalty=penalty.to_json(), facts_text=facts,
        legal_basis=basis, tier_code=getattr(assessment.tier, "code", "") or tier_code.strip(),
        assessment=integration.assessment_text(assessment),
        within_baseline=None if assessment.applicable is None else bool(assessment.within),
        discretion_reason=reason, determination=integration.determination_json(determination),
        author=actor, author_label=str(actor)[:150], at=timezone.now(),
    )  # fmt: skip
    draft.full_clean(exclude=["case", "author"])
    log_insert(draft, actor=actor, at=draft.at)
    return draft


@transaction.atomic
def review_submit(*, actor: User, case: Case, note: str = "") -> ReviewSubmission:
    """Submit the current draft with its package for 法制审核.

    The package is built from the case's record (``package.package_build``); when it is complete the
    review clock starts today and runs ``settings.REVIEW_WORKING_DAYS`` working days (start day not
    counted, RULES.md §0); when not, the missing items are recorded and the clock waits for a complete
    resubmission. A draft already waiting for its review is not submitted twice.
    """
    case = _case_locked(case)
    _require_case_writer(actor, case)
    draft = selectors.current_draft(case)
    if draft is None:
        raise GateRefused(_("The submission is refused."), [_("Save a draft decision before submitting it.")])
    latest = selectors.latest_submission(case)
    if latest is not None and latest.draft_id == draft.pk and latest.complete and selectors.opinion_of(latest) is None:
        raise GateRefused(
            _("The submission is refused."),
            [_("Version %(v)d is already waiting for its review.") % {"v": draft.version}],
        )
    package, missing = package_build(case)
    now = timezone.now()
    today = timezone.localdate(now)
    start = today if not missing else None
    due = daycount.add_working_days(today, settings.REVIEW_WORKING_DAYS, db_calendar()) if start else None
    submission = ReviewSubmission(
        case=case, draft=draft, package=package, complete=not missing, missing=[str(m) for m in missing],
        clock_start=start, due_on=due, note=note.strip(), submitted_by=actor, submitted_by_label=str(actor)[:150],
        at=now,
    )  # fmt: skip
    log_insert(submission, actor=actor, at=now)
    return submission


def _open_submission(submission: ReviewSubmission) -> ReviewSubmission:
    """``submission`` re-read under the case's lock; refused unless it is the case's latest and unanswered."""
    _case_locked(submission.case)
    submission = ReviewSubmission.objects.select_related("case", "draft").get(pk=submission.pk)
    latest = selectors.latest_submission(submission.case)
    if latest is None or latest.pk != submission.pk or selectors.opinion_of(submission) is not None:
        raise GateRefused(
            _("The review is refused."), [_("This submission is closed: a later one replaced it or it was answered.")]
        )
    return submission


def _require_eligible(reviewer: User, case: Case) -> None:
    problems = selectors.reviewer_problems(reviewer, case)
    if problems:
        raise GateRefused(_("The reviewer is refused."), problems)


@transaction.atomic
def review_assign(*, actor: User, submission: ReviewSubmission, reviewer: User) -> ReviewAssignment:
    """Assign ``reviewer`` to ``submission`` (a legal reviewer assigns; the reviewer must be eligible)."""
    if not has_perm(actor, Perm.REVIEW_CONDUCT):
        raise AccessDenied(_("Only the legal section assigns reviews."))
    submission = _open_submission(submission)
    _require_eligible(reviewer, submission.case)
    row = ReviewAssignment(
        submission=submission, reviewer=reviewer, reviewer_label=str(reviewer)[:150], assigned_by=actor
    )
    log_insert(row, actor=actor, at=row.at)
    return row


def _assigned_reviewer(actor: User, submission: ReviewSubmission) -> None:
    assignment = selectors.latest_assignment(submission)
    if assignment is None or assignment.reviewer_id != actor.pk or not has_perm(actor, Perm.REVIEW_CONDUCT):
        raise AccessDenied(_("Only the reviewer assigned to this submission may do this."))
    _require_eligible(actor, submission.case)


def _findings(findings: Mapping[str, tuple[str, str]]) -> list[tuple[ReviewPoint, Finding, str]]:
    """Every point answered once with a valid finding; a problem always says what is wrong."""
    rows: list[tuple[ReviewPoint, Finding, str]] = []
    for point in ReviewPoint:
        if point.value not in findings:
            raise field_error(f"finding_{point.value}", _("Answer the point “%(p)s”.") % {"p": point.label})
        value, notes = findings[point.value]
        if value not in Finding.values:
            raise field_error(f"finding_{point.value}", _("Choose a finding for “%(p)s”.") % {"p": point.label})
        if value == Finding.PROBLEM and not notes.strip():
            raise field_error(f"notes_{point.value}", _("Say what the problem is for “%(p)s”.") % {"p": point.label})
        rows.append((point, Finding(value), notes.strip()))
    unknown = set(findings) - set(ReviewPoint.values)
    if unknown:
        raise field_error("findings", _("Unknown review points: %(p)s.") % {"p": ", ".join(sorted(unknown))})
    return rows


def _check_outcome(outcome: str, rows: list[tuple[ReviewPoint, Finding, str]], complete: bool) -> Outcome:
    if outcome not in Outcome.values:
        raise field_error("outcome", _("Choose the outcome of the review."))
    problems = [point for point, finding, _notes in rows if finding == Finding.PROBLEM]
    if outcome == Outcome.PASS and problems:
        raise field_error("outcome", _("A review with a problem found cannot pass: return the case or fail it."))
    if outcome == Outcome.PASS and not complete:
        raise field_error(
            "outcome", _("The package is incomplete: it cannot pass before the missing items are submitted.")
        )
    if outcome != Outcome.PASS and not problems:
        raise field_error("outcome", _("Mark the points that are not satisfied: they are the items to address."))
    return Outcome(outcome)


@transaction.atomic
def review_opinion_give(
    *,
    actor: User,
    submission: ReviewSubmission,
    findings: Mapping[str, tuple[str, str]],
    outcome: str,
    summary: str,
    return_items: str = "",
) -> ReviewOpinion:
    """The assigned reviewer's 法制审核意见: a finding on each of the eleven points, then the outcome.

    ``findings`` maps each ``ReviewPoint`` value to (finding, notes). A pass has no problem finding and a
    complete package; a return or a fail names at least one problem (the items to address). The working
    days taken (clock start to today) are stored for the statistics.
    """
    submission = _open_submission(submission)
    _assigned_reviewer(actor, submission)
    rows = _findings(findings)
    result = _check_outcome(outcome, rows, submission.complete)
    text = _text("summary", summary, _("Write the review opinion."))
    now = timezone.now()
    days = None
    if submission.clock_start is not None:
        days = daycount.working_days_between(submission.clock_start, timezone.localdate(now), db_calendar())
    opinion = ReviewOpinion(
        submission=submission, reviewer=actor, reviewer_label=str(actor)[:150], outcome=result, summary=text,
        return_items=return_items.strip(), working_days=days, at=now,
    )  # fmt: skip
    log_insert(opinion, actor=actor, at=now)
    for point, finding, notes in rows:
        log_insert(ReviewFinding(opinion=opinion, point=point, finding=finding, notes=notes), actor=actor, at=now)
    return opinion


@transaction.atomic
def counsel_refer(*, actor: User, submission: ReviewSubmission, counsel: User, question: str) -> CounselReferral:
    """The assigned reviewer refers a hard question to counsel (法律顾问/公职律师, seed 二(三)2(3))."""
    submission = _open_submission(submission)
    _assigned_reviewer(actor, submission)
    if Role.COUNSEL not in roles_of(counsel):
        raise field_error("counsel", _("%(u)s is not counsel of the bureau.") % {"u": counsel.full_name})
    text = _text("question", question, _("Write the question for counsel."))
    row = CounselReferral(
        submission=submission, counsel=counsel, counsel_label=str(counsel)[:150], question=text, referred_by=actor
    )
    log_insert(row, actor=actor, at=row.at)
    return row


@transaction.atomic
def counsel_opinion_give(*, actor: User, referral: CounselReferral, text: str) -> CounselOpinion:
    """Counsel's written opinion on a referral addressed to them (once); it joins the review."""
    if referral.counsel_id != actor.pk or not has_perm(actor, Perm.COUNSEL_OPINION):
        raise AccessDenied(_("Only the counsel the question was referred to may answer it."))
    if CounselOpinion.objects.filter(referral=referral).exists():
        raise GateRefused(_("The opinion is refused."), [_("This question has already been answered.")])
    body = _text("text", text, _("Write the opinion."))
    row = CounselOpinion(referral=referral, text=body, author=actor, author_label=str(actor)[:150])
    log_insert(row, actor=actor, at=row.at)
    return row


def _participants(chair: User, participants: Sequence[User]) -> list[dict[str, object]]:
    people = {chair.pk: chair, **{p.pk: p for p in participants}}
    if len(people) < settings.COLLECTIVE_DISCUSSION_MIN_PARTICIPANTS:
        raise field_error(
            "participants",
            _("A collective discussion needs at least %(n)d participants, the chair included.")
            % {"n": settings.COLLECTIVE_DISCUSSION_MIN_PARTICIPANTS},
        )
    return [{"id": p.pk, "name": p.full_name} for p in sorted(people.values(), key=lambda u: u.pk)]


@transaction.atomic
def discussion_record(
    *,
    actor: User,
    case: Case,
    chair: User,
    participants: Sequence[User],
    held_on: dt.date,
    minutes: str,
    conclusion: str,
) -> CollectiveDiscussion:
    """Record the 集体讨论 of the current draft (APL Art. 57 para 2); it binds once the chair signs it.

    The chair holds the leader role (the heads of the agency decide collectively); the participants,
    the chair included, number at least ``settings.COLLECTIVE_DISCUSSION_MIN_PARTICIPANTS``.
    """
    case = _case_locked(case)
    _require_case_writer(actor, case)
    draft = selectors.current_draft(case)
    if draft is None:
        raise GateRefused(_("The discussion is refused."), [_("Save a draft decision before discussing it.")])
    if Role.LEADER not in roles_of(chair):
        raise field_error("chair", _("The chair of a collective discussion is a leader of the bureau."))
    if held_on > timezone.localdate():
        raise field_error("held_on", _("The date cannot be in the future."))
    row = CollectiveDiscussion(
        case=case, draft=draft, chair=chair, chair_label=str(chair)[:150], participants=_participants(chair, participants),
        held_on=held_on, minutes=_text("minutes", minutes, _("Write the minutes.")),
        conclusion=_text("conclusion", conclusion, _("Write the conclusion.")), recorded_by=actor,
    )  # fmt: skip
    log_insert(row, actor=actor, at=row.at)
    return row


@transaction.atomic
def discussion_sign(*, actor: User, discussion: CollectiveDiscussion) -> DiscussionSignOff:
    """The chair signs the discussion record (once)."""
    if discussion.chair_id != actor.pk:
        raise AccessDenied(_("Only the chair signs the record of the discussion."))
    if DiscussionSignOff.objects.filter(discussion=discussion).exists():
        raise GateRefused(_("The signature is refused."), [_("The record is already signed.")])
    row = DiscussionSignOff(discussion=discussion, signed_by=actor)
    log_insert(row, actor=actor, at=row.at)
    return row
