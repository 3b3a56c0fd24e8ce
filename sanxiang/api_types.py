"""Types that every router of the JSON API shares: the error body, the documented errors, safe input types.

Input types refuse what the database would refuse later with a 500: NUL
characters (PostgreSQL text cannot hold them), dates outside 1900-2099 (day
counting would overflow or find no calendar), numbers beyond a 64-bit column.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field

ErrorCode = Literal[
    "unauthenticated",
    "access_denied",
    "not_found",
    "gate_refused",
    "invalid_transition",
    "deadline_expired",
    "refused",
    "validation_failed",
    "invalid_input",
    "invalid_json",
    "http_error",
]


class ErrorOut(Schema):
    """Every 4xx answer: a stable code, a message for the person, and the details of its kind."""

    error: ErrorCode = Field(description="Stable code of the kind of refusal.")
    message: str = Field(description="The refusal, in the request's language.")
    reasons: list[str] = Field(default_factory=list, description="gate_refused: every failed condition.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="validation_failed, invalid_input: messages by field ('' for the whole)."
    )


#: Error responses by kind of operation (each operation documents the ones it can return).
LIST_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class InputSchema(Schema):
    """An input body: unknown fields are refused, so that a misspelt field never passes silently."""

    model_config = ConfigDict(extra="forbid")


# No NUL character (PostgreSQL refuses it in text and JSON).
_NO_NUL = r"^[^\x00]*$"
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
MAX_FEN = 10**12  # ¥10 000 000 000: far above any fine, far below the 64-bit limit
MAX_ID = 2**63 - 1


def _day_in_range(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"the date must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return value


def _moment_in_range(value: dt.datetime) -> dt.datetime:
    _day_in_range(value.date())
    return value


def text(max_length: int, *, required: bool = False, description: str | None = None) -> Any:
    """A string field of at most ``max_length`` characters without NUL: required and non-empty, or default ""."""
    if required:
        return Field(min_length=1, max_length=max_length, pattern=_NO_NUL, description=description)
    return Field("", max_length=max_length, pattern=_NO_NUL, description=description)


Day = Annotated[dt.date, AfterValidator(_day_in_range)]
Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]
Fen = Annotated[int, Field(ge=0, le=MAX_FEN, description="An amount in fen (分), an integer.")]
Line = Annotated[str, Field(min_length=1, max_length=200, pattern=_NO_NUL)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
