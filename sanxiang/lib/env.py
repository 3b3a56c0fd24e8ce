"""Typed readers for settings that come from environment variables.

Every setting of the platform is read through one of these functions, so a
bad value stops the start with a message that names the variable and says
what was expected, instead of surfacing later as an obscure failure.
Secrets may also come from a file: ``NAME_FILE`` holds the path (the usual
convention of container secrets).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str | None:
    """Return the variable as a string, or ``default`` when unset or blank."""
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """Return the variable as a boolean; accepts 1/0, true/false, yes/no, on/off."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Return the variable as an integer within ``[minimum, maximum]``."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: frozenset[str], *, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable when it is one of ``choices``."""
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {allowed}.")
    return value


def env_path(name: str, default: Path, *, environ: Mapping[str, str] | None = None) -> Path:
    """Return the variable as an absolute path (relative values resolve against the working directory)."""
    value = _raw(name, environ)
    return (Path(value) if value is not None else default).expanduser().resolve()


def env_secret(name: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    """Return a secret from ``NAME`` or from the file named by ``NAME_FILE``.

    Setting both is refused, since it is unclear which one the operator meant.
    """
    direct = _raw(name, environ)
    file_name = _raw(f"{name}_FILE", environ)
    if direct is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name is None:
        return direct
    try:
        content = Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}.") from None
    if not content:
        raise ImproperlyConfigured(f"{name}_FILE={file_name!r} is empty.")
    return content
