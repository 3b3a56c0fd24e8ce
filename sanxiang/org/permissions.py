"""Who may do what: one table from permission to the roles that hold it.

Roles come from ``RoleGrant`` rows. The table is the single place to read
(and to review) the separation of duties: the supervisor appears in no write
permission (reads everything, changes nothing), and each of the three
administrators holds only their own interface (GB/T 22239-2019 8.1.5).
"""

from __future__ import annotations

import enum
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.lib.exceptions import AccessDenied
from sanxiang.org.models import Role, User

SYSTEM_USERNAME = "system"


class Perm(enum.StrEnum):
    ROSTER_VIEW_ALL = "roster.view_all"
    STAFF_MANAGE = "staff.manage"
    CERTIFICATE_MANAGE = "certificate.manage"
    TRAINING_RECORD = "training.record"
    ROSTER_IMPORT = "roster.import"
    ROLE_GRANT = "role.grant"
    ACCOUNT_UNLOCK = "account.unlock"
    SECURITY_SETTINGS_VIEW = "security.view"
    AUDIT_READ = "audit.read"
    CATALOG_MANAGE = "catalog.manage"
    DEVICE_MANAGE = "device.manage"
    LOG_VERIFY = "log.verify"
    CATALOG_APPROVE = "catalog.approve"
    REVIEW_CONDUCT = "review.conduct"
    COUNSEL_OPINION = "review.counsel"
    REVIEW_STATS = "review.stats"
    PUBLICITY_EDIT = "publicity.edit"
    PUBLICITY_APPROVE = "publicity.approve"


PERMISSIONS: dict[Perm, frozenset[Role]] = {
    Perm.ROSTER_VIEW_ALL: frozenset(
        {
            Role.LEADER,
            Role.SUPERVISOR,
            Role.LEGAL_REVIEWER,
            Role.PUBLICITY_OFFICER,
            Role.SYSTEM_ADMIN,
            Role.SECURITY_ADMIN,
        }
    ),
    # Accounts are the system administrator's; certificates are administered by
    # the legal section (法制科) in most bureaus, so both may maintain them.
    Perm.STAFF_MANAGE: frozenset({Role.SYSTEM_ADMIN}),
    Perm.CERTIFICATE_MANAGE: frozenset({Role.SYSTEM_ADMIN, Role.LEGAL_REVIEWER}),
    Perm.TRAINING_RECORD: frozenset({Role.SYSTEM_ADMIN, Role.LEGAL_REVIEWER}),
    Perm.ROSTER_IMPORT: frozenset({Role.SYSTEM_ADMIN}),
    Perm.ROLE_GRANT: frozenset({Role.SECURITY_ADMIN}),
    Perm.ACCOUNT_UNLOCK: frozenset({Role.SECURITY_ADMIN}),
    Perm.SECURITY_SETTINGS_VIEW: frozenset({Role.SECURITY_ADMIN}),
    Perm.AUDIT_READ: frozenset({Role.AUDIT_ADMIN}),
    # The violation catalogue, review catalogue and baselines belong to the legal section.
    Perm.CATALOG_MANAGE: frozenset({Role.LEGAL_REVIEWER}),
    # Recording devices (执法记录仪): the system administrator keeps the bureau's registry; a unit head
    # issues and takes back the devices of the units they head (scope: ``sanxiang.devices.access``).
    Perm.DEVICE_MANAGE: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_HEAD}),
    # Checking the record log (sanxiang verify) reads hashes, never case contents: the supervising
    # justice bureau, the audit administrator and the bureau's leaders may run it.
    Perm.LOG_VERIFY: frozenset({Role.SUPERVISOR, Role.AUDIT_ADMIN, Role.LEADER}),
    # Lists (review catalogue, baselines, recording list) take effect once a leader approves them.
    Perm.CATALOG_APPROVE: frozenset({Role.LEADER}),
    # 法制审核 is the legal section's (APL Art. 58); counsel (法律顾问/公职律师) gives written opinions on referral.
    Perm.REVIEW_CONDUCT: frozenset({Role.LEGAL_REVIEWER}),
    Perm.COUNSEL_OPINION: frozenset({Role.COUNSEL}),
    Perm.REVIEW_STATS: frozenset({Role.LEGAL_REVIEWER, Role.LEADER, Role.SUPERVISOR}),
    # Publication: the publicity officer prepares, a leader approves (RULES.md §3.1, §10).
    Perm.PUBLICITY_EDIT: frozenset({Role.PUBLICITY_OFFICER}),
    Perm.PUBLICITY_APPROVE: frozenset({Role.LEADER}),
}

WRITE_PERMS = frozenset(
    {
        Perm.STAFF_MANAGE,
        Perm.CERTIFICATE_MANAGE,
        Perm.TRAINING_RECORD,
        Perm.ROSTER_IMPORT,
        Perm.ROLE_GRANT,
        Perm.ACCOUNT_UNLOCK,
        Perm.DEVICE_MANAGE,
        Perm.CATALOG_APPROVE,
        Perm.REVIEW_CONDUCT,
        Perm.COUNSEL_OPINION,
        Perm.PUBLICITY_EDIT,
        Perm.PUBLICITY_APPROVE,
    }
)


def roles_of(user: Any) -> frozenset[Role]:
    """Return the active roles of ``user`` (cached on the instance for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_sanxiang_roles", None)
    if cached is None:
        values = user.role_grants.filter(revoked_at__isnull=True).values_list("role", flat=True)
        cached = frozenset(Role(v) for v in values)
        user._sanxiang_roles = cached
    return cached


def forget_roles(user: User) -> None:
    """Drop the cached roles after a grant or revocation."""
    if hasattr(user, "_sanxiang_roles"):
        del user._sanxiang_roles


def is_system(user: Any) -> bool:
    return bool(getattr(user, "username", None) == SYSTEM_USERNAME and getattr(user, "pk", None))


def has_perm(user: Any, perm: Perm) -> bool:
    """True when one of the user's roles holds ``perm``; the system actor holds every permission."""
    if is_system(user):
        return True
    return bool(roles_of(user) & PERMISSIONS[perm])


def require_perm(user: Any, perm: Perm) -> None:
    """Raise ``AccessDenied`` unless ``user`` holds ``perm``."""
    if not has_perm(user, perm):
        raise AccessDenied(_("You are not allowed to do this."))
