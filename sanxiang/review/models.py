"""法制审核 and 集体讨论 as append-only rows of the record log (``record.logged``).

Every row is written once, with its log entry, by an action of ``review.actions``; a change is a new
row, and the current state is read from the latest rows (``review.selectors``):

- ``DecisionDraft``: a version of the draft decision (处罚决定书草稿), gapless per case; every version is
  kept across returns, so the review, the discussion and the decision each name the version they saw.
- ``ReviewSubmission``: the draft sent to the legal section (法制科) with its package (investigation
  report, evidence list, hearing record when one was held); the review clock starts the day the
  package is complete (working days, ``settings.REVIEW_WORKING_DAYS``; RULES.md §3.3 UNCONFIRMED).
- ``ReviewAssignment``: the reviewer of a submission (the latest row counts).
- ``ReviewOpinion`` + ``ReviewFinding``: the 法制审核意见 — one finding per point of ``points.ReviewPoint``
  and the outcome (pass / return / fail).
- ``CounselReferral`` + ``CounselOpinion``: a hard case referred to counsel (法律顾问/公职律师), whose
  written opinion joins the review (seed: 二(三)2(3)).
- ``CollectiveDiscussion`` + ``DiscussionSignOff``: the 集体讨论记录 (APL Art. 57 para 2) and the chair's
  signature on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case
from sanxiang.record.logged import LoggedRow
from sanxiang.review.points import Finding, Outcome, ReviewPoint

USER = settings.AUTH_USER_MODEL


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value.isoformat()


class DecisionDraft(LoggedRow):
    """One version of the draft penalty decision; ``version`` counts 1, 2, … per case without gaps."""

    LOG_KIND = "review.draft"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="decision_drafts")
    version = models.PositiveIntegerField(_("version"))
    penalty = models.JSONField(_("penalty"))
    facts_text = models.TextField(_("facts and reasons"))
    legal_basis = models.TextField(_("legal basis"))
    tier_code = models.CharField(_("discretion tier"), max_length=40, blank=True)
    assessment = models.TextField(_("discretion assessment"), blank=True)
    within_baseline = models.BooleanField(_("within the baseline"), null=True, blank=True)
    discretion_reason = models.TextField(_("reason for departing from the baseline"), blank=True)
    determination = models.JSONField(_("major-decision determination"), default=dict, blank=True)
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(_("author"), max_length=150)
    at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("draft decision")
        verbose_name_plural = _("draft decisions")
        ordering = ["case", "version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="decisiondraft_gapless_version")]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "version": self.version, "penalty": self.penalty, "facts": self.facts_text,
            "basis": self.legal_basis, "tier": self.tier_code, "assessment": self.assessment,
            "within": self.within_baseline, "reason": self.discretion_reason, "determination": self.determination,
            "author": self.author_id, "author_label": self.author_label, "at": _iso(self.at),
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"version": self.version, "major": bool(self.determination.get("major"))}


class ReviewSubmission(LoggedRow):
    """法制审核申请: a draft version and its package; ``clock_start``/``due_on`` are set when it is complete."""

    LOG_KIND = "review.submission"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="review_submissions")
    draft = models.ForeignKey(DecisionDraft, verbose_name=_("draft"), on_delete=models.PROTECT, related_name="+")
    package = models.JSONField(_("package"), default=dict)
    complete = models.BooleanField(_("package complete"))
    missing = models.JSONField(_("missing items"), default=list)
    clock_start = models.DateField(_("review clock started"), null=True, blank=True)
    due_on = models.DateField(_("review due"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+")
    submitted_by_label = models.CharField(_("submitted by"), max_length=150)
    at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("review submission")
        verbose_name_plural = _("review submissions")
        ordering = ["case", "at", "id"]
        indexes = [
            # The legal section's queue (review.selectors.queue) lists open submissions by due day.
            models.Index(fields=["due_on"], name="reviewsubmission_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.draft_id} {self.at:%Y-%m-%d}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "draft": self.draft_id, "package": self.package, "complete": self.complete,
            "missing": self.missing, "clock_start": _iso(self.clock_start), "due_on": _iso(self.due_on),
            "note": self.note, "by": self.submitted_by_id, "by_label": self.submitted_by_label, "at": _iso(self.at),
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"complete": self.complete, "due_on": _iso(self.due_on)}


class ReviewAssignment(LoggedRow):
    """The reviewer of a submission, chosen by ``assigned_by`` (the latest row of a submission counts)."""

    LOG_KIND = "review.assignment"

    submission = models.ForeignKey(ReviewSubmission, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+")
    reviewer_label = models.CharField(_("reviewer"), max_length=150)
    assigned_by = models.ForeignKey(USER, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} → {self.reviewer_label}"

    def log_case_id(self) -> int | None:
        return int(self.submission.case_id)

    def log_content(self) -> Mapping[str, Any]:
        return {
            "submission": self.submission_id, "reviewer": self.reviewer_id, "reviewer_label": self.reviewer_label,
            "by": self.assigned_by_id, "at": _iso(self.at),
        }  # fmt: skip


class ReviewOpinion(LoggedRow):
    """法制审核意见书: the outcome of a submission's review and its summary; the findings are its rows."""

    LOG_KIND = "review.opinion"

    submission = models.ForeignKey(ReviewSubmission, on_delete=models.PROTECT, related_name="opinions")
    reviewer = models.ForeignKey(USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+")
    reviewer_label = models.CharField(_("reviewer"), max_length=150)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    summary = models.TextField(_("opinion"))
    return_items = models.TextField(_("items to address"), blank=True)
    working_days = models.PositiveIntegerField(_("working days taken"), null=True, blank=True)
    at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.outcome}"

    def log_case_id(self) -> int | None:
        return int(self.submission.case_id)

    def log_content(self) -> Mapping[str, Any]:
        return {
            "submission": self.submission_id, "reviewer": self.reviewer_id, "reviewer_label": self.reviewer_label,
            "outcome": self.outcome, "summary": self.summary, "items": self.return_items,
            "working_days": self.working_days, "at": _iso(self.at),
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"outcome": self.outcome}


class ReviewFinding(LoggedRow):
    """The reviewer's finding on one point of an opinion (each point once per opinion)."""

    LOG_KIND = "review.finding"

    opinion = models.ForeignKey(ReviewOpinion, on_delete=models.PROTECT, related_name="findings")
    point = models.CharField(_("point"), max_length=16, choices=ReviewPoint.choices)
    finding = models.CharField(_("finding"), max_length=8, choices=Finding.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")
        ordering = ["opinion", "id"]
        constraints = [models.UniqueConstraint(fields=["opinion", "point"], name="reviewfinding_one_per_point")]

    def __str__(self) -> str:
        return f"{self.opinion_id} {self.point}={self.finding}"

    def log_case_id(self) -> int | None:
        return int(self.opinion.submission.case_id)

    def log_content(self) -> Mapping[str, Any]:
        return {"opinion": self.opinion_id, "point": self.point, "finding": self.finding, "notes": self.notes}

    def log_data(self) -> Mapping[str, Any]:
        return {"point": self.point, "finding": self.finding}


class CounselReferral(LoggedRow):
    """A hard question of a submission referred by its reviewer to counsel (法律顾问/公职律师)."""

    LOG_KIND = "review.counsel_referral"

    submission = models.ForeignKey(ReviewSubmission, on_delete=models.PROTECT, related_name="referrals")
    counsel = models.ForeignKey(USER, verbose_name=_("counsel"), on_delete=models.PROTECT, related_name="+")
    counsel_label = models.CharField(_("counsel"), max_length=150)
    question = models.TextField(_("question"))
    referred_by = models.ForeignKey(USER, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("referred at"), default=timezone.now)

    class Meta:
        verbose_name = _("referral to counsel")
        verbose_name_plural = _("referrals to counsel")
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} → {self.counsel_label}"

    def log_case_id(self) -> int | None:
        return int(self.submission.case_id)

    def log_content(self) -> Mapping[str, Any]:
        return {
            "submission": self.submission_id, "counsel": self.counsel_id, "counsel_label": self.counsel_label,
            "question": self.question, "by": self.referred_by_id, "at": _iso(self.at),
        }  # fmt: skip


class CounselOpinion(LoggedRow):
    """Counsel's written opinion on a referral (one per referral)."""

    LOG_KIND = "review.counsel_opinion"

    referral = models.OneToOneField(CounselReferral, on_delete=models.PROTECT, related_name="opinion")
    text = models.TextField(_("written opinion"))
    author = models.ForeignKey(USER, verbose_name=_("counsel"), on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(_("counsel"), max_length=150)
    at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("counsel's opinion")
        verbose_name_plural = _("counsel's opinions")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.author_label}"

    def log_case_id(self) -> int | None:
        return int(self.referral.submission.case_id)

    def log_content(self) -> Mapping[str, Any]:
        return {
            "referral": self.referral_id, "text": self.text, "author": self.author_id,
            "author_label": self.author_label, "at": _iso(self.at),
        }  # fmt: skip


class CollectiveDiscussion(LoggedRow):
    """集体讨论记录 of a draft (APL Art. 57 para 2): the chair (a leader), participants, minutes, conclusion.

    ``participants`` is a list of ``{"id", "name"}`` (names kept so the record outlives the accounts);
    it includes the chair. The record binds only once the chair signs it (``DiscussionSignOff``).
    """

    LOG_KIND = "review.discussion"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="discussions")
    draft = models.ForeignKey(DecisionDraft, verbose_name=_("draft"), on_delete=models.PROTECT, related_name="+")
    chair = models.ForeignKey(USER, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="+")
    chair_label = models.CharField(_("chair"), max_length=150)
    participants = models.JSONField(_("participants"))
    held_on = models.DateField(_("held on"))
    minutes = models.TextField(_("minutes"))
    conclusion = models.TextField(_("conclusion"))
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("collective discussion")
        verbose_name_plural = _("collective discussions")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_on}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "draft": self.draft_id, "chair": self.chair_id, "chair_label": self.chair_label,
            "participants": self.participants, "held_on": _iso(self.held_on), "minutes": self.minutes,
            "conclusion": self.conclusion, "by": self.recorded_by_id, "at": _iso(self.at),
        }  # fmt: skip


class DiscussionSignOff(LoggedRow):
    """The chair's signature on a collective discussion record (one per record)."""

    LOG_KIND = "review.discussion_signoff"

    discussion = models.OneToOneField(CollectiveDiscussion, on_delete=models.PROTECT, related_name="signoff")
    signed_by = models.ForeignKey(USER, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-off of a collective discussion")
        verbose_name_plural = _("sign-offs of collective discussions")

    def __str__(self) -> str:
        return f"{self.discussion_id} signed"

    def log_case_id(self) -> int | None:
        return int(self.discussion.case_id)

    def log_content(self) -> Mapping[str, Any]:
        return {"discussion": self.discussion_id, "by": self.signed_by_id, "at": _iso(self.at)}
