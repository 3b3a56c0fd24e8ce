"""Redaction of text before publication (RULES.md §10; PIPL Art. 28, 34; 浙江 rule Art. 7 as the example).

Removed: natural persons' ID numbers, home addresses, phone numbers, bank
accounts and health information, and the names of natural persons other than
the penalised one; the penalised natural person's name is masked (张三 → 张某某)
when ``PUBLICITY_MASK_PERSON_NAMES`` is on.

Two layers, both applied:

1. What the case says it knows (party names, addresses, phones, ID numbers,
   interviewees, recipients, witnesses) is replaced wherever it appears.
2. Patterns catch what free text adds: any run of 7 or more digits (spaces and
   hyphens inside allowed: ID numbers with their X, mobile and landline numbers,
   bank cards), addresses with a house number (…路12号, …3栋2单元401室), and
   sentences that mention health.

The publicity officer still reads the redacted text beside the original
before submitting: patterns cannot find every third party's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

REMOVED = "＊＊＊"
ADDRESS_REMOVED = "（地址已隐去）"
HEALTH_REMOVED = "（涉及健康信息的内容已隐去）"

# 7+ digits, allowing single spaces/hyphens between digit groups, and a trailing X (ID check character).
_DIGITS = re.compile(r"(?<![0-9A-Za-z])\+?\d(?:[ \-]?\d){6,}[Xx]?")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_ADDRESS_HEAD = r"[\u4e00-\u9fa5A-Za-z0-9]{0,24}?"
_ADDRESS = re.compile(
    _ADDRESS_HEAD
    + r"(?:省|市|区|县|镇|乡|街道|大街|路|街|道|巷|胡同|村|组|小区|花园|公寓|大厦)"
    + r"[\u4e00-\u9fa5A-Za-z0-9\-]{0,24}?"
    + r"[0-9０-９一二三四五六七八九十百]+\s*(?:号楼|号院|号|栋|幢|单元|室|楼|层|户)"
    + r"(?:[0-9０-９一二三四五六七八九十\-]+\s*(?:号楼|号|栋|幢|单元|室|楼|层|户))*"
)
_HEALTH_WORDS = (
    "病",
    "诊断",
    "残疾",
    "伤残",
    "怀孕",
    "孕",
    "住院",
    "病历",
    "艾滋",
    "传染",
    "手术",
    "体检",
    "健康状况",
    "患有",
    "症",
)
_SENTENCE = re.compile(r"[^。；;！!？?\n]*[。；;！!？?\n]?")


def mask_name(name: str) -> str:
    """张三 → 张某某; 欧阳娜娜 → 欧阳某某 (a two-character surname is kept when the name has four characters)."""
    name = name.strip()
    if not name:
        return name
    surname = name[:2] if len(name) >= 4 else name[:1]
    return surname + "某某"


@dataclass
class Known:
    """What the case knows about natural persons, to remove or mask wherever it appears."""

    masked_names: dict[str, str] = field(default_factory=dict)  # penalised person → masked form
    removed_names: set[str] = field(default_factory=set)  # third parties
    removed_values: set[str] = field(default_factory=set)  # ID numbers, addresses, phones, accounts

    def add_values(self, values: Iterable[str]) -> None:
        self.removed_values.update(v.strip() for v in values if v and v.strip())


def _replace_known(text: str, known: Known) -> str:
    # Longest first, so that "张三丰" is handled before "张三".
    for value in sorted(known.removed_values, key=len, reverse=True):
        text = text.replace(value, REMOVED)
    for name in sorted(known.removed_names - set(known.masked_names), key=len, reverse=True):
        if len(name) >= 2:
            text = text.replace(name, REMOVED)
    for name, masked in sorted(known.masked_names.items(), key=lambda kv: len(kv[0]), reverse=True):
        if len(name) >= 2 and name != masked:
            text = text.replace(name, masked)
    return text


def _drop_health(text: str) -> str:
    out = []
    for sentence in _SENTENCE.findall(text):
        if any(word in sentence for word in _HEALTH_WORDS):
            out.append(HEALTH_REMOVED)
        else:
            out.append(sentence)
    return "".join(out)


def _digits_replacement(match: re.Match[str]) -> str:
    # An ISO date (2026-06-01) is not personal data; everything else of 7+ digits goes.
    return match.group(0) if _DATE.fullmatch(match.group(0)) else REMOVED


def redact(text: str, known: Known | None = None) -> str:
    """Return ``text`` with personal information removed or masked (see the module docstring)."""
    if not text:
        return text
    text = _replace_known(text, known or Known())
    text = _ADDRESS.sub(ADDRESS_REMOVED, text)
    text = _DIGITS.sub(_digits_replacement, text)
    return _drop_health(text)
