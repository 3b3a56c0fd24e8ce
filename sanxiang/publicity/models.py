"""Publications (行政执法公示): what the public sees, each through draft → submitted → approved → published.

The history is two append-only logged tables: ``PublicationVersion`` (the
content, one row per version; a correction is a new version with a change
note) and ``PublicationEvent`` (one row per state change; the current state is
the latest row). ``Publication`` is the identity plus a cache of the current
state and published version for search and listing; only the actions write it,
always together with an event.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.record.logged import LoggedRow


def new_public_id() -> str:
    """An unguessable id for public URLs (no personal data, no sequence number)."""
    return secrets.token_urlsafe(12)


class PublicationKind(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty decision")
    """行政处罚决定: published within 7 working days (双公示; 118号)."""
    OTHER_DECISION = "other_decision", _("Other enforcement decision")
    """不予处罚 and other enforcement decisions: within 20 working days (118号)."""
    INSPECTION = "inspection", _("Inspection result")
    """Results of inspections (双随机、一公开)."""
    LIST = "list", _("Pre-disclosure list")
    """事前公开: bodies, roster, item lists, guides (118号)."""


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    """Taken down with a public reason (APL Art. 48: changed or revoked decisions)."""
    EXPIRED = "expired", _("Expired")
    """End of the publication period."""


#: Allowed moves (one table, checked by ``actions._move``).
TRANSITIONS: dict[str, frozenset[str]] = {
    PublicationState.DRAFT: frozenset({PublicationState.SUBMITTED, PublicationState.WITHDRAWN}),
    PublicationState.SUBMITTED: frozenset(
        {PublicationState.APPROVED, PublicationState.DRAFT, PublicationState.WITHDRAWN}
    ),
    PublicationState.APPROVED: frozenset({PublicationState.PUBLISHED, PublicationState.WITHDRAWN}),
    # A correction of a published item: a new version goes back through approval (the old one stays public).
    PublicationState.PUBLISHED: frozenset(
        {PublicationState.WITHDRAWN, PublicationState.EXPIRED, PublicationState.DRAFT}
    ),
    PublicationState.WITHDRAWN: frozenset(),
    PublicationState.EXPIRED: frozenset(),
}


class Publication(models.Model):
    """One public item (a decision's publication, or one pre-disclosure list) and its current state (a cache)."""

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=PublicationKind.choices)
    list_code = models.CharField(_("list"), max_length=40, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="publications")
    state = models.CharField(_("state"), max_length=12, choices=PublicationState.choices, db_index=True)
    # The version the public sees (null until first published); the latest version may be a pending correction.
    published_version = models.ForeignKey(
        "PublicationVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latest_version = models.ForeignKey(
        "PublicationVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    search_text = models.TextField(blank=True)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        "org.EnforcementCategory", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    due_on = models.DateField(_("publish by"), null=True, blank=True)
    withdraw_due_on = models.DateField(_("withdraw by"), null=True, blank=True)
    expires_on = models.DateField(_("published until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(case__isnull=False), name="publication_one_per_case_kind"
            ),
        ]
        indexes = [
            # The public search lists the latest decisions first without a sort: it walks one of these
            # indexes (a unit or category filter and a date range are a range of it) and stops at the
            # page's last row. Kind and state are not selective; an index on them made SQLite sort.
            models.Index(fields=["-decided_on", "-id"], name="publication_latest"),
            models.Index(fields=["unit", "-decided_on", "-id"], name="publication_unit_latest"),
            models.Index(fields=["category", "-decided_on", "-id"], name="publication_category_latest"),
            # A pre-disclosure list is found by its code among a million decisions.
            models.Index(fields=["list_code", "-id"], name="publication_list_code"),
            # The overdue board reads open publications by due date.
            models.Index(fields=["due_on"], name="publication_due", condition=Q(published_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        """Shown in full to the public: published once, not withdrawn, not expired (a pending correction keeps
        the previously published version live)."""
        return self.published_version_id is not None and self.state not in (
            PublicationState.WITHDRAWN,
            PublicationState.EXPIRED,
        )


class PublicationVersion(LoggedRow):
    """A version of a publication's content (already redacted): a correction is a new version with a note."""

    LOG_KIND = "publicity.version"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    fields = models.JSONField(_("fields"), default=dict)
    change_note = models.TextField(_("change note"), blank=True)
    created_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("publication version")
        verbose_name_plural = _("publication versions")
        ordering = ["publication", "number"]
        constraints = [models.UniqueConstraint(fields=["publication", "number"], name="pubversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def log_content(self) -> dict[str, Any]:
        return {
            "publication": self.publication.public_id,
            "number": self.number,
            "title": self.title,
            "body": self.body,
            "fields": self.fields,
            "change_note": self.change_note,
            "by": self.created_by_id,
            "at": self.at.isoformat(),
        }

    def log_data(self) -> dict[str, Any]:
        return {"publication": self.publication.public_id, "version": self.number}

    def log_case_id(self) -> int | None:
        return self.publication.case_id


class PublicationEvent(LoggedRow):
    """A state change of a publication; the latest row is the current state."""

    LOG_KIND = "publicity.state"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="events")
    version = models.ForeignKey(PublicationVersion, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=PublicationState.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")
        ordering = ["publication", "at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.state}"

    def log_content(self) -> dict[str, Any]:
        return {
            "publication": self.publication.public_id,
            "version": self.version.number,
            "state": self.state,
            "reason": self.reason,
            "by": self.actor_id,
            "at": self.at.isoformat(),
        }

    def log_data(self) -> dict[str, Any]:
        return {"publication": self.publication.public_id, "state": self.state}

    def log_case_id(self) -> int | None:
        return self.publication.case_id


class CorrectionReport(LoggedRow):
    """纠错: a member of the public reports an error in a publication, and follows it by ``code``."""

    LOG_KIND = "publicity.correction"

    code = models.CharField(_("tracking code"), max_length=16, unique=True)
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="corrections")
    text = models.TextField(_("what is wrong"))
    contact = models.CharField(_("contact (optional)"), max_length=100, blank=True)
    # HMAC of the client address: enough to rate-limit, not an address.
    client = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(_("received"), db_index=True)

    class Meta:
        verbose_name = _("correction report")
        verbose_name_plural = _("correction reports")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.code

    def log_content(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "publication": self.publication.public_id,
            "text": self.text,
            "contact": self.contact,
            "at": self.at.isoformat(),
        }

    def log_data(self) -> dict[str, Any]:
        return {"publication": self.publication.public_id}

    def log_case_id(self) -> None:
        return None


class CorrectionOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted: the publication was corrected")
    REJECTED = "rejected", _("Rejected: the publication is correct")
    IN_PROGRESS = "in_progress", _("Being checked")


class CorrectionReply(LoggedRow):
    """The publicity officer's handling of a correction report (the latest reply is its status)."""

    LOG_KIND = "publicity.correction_reply"

    report = models.ForeignKey(CorrectionReport, on_delete=models.PROTECT, related_name="replies")
    outcome = models.CharField(_("outcome"), max_length=12, choices=CorrectionOutcome.choices)
    reply = models.TextField(_("reply to the reporter"))
    actor = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("correction reply")
        verbose_name_plural = _("correction replies")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.outcome}"

    def log_content(self) -> dict[str, Any]:
        return {
            "report": self.report.code,
            "outcome": self.outcome,
            "reply": self.reply,
            "by": self.actor_id,
            "at": self.at.isoformat(),
        }

    def log_data(self) -> dict[str, Any]:
        return {"outcome": self.outcome}

    def log_case_id(self) -> None:
        return None


class PushMessage(models.Model):
    """The outbox to the provincial platform: one message per publication or withdrawal (operational table).

    ``key`` is the idempotency key the receiver deduplicates on; ``claimed_until``
    lets one worker take a message with a conditional UPDATE.
    """

    key = models.CharField(max_length=80, unique=True)
    body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            # `sanxiang publicity_push` reads undelivered messages by their next attempt.
            models.Index(fields=["next_attempt_at"], name="push_due", condition=Q(delivered_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.key
