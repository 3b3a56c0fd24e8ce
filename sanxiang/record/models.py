"""The audit trail: every security event and every request that changes data.

Rows are append-only: the code has no update or delete path, database
triggers (``record.appendonly``) refuse UPDATE and DELETE as defence in depth,
and every row is committed to the Merkle log (``record.log``) in the same
transaction, so ``sanxiang verify`` detects a changed or deleted row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditCategory(models.TextChoices):
    AUTH = "auth", _("Authentication")
    SECURITY = "security", _("Security")
    PERMISSION = "permission", _("Permission")
    DATA = "data", _("Data change")
    REQUEST = "request", _("Request")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    """One audited event (GB/T 22239-2019 8.1.4 安全审计: time, user, type, outcome, detail)."""

    at = models.DateTimeField(_("time"), db_index=True)
    # Keep the id and a label instead of a constraint: audit rows outlive accounts.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("user name"), max_length=150, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=AuditCategory.choices)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=AuditOutcome.choices)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("client"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=8, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True, db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # Where the record log holds this row's commitment, and the salt of that commitment.
    log_seq = models.BigIntegerField(_("log entry"), null=True, blank=True, unique=True, editable=False)
    log_salt = models.BinaryField(default=b"", editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "-at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.outcome}"


class LogHead(models.Model):
    """The head of one append-only Merkle log (RECORD-LOG.md §2 ``tlog_head``): size and compact frontier.

    Only ``record.log.log_append`` (direct mode) and the sequencer
    (``record.sequencer``, outbox mode) change it, under a row lock, in the
    same transaction as the entries they add.
    """

    origin = models.CharField(_("log origin"), max_length=200, unique=True)
    size = models.BigIntegerField(_("size"), default=0)
    frontier = models.BinaryField(_("frontier"), default=b"")
    # The parallel SM3 tree (GB/T 39786 deployments, RECORD-LOG.md §3): kept from the first entry when
    # ``SANXIANG_LOG_SM3`` is on; empty otherwise.
    frontier_sm3 = models.BinaryField(default=b"")
    sm3 = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("log")
        verbose_name_plural = _("logs")

    def __str__(self) -> str:
        return f"{self.origin} ({self.size})"


class LogEntry(models.Model):
    """One leaf: the exact canonical bytes that were hashed (never re-serialised) and their leaf hash."""

    log = models.ForeignKey(LogHead, on_delete=models.PROTECT, related_name="entries")
    seq = models.BigIntegerField(_("sequence"))
    body = models.BinaryField(_("entry"))
    leaf_hash = models.BinaryField(_("leaf hash"))
    leaf_sm3 = models.BinaryField(null=True)
    # Set by the sequencer only (outbox mode): the outbox row the entry came from and the source row it
    # names — lookup columns that ``verify`` checks against the body, never trusts.
    outbox = models.BigIntegerField(null=True)
    ref = models.CharField(max_length=200, null=True, db_index=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        constraints = [
            models.UniqueConstraint(fields=["log", "seq"], name="logentry_gapless_seq"),
            # A second sequencing of one outbox row fails here (defence in depth beside the head lock).
            models.UniqueConstraint(fields=["log", "outbox"], name="logentry_outbox_once"),
        ]

    def __str__(self) -> str:
        return f"{self.log_id}#{self.seq}"


class LogOutbox(models.Model):
    """An entry waiting for the sequencer (RECORD-LOG.md §4 "Scaled"): committed with the business change.

    ``entry`` is the canonical JSON of the entry without what only the
    sequencer knows (``log``, ``seq``, the sequencing time); its ``ts`` is the
    business time. The sequencer appends committed rows in id order, in
    batches, and deletes them in the same transaction. Not tamper-evident
    until sequenced, so ``verify`` warns about rows older than
    ``SANXIANG_LOG_OUTBOX_MAX_AGE_SECONDS``; the table refuses UPDATE.
    """

    origin = models.CharField(max_length=200)
    entry = models.BinaryField()
    ref = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("log outbox entry")
        verbose_name_plural = _("log outbox")

    def __str__(self) -> str:
        return f"outbox {self.pk} {self.ref}"


class LogNode(models.Model):
    """The root of a perfect subtree of level ≥ 1 (``tlog_node``): proofs need O(log n) of them."""

    log = models.ForeignKey(LogHead, on_delete=models.PROTECT, related_name="nodes")
    level = models.PositiveSmallIntegerField()
    idx = models.BigIntegerField()
    hash = models.BinaryField()
    hash_sm3 = models.BinaryField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "level", "idx"], name="lognode_unique")]

    def __str__(self) -> str:
        return f"{self.log_id}:{self.level}/{self.idx}"


class Checkpoint(models.Model):
    """A signed checkpoint (RECORD-LOG.md §5 ``tlog_checkpoint``): the C2SP signed note of (origin, size, root).

    The note is what the signer returned, byte for byte; witnesses' cosignatures
    are kept beside it (``Cosignature``) so the note itself never changes.
    """

    log = models.ForeignKey(LogHead, on_delete=models.PROTECT, related_name="checkpoints")
    size = models.BigIntegerField(_("size"))
    root = models.BinaryField(_("root hash"))
    note = models.TextField(_("signed note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["log", "size"]
        constraints = [models.UniqueConstraint(fields=["log", "size"], name="checkpoint_unique_size")]

    def __str__(self) -> str:
        return f"{self.log_id}@{self.size}"


class Cosignature(models.Model):
    """A witness's cosignature line over a checkpoint (C2SP tlog-cosignature), as the witness returned it."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.CharField(_("witness"), max_length=200)
    line = models.TextField(_("signature line"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness"], name="cosignature_unique")]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint}"
