"""The published lists: the violation catalogue (违法行为目录) that cases cite, the 音像记录事项清单,
and the 法制审核目录清单 with the grounds that make a case's decision major.

A violation row is never deleted (cases cite it), only deactivated. The two
lists are versioned with effective dates and take effect once a leader
approves them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.models import EnforcementCategory, User
from sanxiang.record.logged import LoggedRow


class Violation(models.Model):
    """A violation the bureau may penalise: the provision violated and the penalty provision."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("violation"), max_length=200)
    category = models.ForeignKey(
        EnforcementCategory, verbose_name=_("enforcement category"), on_delete=models.PROTECT, related_name="+"
    )
    violated_provisions = models.TextField(_("provisions violated"))
    penalty_provisions = models.TextField(_("penalty provisions"))
    # APL Art. 36: the limitation period is 5 years where life, health or
    # financial safety is involved and there are harmful consequences.
    involves_safety = models.BooleanField(_("concerns life, health or financial safety"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AVRequirementLevel(models.TextChoices):
    REQUIRED = "required", _("Required: the step cannot be completed without it")
    RECOMMENDED = "recommended", _("As circumstances require")


class AVList(models.Model):
    """音像记录事项清单: which steps need audio/video recording, versioned, in force once a leader approves it.

    The statutory floor (RULES.md §3.2: 查封扣押 and the like, ``Step.av_required``
    in the procedure definitions) applies whatever the list says; a list adds
    steps and can never remove the floor (``catalog.av``).
    """

    version = models.CharField(_("version"), max_length=40, unique=True)
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by = models.ForeignKey(
        "org.User", verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("audio/video recording list")
        verbose_name_plural = _("audio/video recording lists")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class AVListItem(models.Model):
    """One step of one procedure that the list says needs audio/video, and how strictly."""

    av_list = models.ForeignKey(AVList, on_delete=models.PROTECT, related_name="items")
    procedure = models.CharField(_("procedure"), max_length=16)
    transition = models.CharField(_("step"), max_length=40)
    level = models.CharField(_("requirement"), max_length=12, choices=AVRequirementLevel.choices)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("recording list item")
        verbose_name_plural = _("recording list items")
        constraints = [
            models.UniqueConstraint(fields=["av_list", "procedure", "transition"], name="avlistitem_unique_step")
        ]

    def __str__(self) -> str:
        return f"{self.procedure}.{self.transition} ({self.level})"


# --- 法制审核目录清单 (the legal-review catalogue) -------------------------------------------------


class MajorGround(models.TextChoices):
    """Why a decision is major and must pass 法制审核 before it is made (RULES.md §1.2, §3.3)."""

    PUBLIC_INTEREST = "public_interest", _("Concerns a major public interest (APL Art. 58 (一))")
    """APL Art. 58 para 1 (一): 涉及重大公共利益的."""
    MAJOR_RIGHTS = "major_rights", _("Directly concerns major rights and a hearing was held (APL Art. 58 (二))")
    """APL Art. 58 para 1 (二): 直接关系当事人或者第三人重大权益，经过听证程序的."""
    COMPLEX = "complex", _("Difficult or complex, several legal relationships (APL Art. 58 (三))")
    """APL Art. 58 para 1 (三): 案件情况疑难复杂、涉及多个法律关系的."""
    BY_LAW = "by_law", _("Required by a law or regulation (APL Art. 58 (四))")
    """APL Art. 58 para 1 (四): 法律、法规规定应当进行法制审核的其他情形."""
    SOCIAL_IMPACT = "social_impact", _("May cause a major social impact or social risk (国办发〔2018〕118号)")
    """国办发〔2018〕118号 (scope of 重大执法决定 as mirrored in implementing documents, RULES.md §3.3)."""
    AGENCY = "agency", _("The bureau's own threshold (法制审核目录清单)")
    """国办发〔2018〕118号: each agency publishes its 法制审核目录清单 with its own thresholds."""


class RuleKind(models.TextChoices):
    """What a catalogue rule looks at in the case (amounts are entered in yuan)."""

    FINE_PERSON = "fine_person", _("Fine on a natural person of at least (yuan)")
    FINE_ORGANISATION = "fine_organisation", _("Fine on an organisation of at least (yuan)")
    CONFISCATION = "confiscation", _("Confiscation worth at least (yuan)")
    PENALTY_TYPE = "penalty_type", _("A type of penalty")
    VIOLATION = "violation", _("A violation of the catalogue")
    CASE_FLAG = "case_flag", _("A flag recorded on the case")


class CaseFlag(models.TextChoices):
    """Circumstances a handler or leader records on a case (as a manual ground) for the catalogue's flag rules."""

    DEMOLITION = "demolition", _("Demolition (强制拆除)")
    SOCIAL_IMPACT = "social_impact", _("Major social impact or social risk")
    PUBLIC_INTEREST = "public_interest", _("Major public interest")
    COMPLEX = "complex", _("Difficult or complex, several legal relationships")


def penalty_type_choices() -> list[tuple[str, str]]:
    """``PenaltyType`` as form/model choices (the enum lives in ``cases.penalties``)."""
    from sanxiang.cases.penalties import LABELS

    return [(str(t), str(label)) for t, label in LABELS.items()]


class ReviewCatalogue(models.Model):
    """法制审核目录清单: one version of the rules that make a decision major.

    A version is drafted by the legal section and takes effect once a leader
    approved it (``ReviewCatalogueApproval``, a logged row) and its
    ``effective_from`` has come; the version in force on day D is the latest
    approved one with ``effective_from`` <= D. An approved version is never
    edited: a change is a new version. The statutory floor (APL Art. 58 (二):
    a hearing was held) applies whatever the catalogue says (``catalog.major``).
    """

    version = models.CharField(_("version"), max_length=40, unique=True)
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal review catalogue")
        verbose_name_plural = _("legal review catalogues")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version

    @property
    def approval_row(self) -> ReviewCatalogueApproval | None:
        try:
            return self.approval
        except ReviewCatalogueApproval.DoesNotExist:
            return None

    @property
    def approved_at(self) -> dt.datetime | None:
        row = self.approval_row
        return row.at if row is not None else None

    @property
    def approved_by(self) -> User | None:
        row = self.approval_row
        return row.approved_by if row is not None else None


class ReviewRule(models.Model):
    """One rule of a catalogue version: when it matches the case, the decision is major."""

    catalogue = models.ForeignKey(ReviewCatalogue, on_delete=models.PROTECT, related_name="rules")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("rule"), max_length=200)
    ground = models.CharField(_("ground"), max_length=20, choices=MajorGround.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    amount_yuan = models.PositiveBigIntegerField(_("amount (yuan)"), null=True, blank=True)
    penalty_type = models.CharField(_("penalty type"), max_length=24, blank=True, choices=penalty_type_choices)
    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flag = models.CharField(_("case flag"), max_length=20, blank=True, choices=CaseFlag.choices)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    # APL Art. 57 para 2: 情节复杂或者重大违法行为 are decided by the heads collectively.
    collective = models.BooleanField(_("also requires a collective discussion"), default=False)

    class Meta:
        verbose_name = _("legal review rule")
        verbose_name_plural = _("legal review rules")
        ordering = ["catalogue", "ground", "code"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="reviewrule_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def snapshot(self) -> dict[str, Any]:
        """The rule as JSON values: what a catalogue's approval commits to."""
        return {
            "code": self.code,
            "label": self.label,
            "ground": self.ground,
            "kind": self.kind,
            "amount_yuan": self.amount_yuan,
            "penalty_type": self.penalty_type,
            "violation": self.violation.code if self.violation is not None else "",
            "flag": self.flag,
            "basis": self.basis,
            "collective": self.collective,
        }


class ReviewCatalogueApproval(LoggedRow):
    """A leader's approval of a catalogue version (one at most: the one-to-one refuses a second).

    The entry commits to the version, its date and every rule, so a rule
    changed after approval no longer verifies against the log.
    """

    LOG_KIND = "catalog.review_catalogue_approve"

    catalogue = models.OneToOneField(ReviewCatalogue, on_delete=models.PROTECT, related_name="approval")
    approved_by = models.ForeignKey(
        "org.User", verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("approved"))

    class Meta:
        verbose_name = _("legal review catalogue approval")
        verbose_name_plural = _("legal review catalogue approvals")

    def __str__(self) -> str:
        return f"{self.catalogue_id} approved {self.at:%Y-%m-%d}"

    def log_content(self) -> Mapping[str, Any]:
        cat = self.catalogue
        return {
            "version": cat.version,
            "effective_from": cat.effective_from.isoformat(),
            "rules": [r.snapshot() for r in cat.rules.select_related("violation").order_by("code")],
            "approved_by": self.approved_by_id,
            "at": self.at.isoformat(),
        }

    def log_data(self) -> Mapping[str, Any]:
        cat = self.catalogue
        return {"version": cat.version, "effective_from": cat.effective_from.isoformat(), "rules": cat.rules.count()}


class MajorGroundRecord(LoggedRow):
    """A ground added by hand to a case by a handler or leader, with the reason; never removed."""

    LOG_KIND = "catalog.major_ground"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="major_grounds")
    ground = models.CharField(_("ground"), max_length=20, choices=MajorGround.choices)
    flag = models.CharField(_("case flag"), max_length=20, blank=True, choices=CaseFlag.choices)
    reason = models.TextField(_("reason"))
    # APL Art. 57 para 2: the person adding the ground says whether the heads must also discuss it.
    collective = models.BooleanField(_("also requires a collective discussion"), default=False)
    added_by = models.ForeignKey("org.User", verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("added"))

    class Meta:
        verbose_name = _("major-decision ground")
        verbose_name_plural = _("major-decision grounds")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.ground}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "ground": self.ground,
            "flag": self.flag,
            "reason": self.reason,
            "collective": self.collective,
            "added_by": self.added_by_id,
            "at": self.at.isoformat(),
        }

    def log_data(self) -> Mapping[str, Any]:
        return {"ground": self.ground, "flag": self.flag, "collective": self.collective}


class DeterminationRecord(LoggedRow):
    """A match of the major-decision determination, kept so that it stays when the case data later change."""

    LOG_KIND = "catalog.major_match"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="major_matches")
    code = models.CharField(_("code"), max_length=60)
    label = models.CharField(_("rule"), max_length=300)
    ground = models.CharField(_("ground"), max_length=20, choices=MajorGround.choices)
    source = models.CharField(_("source"), max_length=12)
    collective = models.BooleanField(_("also requires a collective discussion"), default=False)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    catalogue_version = models.CharField(_("catalogue version"), max_length=40, blank=True)
    recorded_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("recorded major-decision match")
        verbose_name_plural = _("recorded major-decision matches")
        ordering = ["case", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="determinationrecord_unique_code")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.code}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "ground": self.ground,
            "source": self.source,
            "collective": self.collective,
            "basis": self.basis,
            "catalogue_version": self.catalogue_version,
            "recorded_by": self.recorded_by_id,
            "at": self.at.isoformat(),
        }

    def log_data(self) -> Mapping[str, Any]:
        return {"code": self.code, "ground": self.ground, "source": self.source, "collective": self.collective}
