from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sanxiang.org.permissions import PERMISSIONS, Perm, has_perm, roles_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's roles and permissions to templates (for menus only; views check again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "perms_held": frozenset()}
    return {
        "user_roles": roles_of(user),
        "perms_held": frozenset(p.value for p in PERMISSIONS if has_perm(user, Perm(p))),
    }
