"""Cases, their parties and handlers, the immutable event history, and open deadlines.

A case's state and its replayed fields change only through ``engine.case_transition``,
which writes a ``CaseEvent`` in the same transaction; replaying the events
(``engine.case_replay``) gives the stored values back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import Violation
from sanxiang.org.models import EnforcementCategory, Region, Unit, User


class PartyKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    ORGANISATION = "organisation", _("Organisation")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other document")


class Party(models.Model):
    """当事人: a natural person or an organisation; the ID number is validated with its check character."""

    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_type = models.CharField(_("ID type"), max_length=16, choices=IdType.choices)
    id_number = models.CharField(_("ID number"), max_length=40)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    is_minor = models.BooleanField(_("minor"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        indexes = [models.Index(fields=["id_number"], name="party_id_number")]

    def __str__(self) -> str:
        return self.name


class CaseSource(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    COMPLAINT = "complaint", _("Complaint or report")
    HOTLINE = "hotline", _("12345 hotline")
    REFERRAL = "referral", _("Referral by another organ")
    INSPECTION = "inspection", _("Inspection")


class Case(models.Model):
    """案件: one matter handled under one procedure, from the lead to the archive."""

    procedure = models.CharField(_("procedure"), max_length=16)
    state = models.CharField(_("state"), max_length=24, db_index=True)
    number = models.CharField(_("case number"), max_length=64, null=True, blank=True, unique=True)
    lead_number = models.CharField(_("lead number"), max_length=64, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=CaseSource.choices)
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="cases")
    handlers: models.ManyToManyField[User, CaseHandler] = models.ManyToManyField(
        User, verbose_name=_("handlers"), through="CaseHandler", related_name="handled_cases"
    )
    parties = models.ManyToManyField(Party, verbose_name=_("parties"), related_name="cases")
    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        EnforcementCategory, verbose_name=_("enforcement category"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("location"), max_length=200)
    summary = models.TextField(_("summary of facts"))
    act_date = models.DateField(_("date of the act (or its end)"), null=True, blank=True)
    discovered_on = models.DateField(_("date discovered"))
    registered_on = models.DateField(_("date registered"), null=True, blank=True)
    facts = models.JSONField(_("recorded facts"), default=dict, blank=True)
    event_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "state"], name="case_unit_state")]

    def __str__(self) -> str:
        return self.number or self.lead_number


class HandlerRole(models.TextChoices):
    LEAD = "lead", _("Lead handler")
    ASSIST = "assist", _("Co-handler")


class CaseHandler(models.Model):
    """An officer assigned to a case (承办人); APL Art. 42 requires at least two."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handler_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=HandlerRole.choices)
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="casehandler_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id} {self.role}"


class CaseEvent(models.Model):
    """One immutable step of the whole-process record (执法全过程记录, APL Art. 47).

    ``changes`` holds every replayed field the step set, so that folding the
    events in ``seq`` order reproduces the case; ``payload`` holds what the
    step recorded (transcript text, evidence references, reasons).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("sequence"))
    transition = models.CharField(_("step"), max_length=40)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    payload = models.JSONField(_("record"), default=dict)
    request_id = models.CharField(max_length=32, blank=True)
    # Where the record log holds this event's commitment, and the salt of that commitment.
    log_seq = models.BigIntegerField(_("log entry"), null=True, blank=True, unique=True, editable=False)
    log_salt = models.BinaryField(default=b"", editable=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="caseevent_gapless_seq")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.transition}"


class Deadline(models.Model):
    """An open or closed period of a case, with its stored, indexed due date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    code = models.CharField(_("deadline"), max_length=40)
    kind = models.CharField(_("kind"), max_length=8, default="warn")
    basis = models.CharField(_("legal basis"), max_length=100, blank=True)
    started_on = models.DateField(_("started"))
    due_on = models.DateField(_("due"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    overdue_marked_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on"]
        indexes = [
            # The overdue sweep (`sanxiang sweep_deadlines`) and the 督办 page read open deadlines by due date.
            models.Index(fields=["due_on"], name="deadline_open_due", condition=Q(closed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.due_on}"


class NumberCounter(models.Model):
    """The last number issued per series (case numbers by year, later document numbers).

    Rows are locked with SELECT … FOR UPDATE (SQLite: the IMMEDIATE transaction
    holds the database write lock), so numbers have no gap and no duplicate.
    """

    series = models.CharField(max_length=80, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series}={self.last}"


class Conflict(models.Model):
    """A declared conflict of interest between a staff member and a party (by ID number): blocks assignment (APL Art. 43)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="conflicts"
    )
    id_number = models.CharField(_("party ID number"), max_length=40, db_index=True)
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")

    def __str__(self) -> str:
        return f"{self.user_id} ~ {self.id_number}"


class Recusal(models.Model):
    """A recusal decision on a case by the agency's head (APL Art. 43): ``recused`` removes the officer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_by_party = models.BooleanField(_("applied for by the party"), default=False)
    reason = models.CharField(_("reason"), max_length=200)
    recused = models.BooleanField(_("recused"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("recusal decision")
        verbose_name_plural = _("recusal decisions")

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id} {self.recused}"
