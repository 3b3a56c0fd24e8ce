"""Penalties as data: types, amounts in fen (integers only, so records hash canonically), and comparisons."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PenaltyType(enum.StrEnum):
    """APL Art. 9 penalty types (the ones an urban-management bureau imposes)."""

    WARNING = "warning"  # 警告
    CRITICISM = "criticism"  # 通报批评
    FINE = "fine"  # 罚款
    CONFISCATE_INCOME = "confiscate_income"  # 没收违法所得
    CONFISCATE_PROPERTY = "confiscate_property"  # 没收非法财物
    SUSPEND_LICENCE = "suspend_licence"  # 暂扣许可证件、降低资质等级
    REVOKE_LICENCE = "revoke_licence"  # 吊销许可证件
    RESTRICT_ACTIVITY = "restrict_activity"  # 限制开展生产经营活动、责令停产停业、责令关闭、限制从业


LABELS = {
    PenaltyType.WARNING: _("Warning"),
    PenaltyType.CRITICISM: _("Public criticism"),
    PenaltyType.FINE: _("Fine"),
    PenaltyType.CONFISCATE_INCOME: _("Confiscation of illegal income"),
    PenaltyType.CONFISCATE_PROPERTY: _("Confiscation of illegal property"),
    PenaltyType.SUSPEND_LICENCE: _("Suspension of a licence or lower qualification"),
    PenaltyType.REVOKE_LICENCE: _("Revocation of a licence"),
    PenaltyType.RESTRICT_ACTIVITY: _("Order to suspend or close, or restriction of activity"),
}

#: Types that make a case hearing-eligible whatever the amount (APL Art. 63 (二)-(四)).
ALWAYS_HEARING = frozenset({PenaltyType.SUSPEND_LICENCE, PenaltyType.REVOKE_LICENCE, PenaltyType.RESTRICT_ACTIVITY})


@dataclass(frozen=True)
class Penalty:
    types: frozenset[PenaltyType]
    fine_fen: int = 0
    confiscation_fen: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"types": sorted(self.types), "fine_fen": self.fine_fen, "confiscation_fen": self.confiscation_fen}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Penalty:
        return cls(
            types=frozenset(PenaltyType(t) for t in data.get("types", [])),
            fine_fen=int(data.get("fine_fen", 0)),
            confiscation_fen=int(data.get("confiscation_fen", 0)),
        )

    def heavier_than(self, other: Penalty) -> bool:
        """True when this penalty adds a type or a larger amount to ``other`` (APL Art. 45)."""
        return (
            bool(self.types - other.types)
            or self.fine_fen > other.fine_fen
            or self.confiscation_fen > other.confiscation_fen
        )

    def hearing_eligible(self, *, organisation: bool) -> bool:
        """APL Art. 63: large fines or confiscations (thresholds are settings), licence and business measures."""
        if self.types & ALWAYS_HEARING:
            return True
        threshold = (
            settings.HEARING_FINE_THRESHOLD_ORGANISATION if organisation else settings.HEARING_FINE_THRESHOLD_PERSON
        )
        if self.fine_fen >= threshold * 100:
            return True
        return self.confiscation_fen >= settings.HEARING_CONFISCATION_THRESHOLD * 100

    def describe(self) -> str:
        parts = [str(LABELS[t]) for t in sorted(self.types)]
        if self.fine_fen:
            parts.append(f"{self.fine_fen / 100:,.2f} 元")
        return "、".join(parts)
