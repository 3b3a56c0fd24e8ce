"""System checks: every guard a definition names is registered."""

from __future__ import annotations

from typing import Any

from django.core import checks

from sanxiang.procedures import guards
from sanxiang.procedures.definitions import all_procedures


@checks.register()
def guards_registered(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    known = guards.registered()
    errors: list[checks.CheckMessage] = []
    for proc in all_procedures().values():
        for t in proc.transitions:
            for name in t.guards:
                if name not in known:
                    errors.append(
                        checks.Error(
                            f"{proc.code}.{t.code} names guard {name!r}, which is not registered", id="sanxiang.E001"
                        )
                    )
    return errors
