"""Writes of the legal-review catalogue (法制审核目录清单) and of a case's major-decision grounds.

The legal section drafts a version and its rules (``Perm.CATALOG_MANAGE``);
a leader approves it (``Perm.CATALOG_APPROVE``), which is a logged row, and
from then on the version is never edited: a change is a new version. A
handler or leader adds a ground to a case with a reason; nothing removes one
(APL Art. 58; RULES.md §3.3, §13.10-11).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.access import may_write_case
from sanxiang.cases.models import Case
from sanxiang.cases.penalties import PenaltyType
from sanxiang.catalog.models import (
    CaseFlag,
    DeterminationRecord,
    MajorGround,
    MajorGroundRecord,
    ReviewCatalogue,
    ReviewCatalogueApproval,
    ReviewRule,
    RuleKind,
    Violation,
)
from sanxiang.lib.exceptions import AccessDenied, DomainError, ValidationFailed
from sanxiang.lib.validation import clean_or_fail, field_error
from sanxiang.org.models import Role, User
from sanxiang.org.permissions import Perm, is_system, require_perm, roles_of
from sanxiang.record.actions import audit_record
from sanxiang.record.logged import log_insert
from sanxiang.record.models import AuditCategory

if TYPE_CHECKING:
    from sanxiang.catalog.major import Determination

AMOUNT_KINDS = frozenset({RuleKind.FINE_PERSON, RuleKind.FINE_ORGANISATION, RuleKind.CONFISCATION})
#: Sources of a determination that come from the data and so are worth keeping (manual and recorded are stored).
LIVE_SOURCES = frozenset({"catalogue", "statute", "setting"})


def _locked_draft(catalogue: ReviewCatalogue) -> ReviewCatalogue:
    """The catalogue row locked against a concurrent approval; refused once approved."""
    locked = ReviewCatalogue.objects.select_for_update().get(pk=catalogue.pk)
    if ReviewCatalogueApproval.objects.filter(catalogue=locked).exists():
        raise DomainError(_("An approved catalogue is never changed: draft a new version."))
    return locked


@transaction.atomic
def review_catalogue_create(
    *,
    actor: User,
    version: str,
    effective_from: dt.date,
    note: str = "",
    copy_from: ReviewCatalogue | None = None,
) -> ReviewCatalogue:
    """Draft a new version, with a copy of ``copy_from``'s rules (usually the version in force)."""
    require_perm(actor, Perm.CATALOG_MANAGE)
    version = version.strip()
    if not version:
        raise field_error("version", _("Name the version."))
    if ReviewCatalogue.objects.filter(version=version).exists():
        raise field_error("version", _("This version exists already."))
    catalogue = ReviewCatalogue(version=version, effective_from=effective_from, note=note.strip(), created_by=actor)
    clean_or_fail(catalogue)
    catalogue.save()
    if copy_from is not None:
        rules = list(copy_from.rules.all())
        for rule in rules:
            rule.pk = None
            rule.catalogue = catalogue
        ReviewRule.objects.bulk_create(rules)
    detail = {"copied_from": copy_from.version if copy_from else "", "rules": catalogue.rules.count()}
    audit_record(
        actor=actor, action="review_catalogue.create", category=AuditCategory.DATA, obj=catalogue, detail=detail
    )
    return catalogue


def _rule_errors(
    kind: str, amount_yuan: int | None, penalty_type: str, violation: Violation | None, flag: str
) -> dict[str, list[str]]:
    """The parameter each kind needs (the others are cleared by the caller)."""
    errors: dict[str, list[str]] = {}
    if kind in AMOUNT_KINDS and (amount_yuan is None or amount_yuan < 1):
        errors["amount_yuan"] = [_("Enter the amount in yuan (at least 1).")]
    if kind == RuleKind.PENALTY_TYPE and penalty_type not in {str(t) for t in PenaltyType}:
        errors["penalty_type"] = [_("Choose a type of penalty.")]
    if kind == RuleKind.VIOLATION and violation is None:
        errors["violation"] = [_("Choose a violation.")]
    if kind == RuleKind.CASE_FLAG and flag not in CaseFlag.values:
        errors["flag"] = [_("Choose a case flag.")]
    return errors


@transaction.atomic
def review_rule_add(
    *,
    actor: User,
    catalogue: ReviewCatalogue,
    code: str,
    label: str,
    ground: str,
    kind: str,
    amount_yuan: int | None = None,
    penalty_type: str = "",
    violation: Violation | None = None,
    flag: str = "",
    basis: str = "",
    collective: bool = False,
) -> ReviewRule:
    """Add a rule to a draft version; only the parameter its ``kind`` uses is kept."""
    require_perm(actor, Perm.CATALOG_MANAGE)
    catalogue = _locked_draft(catalogue)
    errors = _rule_errors(kind, amount_yuan, penalty_type, violation, flag)
    if catalogue.rules.filter(code=code.strip()).exists():
        errors.setdefault("code", []).append(_("This version has a rule with this code already."))
    if errors:
        raise ValidationFailed(_("The rule cannot be saved."), errors)
    rule = ReviewRule(
        catalogue=catalogue,
        code=code.strip(),
        label=label.strip(),
        ground=ground,
        kind=kind,
        amount_yuan=amount_yuan if kind in AMOUNT_KINDS else None,
        penalty_type=penalty_type if kind == RuleKind.PENALTY_TYPE else "",
        violation=violation if kind == RuleKind.VIOLATION else None,
        flag=flag if kind == RuleKind.CASE_FLAG else "",
        basis=basis.strip(),
        collective=collective,
    )
    clean_or_fail(rule)
    rule.save()
    audit_record(actor=actor, action="review_rule.add", category=AuditCategory.DATA, obj=rule)
    return rule


@transaction.atomic
def review_rule_remove(*, actor: User, rule: ReviewRule) -> None:
    """Remove a rule from a draft version (an approved version keeps its rules for ever)."""
    require_perm(actor, Perm.CATALOG_MANAGE)
    _locked_draft(rule.catalogue)
    audit_record(
        actor=actor, action="review_rule.remove", category=AuditCategory.DATA, obj=rule, detail={"code": rule.code}
    )
    rule.delete()


@transaction.atomic
def review_catalogue_approve(*, actor: User, catalogue: ReviewCatalogue) -> ReviewCatalogue:
    """A leader approves a draft; from its ``effective_from`` on it is the catalogue in force.

    Refused for an empty version, a second approval, and a date already past
    (a catalogue does not reach back to decisions made before it was approved).
    """
    require_perm(actor, Perm.CATALOG_APPROVE)
    catalogue = _locked_draft(catalogue)
    if not catalogue.rules.exists():
        raise DomainError(_("A catalogue without rules cannot be approved."))
    if catalogue.effective_from < timezone.localdate():
        raise DomainError(_("The date it takes effect has passed: draft a version from today or later."))
    log_insert(ReviewCatalogueApproval(catalogue=catalogue, approved_by=actor, at=timezone.now()), actor=actor)
    return ReviewCatalogue.objects.select_related("approval").get(pk=catalogue.pk)


def may_add_ground(actor: User, case: Case) -> bool:
    """Handlers of the case and the unit heads / leaders who may write it (``cases.access``)."""
    if is_system(actor):
        return True
    if not may_write_case(actor, case):
        return False
    if roles_of(actor) & {Role.UNIT_HEAD, Role.LEADER}:
        return True
    return case.handler_links.filter(user=actor).exists()


@transaction.atomic
def major_ground_add(
    *, actor: User, case: Case, ground: str, reason: str, collective: bool = False, flag: str = ""
) -> MajorGroundRecord:
    """Add a ground (optionally a case flag the catalogue's flag rules read) with its reason; never removed."""
    if not may_add_ground(actor, case):
        raise AccessDenied(_("Only a handler of the case, a unit head or a leader may add a ground."))
    errors: dict[str, list[str]] = {}
    if ground not in MajorGround.values:
        errors["ground"] = [_("Choose a ground.")]
    if flag and flag not in CaseFlag.values:
        errors["flag"] = [_("Choose a case flag.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason.")]
    if errors:
        raise ValidationFailed(_("The ground cannot be added."), errors)
    row = MajorGroundRecord(
        case=case,
        ground=ground,
        flag=flag,
        reason=reason.strip(),
        collective=collective,
        added_by=actor,
        at=timezone.now(),
    )
    log_insert(row, actor=actor)
    return row


@transaction.atomic
def determination_record(*, actor: User, case: Case, determination: Determination) -> None:
    """Store the matches of ``determination`` that ``case`` has not recorded yet (a ground once found stays).

    Called by the legal-review actions whenever a draft decision is saved or a
    review submitted; those actions have checked the actor's access.
    """
    Case.objects.select_for_update().filter(pk=case.pk).first()  # one writer at a time per case
    known = set(case.major_matches.values_list("code", flat=True))
    now = timezone.now()
    for m in determination.matches:
        if m.source not in LIVE_SOURCES or m.code in known:
            continue
        row = DeterminationRecord(
            case=case,
            code=m.code,
            label=m.label[:300],
            ground=m.ground,
            source=m.source,
            collective=m.collective,
            basis=m.basis[:300],
            catalogue_version=determination.catalogue_version or "",
            recorded_by=actor,
            at=now,
        )
        log_insert(row, actor=actor)
        known.add(m.code)
