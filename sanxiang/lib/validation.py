"""Model validation in the domain's terms."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from sanxiang.lib.exceptions import ValidationFailed


def clean_or_fail(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Run ``full_clean`` and raise ``ValidationFailed`` with the field messages instead of Django's error."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        raise ValidationFailed(_("Please correct the errors below."), errors) from None


def field_error(field: str, message: str) -> ValidationFailed:
    """A ``ValidationFailed`` for one field."""
    return ValidationFailed(message, {field: [message]})
