"""The organisation: agency, units, staff accounts, roles, certificates, training.

Rules live in ``actions`` (writes) and ``selectors`` (questions such as "may
this person act?"); the models hold data and derived single-row properties.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """执法主体: the body in whose name enforcement is done (APL Art. 39 pre-disclosure)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_basis = models.TextField(_("legal basis of powers"))
    duties = models.TextField(_("duties and powers"), blank=True)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40)
    supervision_channels = models.TextField(_("supervision and complaint channels"))
    remedy_channels = models.TextField(_("remedy channels"))
    review_body = models.CharField(
        _("administrative reconsideration body"),
        max_length=100,
        help_text=_("The same-level people's government (ARL Art. 24), printed in every decision."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    SECTION = "section", _("Section")  # 科室
    BRIGADE = "brigade", _("Brigade")  # 大队
    SQUAD = "squad", _("Squad")  # 中队
    OFFICE = "office", _("Office")  # 局机关/办公室


class Unit(models.Model):
    """A unit of the agency; units form a tree (科室/大队/中队)."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    # Materialised path "/1/4/9/" (ids from the root): a subtree is one
    # indexed prefix query, which every unit-scoped list uses.
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_in_parent")]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """An enforcement region (执法区域); a certificate for a region covers its sub-regions."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class EnforcementCategory(models.Model):
    """An enforcement category (执法类别) printed on certificates, e.g. 市容环境卫生."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("enforcement category")
        verbose_name_plural = _("enforcement categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StaffKind(models.TextChoices):
    ESTABLISHED = "established", _("Established staff")
    """在编在岗: the only staff who may hold a certificate (Jilin certificate rules, RULES.md §6)."""
    AUXILIARY = "auxiliary", _("Auxiliary")
    """协管: may assist, never enforce (中发〔2015〕37号; RULES.md §4.1, §13.1)."""
    CONTRACT = "contract", _("Contract or temporary staff")
    """合同工、临时工、公益性岗位: no certificate (Jilin certificate rules)."""


class Role(models.TextChoices):
    OFFICER = "officer", _("Enforcement officer")
    UNIT_HEAD = "unit_head", _("Unit head")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    COUNSEL = "counsel", _("Counsel")
    LEADER = "leader", _("Bureau leader")
    PUBLICITY_OFFICER = "publicity_officer", _("Publicity officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


#: The three separated administrators of GB/T 22239-2019 8.1.5: an account
#: with one of these roles holds no other role.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=username)


class User(AbstractBaseUser):
    """A staff member's account: who they are in the organisation and how they log in."""

    username = models.CharField(
        _("login name"),
        max_length=64,
        unique=True,
        help_text=_("Letters, digits and . _ - only."),
    )
    full_name = models.CharField(_("full name"), max_length=50)
    employee_no = models.CharField(_("employee number"), max_length=32, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    position = models.CharField(_("position"), max_length=50, blank=True)
    staff_kind = models.CharField(_("staff kind"), max_length=16, choices=StaffKind.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    has_legal_qualification = models.BooleanField(
        _("holds the national legal qualification"),
        default=False,
        help_text=_("法律职业资格: required of first-time legal reviewers (APL Art. 58)."),
    )
    legal_qualification_no = models.CharField(_("legal qualification certificate number"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=True)
    failed_login_count = models.PositiveIntegerField(_("failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["unit__path", "full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee_no"], condition=~Q(employee_no=""), name="user_unique_employee_no"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）"

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    def password_expired(self, now: dt.datetime | None = None) -> bool:
        """True when the password is older than the configured maximum age (0 turns expiry off)."""
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        if not self.has_usable_password():
            return False
        if self.must_change_password:
            return True
        if max_age == 0:
            return False
        if self.password_changed_at is None:
            return True
        return (now or timezone.now()) - self.password_changed_at > dt.timedelta(days=max_age)


class RoleGrant(models.Model):
    """A role held by a user; revoking keeps the row (with ``revoked_at``) as history."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(revoked_at__isnull=True), name="rolegrant_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    WITHHELD = "withheld", _("Withheld")
    """暂扣: e.g. not annually inspected, not shown (Jilin certificate rules)."""
    REVOKED = "revoked", _("Revoked")
    """吊销: altered or lent; no re-application for 2 years (Jilin certificate rules)."""
    EXPIRED = "expired", _("Expired")


class Certificate(models.Model):
    """行政执法证: the certificate that qualifies its holder to enforce (APL Art. 42, 52, 55)."""

    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    holder = models.ForeignKey(User, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates")
    issuing_authority = models.CharField(_("issuing authority"), max_length=100)
    categories = models.ManyToManyField(EnforcementCategory, verbose_name=_("enforcement categories"), related_name="+")
    regions = models.ManyToManyField(Region, verbose_name=_("enforcement regions"), related_name="+")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    annual_inspection_year = models.PositiveIntegerField(_("last annual inspection (year)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_reason = models.CharField(_("reason for status"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to="certificates/photos/", blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("enforcement certificate")
        verbose_name_plural = _("enforcement certificates")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="certificate_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.number


class TrainingKind(models.TextChoices):
    ENFORCEMENT = "enforcement", _("Enforcement")
    LEGAL_REVIEW = "legal_review", _("Legal review")
    OTHER = "other", _("Other")


class TrainingRecord(models.Model):
    """A training attended by a staff member (officers and legal reviewers)."""

    user = models.ForeignKey(User, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    subject = models.CharField(_("subject"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=TrainingKind.choices, default=TrainingKind.ENFORCEMENT)
    organizer = models.CharField(_("organizer"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.date} {self.subject}"
