"""Check characters of Chinese identification numbers.

- 居民身份证号码 (GB 11643-1999): 17 digits (6 region, 8 birth date, 3 sequence)
  and a check character from ISO 7064 MOD 11-2.
- 统一社会信用代码 (GB 32100-2015): 18 characters over a 31-character alphabet
  (no I, O, Z, S, V), the last one a MOD 31 check character.

Both functions are pure and return ``None`` when the number is valid, or a
short reason (for a form message) when it is not.
"""

from __future__ import annotations

import datetime as dt

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_number_check_char(first17: str) -> str:
    """Return the check character for the first 17 digits of a resident ID number."""
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number_problem(value: str, *, today: dt.date | None = None) -> str | None:
    """Return why ``value`` is not a valid 18-character resident ID number, or None.

    Checks: length 18; 17 digits then a digit or X; a real birth date not in
    the future and not before 1900; the check character.
    """
    number = value.strip().upper()
    if len(number) != 18:
        return "length"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "characters"
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth_date"
    if birth.year < 1900 or birth > (today or dt.datetime.now(dt.UTC).date()):
        return "birth_date"
    if id_number_check_char(number[:17]) != number[17]:
        return "check"
    return None


def id_number_birth_date(value: str) -> dt.date:
    """Return the birth date encoded in a valid resident ID number."""
    number = value.strip()
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def credit_code_check_char(first17: str) -> str:
    """Return the check character for the first 17 characters of a credit code."""
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> str | None:
    """Return why ``value`` is not a valid unified social credit code, or None."""
    code = value.strip().upper()
    if len(code) != 18:
        return "length"
    if any(ch not in CREDIT_ALPHABET for ch in code):
        return "characters"
    if credit_code_check_char(code[:17]) != code[17]:
        return "check"
    return None
