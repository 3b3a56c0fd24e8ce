"""Password complexity (GB/T 22239-2019 L3: 口令具有复杂度要求)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least ``min_length`` characters drawn from at least three of: upper case, lower case, digits, symbols."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("The password must have at least %(n)d characters.") % {"n": self.min_length},
                code="password_too_short",
            )
        classes = [
            any(c in string.ascii_uppercase for c in password),
            any(c in string.ascii_lowercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("The password must mix at least three of: upper-case letters, lower-case letters, digits, symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "At least %(n)d characters, mixing at least three of: upper-case letters, lower-case letters, digits, symbols."
        ) % {"n": self.min_length}
