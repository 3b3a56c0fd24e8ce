"""Pure formatting helpers for the forms: dates and amounts as Chinese documents print them."""

from __future__ import annotations

import datetime as dt

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿"]


def date_cn(value: dt.date | str | None) -> str:
    """``2026年6月1日`` (GB/T 9704-2012 7.3.5.1: Arabic numerals, no leading zeros); "" for None."""
    if value is None or value == "":
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def yuan(fen: int) -> str:
    """``5,000.00`` from 500000 fen."""
    return f"{fen / 100:,.2f}"


def _section(n: int) -> str:
    """0 < n < 10000 in capital numerals, with 零 for inner gaps."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _UNITS[pos]
    return out


def yuan_capital(fen: int) -> str:
    """The amount in capital numerals as on a Chinese receipt: 500000 → ``伍仟元整``, 12345 → ``壹佰贰拾叁元肆角伍分``."""
    if fen < 0:
        raise ValueError("negative amount")
    whole, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    parts: list[str] = []
    sections = []
    while whole:
        sections.append(whole % 10000)
        whole //= 10000
    text, pending_zero = "", False
    for index in range(len(sections) - 1, -1, -1):
        sec = sections[index]
        if sec == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or sec < 1000):
            text += "零"
        text += _section(sec) + _SECTIONS[index]
        pending_zero = False
    if text:
        parts.append(text + "元")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif text and cent:
        parts.append("零")
    if cent:
        parts.append(_DIGITS[cent] + "分")
    if not parts:
        return "零元整"
    return "".join(parts) + ("" if cent else "整")
