"""The one exception tree of the domain layer.

::

    DomainError                    a rule of the domain refused the operation
     ├── ValidationFailed          input that breaks a rule (carries field messages)
     ├── InvalidTransition         a move that the procedure definition does not allow
     ├── GateRefused               a hard gate of RULES.md §13 refused (carries the reasons)
     ├── DeadlineExpired           a statutory or configured period has run out
     └── AccessDenied              the actor may not do this (views turn it into 404)

Views, the API and the CLI catch ``DomainError`` and show its message to the
person (a form error, a 4xx with the reason, a non-zero exit): a refused
operation is never a 500 and never silent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Base class: ``message`` is shown to the user as it is (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``errors`` maps field names to messages ('' for the whole object)."""

    def __init__(self, message: str, errors: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}


class InvalidTransition(DomainError):
    """The procedure definition has no such move from the current state."""


class GateRefused(DomainError):
    """A hard gate refused; ``reasons`` lists every failed condition, each a sentence for the user."""

    def __init__(self, message: str, reasons: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.reasons = list(reasons)


class DeadlineExpired(DomainError):
    """A period has run out and the operation is no longer allowed."""


class AccessDenied(DomainError):
    """The actor lacks the role or scope for this operation."""
