"""Writes that only the demo data needs; never reachable from a view, the API or a real deployment step.

``staff_reset_password`` forces a change at the next login, which is right for
a real reset but would send every demo visitor to the change page first. The
demo therefore sets its documented password through this action, which only
the system actor may run (``sanxiang demo_data`` runs as the system actor).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.org.models import User
from sanxiang.org.permissions import is_system
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory


@transaction.atomic
def demo_password_set(*, actor: User, staff: User, password: str) -> User:
    """Give ``staff`` the demo password without forcing a change at the next login.

    Only the system actor may run it; the password must pass the configured
    validators like any other. The audit row says that the demo set it.
    """
    if not is_system(actor):
        raise AccessDenied(_("Only the system may set a demo password."))
    try:
        password_validation.validate_password(password, staff)
    except ValidationError as exc:
        raise ValidationFailed(_("The password is not strong enough."), {"password": exc.messages}) from None
    staff.set_password(password)
    staff.must_change_password = False
    staff.password_changed_at = timezone.now()
    staff.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_record(actor=actor, action="password.demo_set", category=AuditCategory.SECURITY, obj=staff)
    return staff
