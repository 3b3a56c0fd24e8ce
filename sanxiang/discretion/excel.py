"""The discretion baseline as an Excel file: template, export of any version, import of a new draft version.

One row per tier. The rows of one violation (by its code) make one item, in
the order of the rows; its provisions may be repeated on each row (they must
then agree) or given on the first row only; blank provisions take the
catalogue's. The violation title is a check only: it must match the
catalogue when given. Amounts are in yuan (at most two decimals).

Import is all or nothing: every row is read and checked (cells, then each
item through ``actions.item_errors``); any problem refuses the file with a
report naming row (as Excel shows it), column, value and message, and
nothing is written. Otherwise ``actions.baseline_create`` writes the new
draft version in one transaction. No exported string can become a formula
(``sanxiang.lib.xlsx``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, NoReturn

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanxiang.cases.penalties import PenaltyType
from sanxiang.catalog.models import Violation
from sanxiang.discretion import actions
from sanxiang.discretion.models import Baseline, Level
from sanxiang.discretion.selectors import baseline_items
from sanxiang.lib import xlsx
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, require_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome

CODE, TITLE, VIOLATED, PENALTY = "违法行为编码", "违法行为名称", "违法条款", "罚则条款"
CIRCUMSTANCE, LEVEL, TYPES = "情节", "裁量阶次", "处罚种类"
P_MIN, P_MAX, O_MIN, O_MAX = "自然人罚款下限（元）", "自然人罚款上限（元）", "单位罚款下限（元）", "单位罚款上限（元）"
DESCRIPTION, NOTE = "情节描述", "备注"
HEADERS = (CODE, TITLE, VIOLATED, PENALTY, CIRCUMSTANCE, LEVEL, TYPES, P_MIN, P_MAX, O_MIN, O_MAX, DESCRIPTION, NOTE)
WIDTHS = (16, 30, 30, 30, 10, 10, 20, 12, 12, 12, 12, 40, 20)
SHEET_TITLE = "裁量基准"
HELP_TITLE = "说明"
JOIN = "、"
LEVELS: dict[str, Level] = {
    "不予处罚": Level.NO_PENALTY, "减轻处罚": Level.MITIGATED, "从轻处罚": Level.LIGHTER,
    "一般": Level.ORDINARY, "从重处罚": Level.HEAVIER,
}  # fmt: skip
LEVEL_ALIASES: dict[str, Level] = {"减轻": Level.MITIGATED, "从轻": Level.LIGHTER, "一般处罚": Level.ORDINARY,
                                   "从重": Level.HEAVIER}  # fmt: skip
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
TYPE_NAMES: dict[str, PenaltyType] = {
    "警告": PenaltyType.WARNING, "通报批评": PenaltyType.CRITICISM, "罚款": PenaltyType.FINE,
    "没收违法所得": PenaltyType.CONFISCATE_INCOME, "没收非法财物": PenaltyType.CONFISCATE_PROPERTY,
    "暂扣许可证件": PenaltyType.SUSPEND_LICENCE, "吊销许可证件": PenaltyType.REVOKE_LICENCE,
    "责令停产停业": PenaltyType.RESTRICT_ACTIVITY,
}  # fmt: skip
TYPE_ALIASES: dict[str, PenaltyType] = {
    "降低资质等级": PenaltyType.SUSPEND_LICENCE, "限制开展生产经营活动": PenaltyType.RESTRICT_ACTIVITY,
    "责令关闭": PenaltyType.RESTRICT_ACTIVITY, "限制从业": PenaltyType.RESTRICT_ACTIVITY,
}  # fmt: skip
TYPE_LABELS = {v: k for k, v in TYPE_NAMES.items()}
#: Which column a field named by ``actions.tier_errors`` comes from.
FIELD_COLUMNS = {
    "circumstance": CIRCUMSTANCE, "level": LEVEL, "types": TYPES, "person_min_fen": P_MIN,
    "person_max_fen": P_MAX, "org_min_fen": O_MIN, "org_max_fen": O_MAX, "tiers": CODE,
}  # fmt: skip
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_AMOUNT_CLEAN = re.compile(r"[,，\s元]")

Problem = xlsx.Problem


class BaselineImportRefused(ValidationFailed):
    """The file was refused and nothing was saved; ``problems`` lists every reason found."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


# --- Export and template ----------------------------------------------------------------------


def _yuan_cell(fen: int | None) -> object:
    if fen is None:
        return None
    return int(fen // 100) if fen % 100 == 0 else float(Decimal(fen) / 100)


def _rows_of(baseline: Baseline) -> Iterable[list[object]]:
    for item in baseline_items(baseline):
        for tier in item.tiers.all():
            yield [
                item.violation.code, item.violation.title, item.violated_provisions, item.penalty_provisions,
                tier.circumstance, LEVEL_NAMES[Level(tier.level)],
                JOIN.join(TYPE_LABELS[t] for t in PenaltyType if t.value in tier.types),
                _yuan_cell(tier.person_min_fen), _yuan_cell(tier.person_max_fen),
                _yuan_cell(tier.org_min_fen), _yuan_cell(tier.org_max_fen), tier.description, item.note,
            ]  # fmt: skip


def baseline_workbook(baseline: Baseline) -> bytes:
    """The version as an import file: a frozen header row, then one row per tier; no string becomes a formula."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    xlsx.start_sheet(ws, WIDTHS)
    ws.append(xlsx.header_cells(ws, HEADERS))
    for values in _rows_of(baseline):
        ws.append(xlsx.safe_row(ws, values))
    return xlsx.workbook_bytes(wb)


def _column_help() -> list[tuple[str, str, str]]:
    required, optional = _("Required"), _("Optional")
    return [
        (CODE, required, _("Code of the violation in the catalogue (see the list below); one row per tier.")),
        (TITLE, optional, _("Checked against the catalogue when given; not imported.")),
        (VIOLATED, optional, _("Provisions violated; blank: the catalogue's. Same on every row of a violation.")),
        (PENALTY, optional, _("Penalty provisions; blank: the catalogue's. Same on every row of a violation.")),
        (CIRCUMSTANCE, required, _("The circumstance tier, e.g. 轻微, 一般, 较重, 严重 (once per violation).")),
        (LEVEL, required, _("One of: %(v)s.") % {"v": JOIN.join(LEVELS)}),
        (TYPES, _("Required unless 不予处罚"), _("Separated by 、: %(v)s.") % {"v": JOIN.join(TYPE_NAMES)}),
        (P_MIN, _("With 罚款"), _("Fine range for a natural person in yuan; both bounds or neither.")),
        (P_MAX, _("With 罚款"), _("Maximum for a natural person; never above the statutory maximum.")),
        (O_MIN, _("With 罚款"), _("Fine range for an organisation in yuan; both bounds or neither.")),
        (O_MAX, _("With 罚款"), _("Maximum for an organisation.")),
        (DESCRIPTION, optional, _("The facts and circumstances that place a case in this tier.")),
        (NOTE, optional, _("Note on the violation (first row of the violation).")),
    ]


def _write_help(ws: Any, violations: list[Violation]) -> tuple[int, int]:
    """Fill the 说明 sheet; return the first and last row of the violation list (for the drop-down)."""
    ws.append([_("Row 2 of the first sheet is an example: delete it before importing.")])
    ws.append([_("Column"), _("Required"), _("Meaning and allowed values")])
    for row in _column_help():
        ws.append(xlsx.safe_row(ws, row))
    ws.append([])
    ws.append([CODE, TITLE])
    first = ws.max_row + 1
    for violation in violations:
        ws.append(xlsx.safe_row(ws, [violation.code, violation.title]))
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 20, 40, 70
    return first, first + max(len(violations), 1) - 1


def template_workbook() -> bytes:
    """The blank import file: header, one example row, drop-downs, the 说明 sheet with the catalogue."""
    violations = list(Violation.objects.filter(active=True).order_by("code"))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    xlsx.start_sheet(ws, WIDTHS)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font, cell.fill = xlsx.HEADER_FONT, xlsx.HEADER_FILL
    example = violations[0] if violations else None
    ws.append(xlsx.safe_row(ws, [
        example.code if example else "", example.title if example else "", "", "", "一般", "一般", "罚款",
        500, 2000, 2000, 10000, _("Example: first time, small area, corrected when told."), "",
    ]))  # fmt: skip
    for cell in ws[2]:
        cell.font = xlsx.EXAMPLE_FONT
    first, last = _write_help(wb.create_sheet(HELP_TITLE), violations)
    rows = settings.IMPORT_MAX_ROWS
    xlsx.add_choice(ws, HEADERS.index(LEVEL), '"' + ",".join(LEVELS) + '"', strict=True, max_rows=rows)
    xlsx.add_choice(ws, HEADERS.index(CODE), f"'{HELP_TITLE}'!$A${first}:$A${last}", strict=False, max_rows=rows)
    return xlsx.workbook_bytes(wb)


# --- Import: reading and checking -------------------------------------------------------------


@dataclass
class _Row:
    number: int
    violation: Violation
    tier: actions.TierSpec
    violated: str
    penalty: str
    note: str
    shown: dict[str, str] = field(compare=False)


def amount_fen(cells: xlsx.RowReader, column: str) -> int | None:
    """A yuan amount (number, or text with , and 元) as fen; None when blank; a problem when not money."""
    raw = cells.raw[column]
    text = _AMOUNT_CLEAN.sub("", cells.shown[column])
    if raw is None or not text:
        return None
    try:
        value = Decimal(str(raw)) if isinstance(raw, int | float) else Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    fen = value * 100 if value.is_finite() else value
    if not fen.is_finite() or fen != fen.to_integral_value() or fen < 0 or fen > actions.MAX_FEN:
        cells.fail(column, _("Enter an amount in yuan, at least 0, with at most two decimals."))
        return None
    return int(fen)


def _find_type(token: str) -> list[PenaltyType]:
    found = TYPE_NAMES.get(token) or TYPE_ALIASES.get(token)
    if found is None and token in PenaltyType._value2member_map_:
        found = PenaltyType(token)
    return [found] if found is not None else []


def _violation(cells: xlsx.RowReader, catalogue: dict[str, Violation]) -> Violation | None:
    code = cells.text(CODE, required=True)
    violation = catalogue.get(code) if code else None
    if code and violation is None:
        cells.fail(CODE, _("No violation with this code in the catalogue."))
    title = cells.text(TITLE)
    if violation is not None and title and title != violation.title:
        cells.fail(TITLE, _("The catalogue names this violation “%(t)s”.") % {"t": violation.title})
    return violation


def _read_row(cells: xlsx.RowReader, catalogue: dict[str, Violation]) -> _Row | None:
    """Parse one row; None when it has a problem."""
    violation = _violation(cells, catalogue)
    tier = actions.TierSpec(
        circumstance=cells.text(CIRCUMSTANCE, required=True, max_length=actions.MAX_CIRCUMSTANCE),
        level=cells.choice(LEVEL, {**LEVELS, **LEVEL_ALIASES}, required=True) or Level.ORDINARY,
        types=frozenset(cells.many(TYPES, _find_type)),
        person_min_fen=amount_fen(cells, P_MIN), person_max_fen=amount_fen(cells, P_MAX),
        org_min_fen=amount_fen(cells, O_MIN), org_max_fen=amount_fen(cells, O_MAX),
        description=cells.text(DESCRIPTION),
    )  # fmt: skip
    if cells.failed or violation is None:
        return None
    violated, penalty, note = cells.text(VIOLATED), cells.text(PENALTY), cells.text(NOTE)
    return _Row(cells.number, violation, tier, violated, penalty, note, cells.shown)


def _problem(row: _Row, column: str, message: str) -> Problem:
    return Problem(row.number, column, row.shown.get(column, ""), message)


def _item(rows: list[_Row], problems: list[Problem]) -> actions.ItemSpec:
    """The item made of one violation's rows; provisions given on several rows must agree."""
    first = rows[0]
    values = {VIOLATED: first.violated, PENALTY: first.penalty}
    for row in rows[1:]:
        for column, given in ((VIOLATED, row.violated), (PENALTY, row.penalty)):
            if given and values[column] and given != values[column]:
                problems.append(_problem(row, column, _("Differs from the first row of this violation.")))
            values[column] = values[column] or given
    note = next((r.note for r in rows if r.note), "")
    spec = actions.ItemSpec(first.violation, [r.tier for r in rows], values[VIOLATED], values[PENALTY], note)
    for index, name, message in actions.item_errors(spec):
        row = rows[index] if index is not None else first
        problems.append(_problem(row, FIELD_COLUMNS.get(name, CODE), message))
    return spec


def _open_sheet(source: IO[bytes]) -> xlsx.Sheet:
    return xlsx.open_import_sheet(
        source, sheet_name=SHEET_TITLE, max_rows=settings.IMPORT_MAX_ROWS, refuse=BaselineImportRefused
    )


def baseline_parse(source: IO[bytes]) -> list[actions.ItemSpec]:
    """Read and check every row of an uploaded baseline file; raise ``BaselineImportRefused`` with all problems."""
    sheet = _open_sheet(source)
    index, missing = xlsx.header_index(sheet.header, HEADERS)
    if missing:
        problem = Problem(1, JOIN.join(missing), "", _("These columns are missing: use the template."))
        raise BaselineImportRefused(_("The file does not have the columns of the template."), [problem])
    catalogue = {v.code: v for v in Violation.objects.all()}
    problems: list[Problem] = []
    parsed = [_read_row(xlsx.RowReader(r, index, problems), catalogue) for r in sheet.rows]
    groups: dict[str, list[_Row]] = {}
    for row in parsed:
        if row is not None:
            groups.setdefault(row.violation.code, []).append(row)
    items = [_item(rows, problems) for rows in groups.values()]
    if problems:
        problems.sort(key=lambda p: (p.row, HEADERS.index(p.column) if p.column in HEADERS else 0))
        raise BaselineImportRefused(_("Nothing was imported: correct the rows listed below."), problems)
    return items


# --- Import: writing --------------------------------------------------------------------------


def baseline_import(
    *, actor: User, source: IO[bytes], version: str, effective_from: dt.date, note: str = ""
) -> Baseline:
    """Import a file as a new draft version, all or nothing; a refusal is audited and raised.

    Raises ``BaselineImportRefused`` (problems per row) for a bad file and
    ``ValidationFailed`` (field "version") for a version name in use.
    """
    require_perm(actor, Perm.CATALOG_MANAGE)
    try:
        items = baseline_parse(source)
    except BaselineImportRefused as refusal:
        _audit_refusal(actor, refusal)
    return actions.baseline_create(actor=actor, version=version, effective_from=effective_from, items=items, note=note)


def _audit_refusal(actor: User, refusal: BaselineImportRefused) -> NoReturn:
    detail = {"problems": len(refusal.problems), "message": refusal.message}
    outcome = AuditOutcome.FAILURE
    audit_record(actor=actor, action="baseline.import", category=AuditCategory.DATA, outcome=outcome, detail=detail)
    raise refusal
