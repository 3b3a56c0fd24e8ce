"""审核统计: reviews by outcome, working days taken, returns per unit and per reason, for a date range.

The range filters opinions by the day they were given (local time). Working days taken are stored on
each opinion (clock start → opinion day, ``daycount.working_days_between``); an opinion on an
incomplete package has none and is left out of the days. A return counts once per unit, and once per
point marked as a problem (the reasons).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanxiang.lib.xlsx import header_cells, safe_row, start_sheet, workbook_bytes
from sanxiang.review.models import ReviewFinding, ReviewOpinion
from sanxiang.review.points import Finding, Outcome, ReviewPoint

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ReviewStats:
    start: dt.date | None
    end: dt.date | None
    total: int = 0
    by_outcome: list[tuple[str, int]] = field(default_factory=list)
    days_median: float | None = None
    days_max: int | None = None
    returns_by_unit: list[tuple[str, int]] = field(default_factory=list)
    returns_by_point: list[tuple[str, int]] = field(default_factory=list)


def _opinions(start: dt.date | None, end: dt.date | None) -> list[ReviewOpinion]:
    rows = ReviewOpinion.objects.select_related("submission__case__unit").order_by("at")
    out = []
    for opinion in rows:
        day = timezone.localdate(opinion.at)
        if (start is None or day >= start) and (end is None or day <= end):
            out.append(opinion)
    return out


def review_stats(start: dt.date | None = None, end: dt.date | None = None) -> ReviewStats:
    """The figures for opinions given from ``start`` to ``end`` (both included; None: open)."""
    opinions = _opinions(start, end)
    result = ReviewStats(start, end, total=len(opinions))
    counts = Counter(o.outcome for o in opinions)
    result.by_outcome = [(str(label), counts.get(value, 0)) for value, label in Outcome.choices]
    days = [o.working_days for o in opinions if o.working_days is not None]
    if days:
        result.days_median, result.days_max = float(statistics.median(days)), max(days)
    returns = [o for o in opinions if o.outcome == Outcome.RETURN]
    units = Counter(o.submission.case.unit.name for o in returns)
    result.returns_by_unit = sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))
    points = (
        ReviewFinding.objects.filter(opinion__in=returns, finding=Finding.PROBLEM)
        .values("point").annotate(n=Count("id")).order_by("-n", "point")
    )  # fmt: skip
    result.returns_by_point = [(str(ReviewPoint(p["point"]).label), int(p["n"])) for p in points]
    return result


def stats_workbook(stats: ReviewStats) -> bytes:
    """The figures as a workbook, one sheet per table."""
    wb = Workbook(write_only=True)
    tables: list[tuple[str, list[str], list[tuple[str, object]]]] = [
        (_("By outcome"), [_("Outcome"), _("Reviews")], list(stats.by_outcome)),
        (_("Returns by unit"), [_("Unit"), _("Returns")], list(stats.returns_by_unit)),
        (_("Returns by reason"), [_("Point"), _("Returns")], list(stats.returns_by_point)),
        (_("Days taken"), [_("Figure"), _("Working days")],
         [(_("Median"), stats.days_median), (_("Maximum"), stats.days_max)]),
    ]  # fmt: skip
    for title, header, rows in tables:
        ws = wb.create_sheet(title=str(title)[:31])
        start_sheet(ws, [36, 14])
        ws.append(header_cells(ws, [str(h) for h in header]))
        for label, value in rows:
            ws.append(safe_row(ws, [str(label), value]))
    return workbook_bytes(wb)
