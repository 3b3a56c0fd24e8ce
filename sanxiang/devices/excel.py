"""The device registry as an Excel file: export, blank template, and import (like the roster's, ``org.roster_excel``).

The column headers are a data format that bureaus fill in by hand, so they are
Chinese constants, defined once here; messages to the person stay translatable.
The export has two more columns (current holder, issued since) that the import
ignores, so an exported file can be edited and imported again.

Import is all or nothing:

1. read and check every row (``device_parse``); any problem refuses the whole
   file with a report naming row (as Excel shows it), column, value, message;
2. otherwise apply every row through ``actions`` in one transaction
   (``device_import``): a new serial is registered, a known one updated; a
   refusal by an action on row N rolls everything back and the report names row N.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import IO, Any, NoReturn

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanxiang.devices import access, actions
from sanxiang.devices.models import STATUS_TRANSITIONS, DeviceAssignment, DeviceStatus, DeviceType, RecordingDevice
from sanxiang.lib import xlsx
from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org.models import Unit, User
from sanxiang.org.permissions import Perm, require_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome

SERIAL, TYPE, MAKE, MODEL, UNIT, STATUS, NOTES = "序列号", "类型", "品牌", "型号", "单位", "状态", "备注"
HOLDER, SINCE = "当前持有人", "领用时间"
HEADERS = (SERIAL, TYPE, MAKE, MODEL, UNIT, STATUS, NOTES)
EXPORT_HEADERS = (*HEADERS, HOLDER, SINCE)
WIDTHS = (20, 12, 14, 16, 16, 8, 30, 20, 18)
SHEET_TITLE = "执法记录设备"
HELP_TITLE = "说明"
JOIN = "、"
TYPES: dict[str, DeviceType] = {
    "执法记录仪": DeviceType.BODY_CAMERA,
    "相机": DeviceType.CAMERA,
    "录音笔": DeviceType.AUDIO_RECORDER,
    "无人机": DeviceType.DRONE,
    "其他": DeviceType.OTHER,
}
STATUSES: dict[str, DeviceStatus] = {
    "在用": DeviceStatus.IN_SERVICE,
    "维修": DeviceStatus.UNDER_REPAIR,
    "遗失": DeviceStatus.LOST,
    "报废": DeviceStatus.RETIRED,
}
TYPE_LABELS = {v: k for k, v in TYPES.items()}
STATUS_LABELS = {v: k for k, v in STATUSES.items()}
IMPORT_REASON = "Excel 导入"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Which column a field named in an action's refusal comes from.
FIELD_COLUMNS = {
    "serial": SERIAL, "device_type": TYPE, "make": MAKE, "model": MODEL, "unit": UNIT, "status": STATUS,
    "notes": NOTES, "reason": STATUS,
}  # fmt: skip


class _Units:
    """The units the importer manages, found by code, else by (unique) name."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self.objects = list(units)
        self.by_code = {u.code: u for u in self.objects}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in self.objects:
            self.by_name.setdefault(unit.name, []).append(unit)

    def find(self, token: str) -> list[Unit]:
        if token in self.by_code:
            return [self.by_code[token]]
        return self.by_name.get(token, [])

    def label(self, unit: Unit) -> str:
        """The name, or the code when another unit shares the name (so the file reads back)."""
        return unit.name if len(self.by_name.get(unit.name, [])) == 1 else unit.code


# --- Export and template --------------------------------------------------------------------


def _device_values(device: RecordingDevice, units: _Units, assignment: DeviceAssignment | None) -> list[object]:
    holder = assignment.holder if assignment is not None else None
    since = timezone.localtime(assignment.started_at).strftime("%Y-%m-%d %H:%M") if assignment is not None else ""
    return [
        device.serial,
        TYPE_LABELS.get(DeviceType(device.device_type), device.device_type),
        device.make,
        device.model,
        units.label(device.unit),
        STATUS_LABELS.get(DeviceStatus(device.status), device.status),
        device.notes,
        f"{holder.full_name}（{holder.username}）" if holder is not None else "",
        since,
    ]


def devices_workbook(devices: QuerySet[RecordingDevice]) -> bytes:
    """Build the export of ``devices``: a frozen header row, then one row per device; no string becomes a formula."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    xlsx.start_sheet(ws, WIDTHS)
    ws.append(xlsx.header_cells(ws, EXPORT_HEADERS))
    units = _Units(Unit.objects.all())
    rows = list(devices.select_related("unit"))
    open_rows = DeviceAssignment.objects.filter(device__in=rows, ended_at__isnull=True).select_related("holder")
    current = {a.device_id: a for a in open_rows}
    for device in rows:
        ws.append(xlsx.safe_row(ws, _device_values(device, units, current.get(device.pk))))
    return xlsx.workbook_bytes(wb)


def _column_help() -> list[tuple[str, str, str]]:
    required, optional = _("Required"), _("Optional")
    return [
        (SERIAL, required, _("Serial number: letters, digits and . _ -; matches a registered device.")),
        (TYPE, required, _("One of: %(v)s.") % {"v": JOIN.join(TYPES)}),
        (MAKE, optional, _("Make.")),
        (MODEL, optional, _("Model.")),
        (UNIT, required, _("Unit name or code, see the list below.")),
        (
            STATUS,
            optional,
            _("One of: %(v)s (empty: 在用 for a new device, unchanged otherwise).") % {"v": JOIN.join(STATUSES)},
        ),
        (NOTES, optional, _("Notes.")),
        (HOLDER, optional, _("Exported for information; the import ignores it (issue devices on the device page).")),
    ]


def _write_help(ws: Any, units: _Units) -> tuple[int, int]:
    """Fill the 说明 sheet; return the first and last row of the unit list (for the drop-down)."""
    ws.append([_("Row 2 of the first sheet is an example: delete it before importing.")])
    ws.append([_("Column"), _("Required"), _("Meaning and allowed values")])
    for row in _column_help():
        ws.append(xlsx.safe_row(ws, row))
    ws.append([])
    ws.append([UNIT, _("Code")])
    first = ws.max_row + 1
    for unit in units.objects:
        ws.append(xlsx.safe_row(ws, [units.label(unit), unit.code]))
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 20, 22, 70
    return first, first + max(len(units.objects), 1) - 1


def _add_choice(ws: Any, column: str, formula: str, *, strict: bool) -> None:
    xlsx.add_choice(ws, HEADERS.index(column), formula, strict=strict, max_rows=settings.IMPORT_MAX_ROWS)


def template_workbook(user: User) -> bytes:
    """Build the blank import file for ``user``: header, one example row, drop-downs, the 说明 sheet."""
    units = _Units(access.device_units_for_user(user))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    xlsx.start_sheet(ws, WIDTHS)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font, cell.fill = xlsx.HEADER_FONT, xlsx.HEADER_FILL
    example_unit = units.label(units.objects[0]) if units.objects else ""
    ws.append(xlsx.safe_row(ws, ["DSJ-000001", "执法记录仪", "某品牌", "DSJ-V9", example_unit, "在用", ""]))
    for cell in ws[2]:
        cell.font = xlsx.EXAMPLE_FONT
    first, last = _write_help(wb.create_sheet(HELP_TITLE), units)
    _add_choice(ws, TYPE, '"' + ",".join(TYPES) + '"', strict=True)
    _add_choice(ws, STATUS, '"' + ",".join(STATUSES) + '"', strict=True)
    _add_choice(ws, UNIT, f"'{HELP_TITLE}'!$A${first}:$A${last}", strict=False)
    return xlsx.workbook_bytes(wb)


# --- Import: reading and checking every row ---------------------------------------------------

Problem = xlsx.Problem


class DeviceImportRefused(ValidationFailed):
    """The file was refused and nothing was saved; ``problems`` lists every reason found."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class DeviceRow:
    number: int
    serial: str
    fields: dict[str, Any]
    """The ``actions.DEVICE_FIELDS`` values of the row."""
    status: DeviceStatus | None
    shown: dict[str, str] = field(compare=False)


def _max_length(name: str) -> int:
    model_field = RecordingDevice._meta.get_field(name)
    return int(getattr(model_field, "max_length", 0) or 0)


def _read_row(cells: xlsx.RowReader, units: _Units) -> DeviceRow | None:
    """Parse one row; None when it has a problem."""
    serial = actions.normalize_serial(cells.text(SERIAL, required=True))
    if serial and not actions.SERIAL_RE.match(serial):
        cells.fail(SERIAL, _("The serial number must be 1 to 64 letters, digits or . _ - characters."))
    fields = {
        "device_type": cells.choice(TYPE, TYPES, required=True),
        "make": cells.text(MAKE, max_length=_max_length("make")),
        "model": cells.text(MODEL, max_length=_max_length("model")),
        "unit": cells.one(UNIT, units.find, required=True),
        "notes": cells.text(NOTES),
    }
    status = cells.choice(STATUS, STATUSES)
    return None if cells.failed else DeviceRow(cells.number, serial, fields, status, cells.shown)


def _fail(problems: list[Problem], row: DeviceRow, column: str, message: str) -> None:
    problems.append(Problem(row.number, column, row.shown.get(column, ""), message))


def _check_rows(rows: list[DeviceRow], actor: User, problems: list[Problem]) -> None:
    """A serial appears once; a known device must be one the actor manages and its status change allowed."""
    seen: dict[str, DeviceRow] = {}
    existing = {d.serial: d for d in RecordingDevice.objects.filter(serial__in=[r.serial for r in rows])}
    managed = set(access.device_list_for_user(actor).filter(serial__in=existing).values_list("serial", flat=True))
    for row in rows:
        first = seen.setdefault(row.serial, row)
        if first is not row:
            _fail(problems, row, SERIAL, _("This serial number is already on row %(r)s.") % {"r": first.number})
        device = existing.get(row.serial)
        if device is not None and row.serial not in managed:
            _fail(problems, row, SERIAL, _("This device belongs to a unit you do not manage."))
        old = DeviceStatus(device.status) if device is not None else DeviceStatus.IN_SERVICE
        if row.status is not None and row.status != old and row.status not in STATUS_TRANSITIONS[old]:
            message = _("A device that is %(old)s cannot become %(new)s.") % {"old": old.label, "new": row.status.label}
            _fail(problems, row, STATUS, message)


def _open_sheet(source: IO[bytes]) -> xlsx.Sheet:
    return xlsx.open_import_sheet(
        source, sheet_name=SHEET_TITLE, max_rows=settings.IMPORT_MAX_ROWS, refuse=DeviceImportRefused
    )


def device_parse(source: IO[bytes], actor: User) -> list[DeviceRow]:
    """Read and check every row of an uploaded device file; raise ``DeviceImportRefused`` with all problems."""
    sheet = _open_sheet(source)
    index, missing = xlsx.header_index(sheet.header, HEADERS)
    if missing:
        problem = Problem(1, JOIN.join(missing), "", _("These columns are missing: use the template."))
        raise DeviceImportRefused(_("The file does not have the columns of the template."), [problem])
    units, problems = _Units(access.device_units_for_user(actor)), list[Problem]()
    parsed = [_read_row(xlsx.RowReader(r, index, problems), units) for r in sheet.rows]
    rows = [r for r in parsed if r is not None]
    _check_rows(rows, actor, problems)
    if problems:
        problems.sort(key=lambda p: (p.row, HEADERS.index(p.column) if p.column in HEADERS else 0))
        raise DeviceImportRefused(_("Nothing was imported: correct the rows listed below."), problems)
    return rows


# --- Import: applying ---------------------------------------------------------------------------


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0


class _RowFailed(Exception):
    def __init__(self, row: DeviceRow, error: DomainError) -> None:
        super().__init__(error.message)
        self.row, self.error = row, error


def _apply_row(actor: User, row: DeviceRow, device: RecordingDevice | None, summary: ImportSummary) -> None:
    if device is None:
        device = actions.device_register(actor=actor, serial=row.serial, **row.fields)
        summary.created += 1
        changed = False
    else:
        before = {name: getattr(device, name) for name in row.fields}
        actions.device_update(actor=actor, device=device, **row.fields)
        changed = before != {name: getattr(device, name) for name in row.fields}
    if row.status is not None and row.status != device.status:
        actions.device_set_status(actor=actor, device=device, status=row.status, reason=IMPORT_REASON)
        changed = True
    if changed:
        summary.updated += 1


def _apply(actor: User, rows: list[DeviceRow]) -> ImportSummary:
    summary = ImportSummary(rows=len(rows))
    existing = {d.serial: d for d in RecordingDevice.objects.filter(serial__in=[r.serial for r in rows])}
    for row in rows:
        try:
            _apply_row(actor, row, existing.get(row.serial), summary)
        except DomainError as exc:
            raise _RowFailed(row, exc) from None
    return summary


def _row_problems(failure: _RowFailed) -> list[Problem]:
    errors = getattr(failure.error, "errors", {}) or {"": [failure.error.message]}
    problems = []
    for name, messages in errors.items():
        column = FIELD_COLUMNS.get(name, "")
        problems += [Problem(failure.row.number, column, failure.row.shown.get(column, ""), m) for m in messages]
    return problems


def device_import(*, actor: User, source: IO[bytes]) -> ImportSummary:
    """Import a device file all or nothing, and record one audit row ("device.import") either way.

    Refusals raise ``DeviceImportRefused`` and nothing is saved; otherwise
    every row was applied through the actions in one transaction and the
    counts are returned.
    """
    require_perm(actor, Perm.DEVICE_MANAGE)
    try:
        rows = device_parse(source, actor)
        with transaction.atomic():
            summary = _apply(actor, rows)
            audit_record(actor=actor, action="device.import", category=AuditCategory.DATA, detail=asdict(summary))
    except _RowFailed as failure:
        message = _("Nothing was imported: row %(r)s was refused.") % {"r": failure.row.number}
        _audit_refusal(actor, DeviceImportRefused(message, _row_problems(failure)))
    except DeviceImportRefused as exc:
        _audit_refusal(actor, exc)
    return summary


def _audit_refusal(actor: User, refusal: DeviceImportRefused) -> NoReturn:
    detail = {"problems": len(refusal.problems), "message": refusal.message}
    outcome = AuditOutcome.FAILURE
    audit_record(actor=actor, action="device.import", category=AuditCategory.DATA, outcome=outcome, detail=detail)
    raise refusal
