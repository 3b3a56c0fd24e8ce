"""The staff and certificate roster as an Excel file: export, blank template, and import.

The file has one row per person and certificate (a person without a
certificate has one row with the certificate columns empty). The column
headers are a data format that bureaus fill in by hand, so they are Chinese
constants, defined once here; messages to the person stay translatable.

Import is all or nothing:

1. read and check every row (``roster_parse``); any problem refuses the whole
   file with a report naming row (as Excel shows it), column, value, message;
2. otherwise apply every row through the ``actions`` of the organisation in
   one transaction (``roster_import``); a refusal by an action on row N rolls
   the transaction back and the report names row N.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any, Generic, NoReturn, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanxiang.lib import xlsx
from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org import actions
from sanxiang.org.models import Certificate, CertificateStatus, EnforcementCategory, Region, StaffKind, Unit, User
from sanxiang.org.permissions import SYSTEM_USERNAME, Perm, require_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome

NAME, USERNAME, EMPLOYEE_NO, UNIT, POSITION, KIND = "姓名", "登录名", "工号", "单位", "职务", "人员类别"
PHONE, LEGAL_NO, CERT_NO, AUTHORITY = "手机号", "法律职业资格证号", "执法证号", "发证机关"
CATEGORIES, REGIONS, VALID_FROM, VALID_TO = "执法类别", "执法区域", "有效期起", "有效期止"
INSPECTION_YEAR, STATUS = "年审年度", "证件状态"
STAFF_HEADERS = (NAME, USERNAME, EMPLOYEE_NO, UNIT, POSITION, KIND, PHONE, LEGAL_NO)
CERT_HEADERS = (CERT_NO, AUTHORITY, CATEGORIES, REGIONS, VALID_FROM, VALID_TO, INSPECTION_YEAR, STATUS)
HEADERS = STAFF_HEADERS + CERT_HEADERS
WIDTHS = (10, 16, 12, 14, 12, 10, 14, 20, 14, 22, 24, 24, 12, 12, 10, 10)
SHEET_TITLE = "执法人员名册"
HELP_TITLE = "说明"
JOIN = "、"
STAFF_KINDS: dict[str, StaffKind] = {
    "在编": StaffKind.ESTABLISHED,
    "协管": StaffKind.AUXILIARY,
    "合同": StaffKind.CONTRACT,
}
STATUSES: dict[str, CertificateStatus] = {
    "有效": CertificateStatus.VALID,
    "暂扣": CertificateStatus.WITHHELD,
    "吊销": CertificateStatus.REVOKED,
    "过期": CertificateStatus.EXPIRED,
}
KIND_LABELS = {v: k for k, v in STAFF_KINDS.items()}
STATUS_LABELS = {v: k for k, v in STATUSES.items()}
IMPORT_REASON = "Excel 导入"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Which column a field named in an action's refusal comes from.
FIELD_COLUMNS = {
    "username": USERNAME, "full_name": NAME, "employee_no": EMPLOYEE_NO, "unit": UNIT, "position": POSITION,
    "staff_kind": KIND, "holder": KIND, "phone": PHONE, "legal_qualification_no": LEGAL_NO,
    "has_legal_qualification": LEGAL_NO, "number": CERT_NO, "issuing_authority": AUTHORITY,
    "categories": CATEGORIES, "regions": REGIONS, "valid_from": VALID_FROM, "valid_to": VALID_TO,
    "annual_inspection_year": INSPECTION_YEAR, "status": STATUS,
}  # fmt: skip


N = TypeVar("N", Unit, EnforcementCategory, Region)


class _Lookup(Generic[N]):
    """Finds units, categories or regions by code, else by name (names need not be unique)."""

    def __init__(self, objects: Iterable[N]) -> None:
        self.objects: list[N] = list(objects)
        self.by_code: dict[str, N] = {o.code: o for o in self.objects}
        self.by_name: dict[str, list[N]] = {}
        for o in self.objects:
            self.by_name.setdefault(o.name, []).append(o)

    def find(self, token: str) -> list[N]:
        """Return the one object with code ``token``, else every object named ``token``."""
        if token in self.by_code:
            return [self.by_code[token]]
        return self.by_name.get(token, [])

    def label(self, obj: N) -> str:
        """The name, or the code when another object shares the name (so the file reads back)."""
        return obj.name if len(self.by_name.get(obj.name, [])) == 1 else obj.code


@dataclass
class _Lookups:
    units: _Lookup[Unit]
    categories: _Lookup[EnforcementCategory]
    regions: _Lookup[Region]

    @classmethod
    def load(cls) -> _Lookups:
        return cls(
            _Lookup(Unit.objects.all()), _Lookup(EnforcementCategory.objects.all()), _Lookup(Region.objects.all())
        )


# --- Export and template --------------------------------------------------------------------


def _staff_values(staff: User, lookups: _Lookups) -> list[object]:
    unit = lookups.units.label(staff.unit) if staff.unit else ""
    kind = KIND_LABELS.get(StaffKind(staff.staff_kind), "")
    legal_no = staff.legal_qualification_no
    return [staff.full_name, staff.username, staff.employee_no, unit, staff.position, kind, staff.phone, legal_no]


def _cert_values(cert: Certificate | None, lookups: _Lookups) -> list[object]:
    if cert is None:
        return [None] * len(CERT_HEADERS)
    categories = JOIN.join(lookups.categories.label(c) for c in cert.categories.all())
    regions = JOIN.join(lookups.regions.label(r) for r in cert.regions.all())
    status = STATUS_LABELS.get(CertificateStatus(cert.status), "")
    dates = [cert.valid_from, cert.valid_to, cert.annual_inspection_year]
    return [cert.number, cert.issuing_authority, categories, regions, *dates, status]


def roster_rows(staff: QuerySet[User], lookups: _Lookups) -> Iterator[list[object]]:
    """Yield one row of values per person and certificate, in the order of ``HEADERS``."""
    certificates = Certificate.objects.order_by("number").prefetch_related("categories", "regions")
    people = staff.prefetch_related(Prefetch("certificates", queryset=certificates))
    for person in people.iterator(chunk_size=500):
        person_values = _staff_values(person, lookups)
        certs: list[Certificate | None] = [*person.certificates.all()] or [None]
        for cert in certs:
            yield person_values + _cert_values(cert, lookups)


def roster_workbook(staff: QuerySet[User]) -> bytes:
    """Build the roster file for ``staff`` (write-only, so thousands of rows stay fast).

    Guarantees: a frozen header row; dates as Excel dates; categories and
    regions joined with "、"; no string is ever stored as a formula.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    xlsx.start_sheet(ws, WIDTHS)
    ws.append(xlsx.header_cells(ws, HEADERS))
    for values in roster_rows(staff, _Lookups.load()):
        ws.append(xlsx.safe_row(ws, values))
    return xlsx.workbook_bytes(wb)


def _example_row(lookups: _Lookups) -> list[object]:
    def first(lookup: _Lookup[Any]) -> str:
        return lookup.label(lookup.objects[0]) if lookup.objects else ""

    staff = ["张三", "zhangsan", "1001", first(lookups.units), "队员", "在编", "13800000000", ""]
    cert = ["22039999", "吉林省人民政府", first(lookups.categories), first(lookups.regions)]
    return staff + cert + [dt.date(2026, 1, 1), dt.date(2030, 12, 31), 2026, "有效"]


def _column_help() -> list[tuple[str, str, str]]:
    required, if_cert, optional = _("Required"), _("Required for a certificate"), _("Optional")
    rows = [
        (NAME, required, _("Full name.")),
        (USERNAME, required, _("Login name: 2 to 64 letters, digits or . _ -. Matches existing staff.")),
        (EMPLOYEE_NO, optional, _("Employee number, unique in the bureau.")),
        (UNIT, optional, _("Unit name or code, see the list below.")),
        (POSITION, optional, _("Position.")),
        (KIND, required, _("One of: %(v)s. Only 在编 may hold a certificate.") % {"v": JOIN.join(STAFF_KINDS)}),
        (PHONE, optional, _("Mobile phone number.")),
        (LEGAL_NO, optional, _("Number of the national legal qualification certificate, if held.")),
        (CERT_NO, optional, _("Enforcement certificate number; leave the certificate columns empty if none.")),
        (AUTHORITY, if_cert, _("Issuing authority.")),
        (CATEGORIES, if_cert, _("Category names or codes separated by 、 or a comma, see below.")),
        (REGIONS, if_cert, _("Region names or codes separated by 、 or a comma, see below.")),
        (VALID_FROM, if_cert, _("Excel date or YYYY-MM-DD.")),
        (VALID_TO, if_cert, _("Excel date or YYYY-MM-DD, not before the start.")),
        (INSPECTION_YEAR, optional, _("Year of the last annual inspection, within the validity period.")),
        (STATUS, optional, _("One of: %(v)s (empty: 有效 for a new certificate).") % {"v": JOIN.join(STATUSES)}),
    ]
    return rows


def _write_help(ws: Any, lookups: _Lookups) -> tuple[int, int]:
    """Fill the 说明 sheet; return the first and last row of the unit list (for the drop-down)."""
    ws.append([_("Row 2 of the first sheet is an example: delete it before importing.")])
    ws.append([_("Column"), _("Required"), _("Meaning and allowed values")])
    for row in _column_help():
        ws.append(xlsx.safe_row(ws, row))
    ws.append([])
    first_unit = ws.max_row + 3  # after the blank row and the list's title
    lists: list[tuple[str, _Lookup[Any]]] = [(UNIT, lookups.units), (CATEGORIES, lookups.categories)]
    for title, lookup in [*lists, (REGIONS, lookups.regions)]:
        ws.append([title, _("Code")])
        for obj in lookup.objects:
            ws.append(xlsx.safe_row(ws, [lookup.label(obj), obj.code]))
        ws.append([])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 20, 22, 70
    return first_unit, first_unit + max(len(lookups.units.objects), 1) - 1


def _add_choice(ws: Any, column: str, formula: str, *, strict: bool) -> None:
    xlsx.add_choice(ws, HEADERS.index(column), formula, strict=strict, max_rows=settings.IMPORT_MAX_ROWS)


def template_workbook() -> bytes:
    """Build the blank import file: header, one example row, drop-downs, and the 说明 sheet."""
    lookups = _Lookups.load()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    xlsx.start_sheet(ws, WIDTHS)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font, cell.fill = xlsx.HEADER_FONT, xlsx.HEADER_FILL
    ws.append(xlsx.safe_row(ws, _example_row(lookups)))
    for cell in ws[2]:
        cell.font = xlsx.EXAMPLE_FONT
    first, last = _write_help(wb.create_sheet(HELP_TITLE), lookups)
    _add_choice(ws, KIND, '"' + ",".join(STAFF_KINDS) + '"', strict=True)
    _add_choice(ws, STATUS, '"' + ",".join(STATUSES) + '"', strict=True)
    _add_choice(ws, UNIT, f"'{HELP_TITLE}'!$A${first}:$A${last}", strict=False)
    return xlsx.workbook_bytes(wb)


# --- Import: reading and checking every row ---------------------------------------------------

Problem = xlsx.Problem


class RosterImportRefused(ValidationFailed):
    """The file was refused and nothing was saved; ``problems`` lists every reason found."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class StaffData:
    username: str
    staff_kind: StaffKind
    profile: dict[str, Any]
    """The ``actions.STAFF_FIELDS`` values of the row."""


@dataclass(frozen=True)
class CertData:
    number: str
    categories: list[EnforcementCategory]
    regions: list[Region]
    status: CertificateStatus | None
    fields: dict[str, Any]
    """The ``actions.CERTIFICATE_FIELDS`` values of the row."""


@dataclass(frozen=True)
class RosterRow:
    number: int
    staff: StaffData
    cert: CertData | None
    shown: dict[str, str] = field(compare=False)
    """Each column's value as text, for the report."""


def _max_length(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length or 0)


def _read_staff(cells: xlsx.RowReader, lookups: _Lookups) -> StaffData:
    username = cells.text(USERNAME, required=True)
    if username and (not actions.USERNAME_RE.match(username) or username == SYSTEM_USERNAME):
        cells.fail(USERNAME, _("The login name must be 2 to 64 letters, digits or . _ - and not a reserved name."))
    kind = cells.choice(KIND, STAFF_KINDS, required=True)
    legal_no = cells.text(LEGAL_NO, max_length=_max_length(User, "legal_qualification_no"))
    profile = {
        "full_name": cells.text(NAME, required=True, max_length=_max_length(User, "full_name")),
        "employee_no": cells.text(EMPLOYEE_NO, max_length=_max_length(User, "employee_no")),
        "unit": cells.one(UNIT, lookups.units.find),
        "position": cells.text(POSITION, max_length=_max_length(User, "position")),
        "staff_kind": kind,
        "phone": cells.text(PHONE, max_length=_max_length(User, "phone")),
        "has_legal_qualification": bool(legal_no),
        "legal_qualification_no": legal_no,
    }
    return StaffData(username, kind or StaffKind.CONTRACT, profile)  # without a kind the row has failed


def _read_cert_dates(cells: xlsx.RowReader) -> dict[str, Any]:
    start, end = cells.date(VALID_FROM, required=True), cells.date(VALID_TO, required=True)
    year = cells.year(INSPECTION_YEAR)
    if start and end and end < start:
        cells.fail(VALID_TO, _("The end of validity is before its start."))
    elif start and end and year is not None and not start.year <= year <= end.year:
        cells.fail(INSPECTION_YEAR, _("The annual inspection year must lie within the validity period."))
    return {"valid_from": start, "valid_to": end, "annual_inspection_year": year}


def _read_cert(cells: xlsx.RowReader, lookups: _Lookups) -> CertData | None:
    number = cells.text(CERT_NO, max_length=_max_length(Certificate, "number"))
    if not number:
        if any(cells.shown[c] for c in CERT_HEADERS):
            cells.fail(CERT_NO, _("Certificate data without a certificate number."))
        return None
    authority = cells.text(AUTHORITY, required=True, max_length=_max_length(Certificate, "issuing_authority"))
    categories = cells.many(CATEGORIES, lookups.categories.find, required=True)
    regions = cells.many(REGIONS, lookups.regions.find, required=True)
    fields = {"issuing_authority": authority, **_read_cert_dates(cells)}
    return CertData(number, categories, regions, cells.choice(STATUS, STATUSES), fields)


def _read_row(cells: xlsx.RowReader, lookups: _Lookups) -> RosterRow | None:
    """Parse one row; None when it has a problem (it then takes part in no cross-row check)."""
    staff, cert = _read_staff(cells, lookups), _read_cert(cells, lookups)
    return None if cells.failed else RosterRow(cells.number, staff, cert, cells.shown)


def _fail(problems: list[Problem], row: RosterRow, column: str, message: str) -> None:
    problems.append(Problem(row.number, column, row.shown.get(column, ""), message))


def _check_repeats(rows: list[RosterRow], problems: list[Problem]) -> None:
    """A login name repeats only for another certificate of the same person; a certificate number never."""
    people: dict[str, RosterRow] = {}
    certs: dict[str, RosterRow] = {}
    for row in rows:
        first = people.setdefault(row.staff.username, row)
        if first is not row and (row.cert is None or first.cert is None or first.staff != row.staff):
            message = _("This login name is already on row %(r)s: repeat it only for another certificate.")
            _fail(problems, row, USERNAME, message % {"r": first.number})
        first = certs.setdefault(row.cert.number, row) if row.cert else row
        if first is not row:
            _fail(problems, row, CERT_NO, _("This certificate number is already on row %(r)s.") % {"r": first.number})


def _existing_certificates(numbers: Iterable[str]) -> dict[str, Certificate]:
    found = Certificate.objects.filter(number__in=set(numbers)).select_related("holder")
    return {c.number: c for c in found.prefetch_related("categories", "regions")}


def _check_holders(rows: list[RosterRow], problems: list[Problem]) -> None:
    """A certificate stays with its holder; only established staff hold one (an unchanged revoked one may stay)."""
    existing = _existing_certificates(r.cert.number for r in rows if r.cert)
    for row in rows:
        if row.cert is None:
            continue
        cert = existing.get(row.cert.number)
        if cert is not None and cert.holder.username != row.staff.username:
            message = _("Certificate %(n)s belongs to %(h)s.") % {"n": cert.number, "h": cert.holder}
            _fail(problems, row, CERT_NO, message)
        revoked = cert is not None and cert.status == row.cert.status == CertificateStatus.REVOKED
        if row.staff.staff_kind != StaffKind.ESTABLISHED and not revoked:
            _fail(problems, row, KIND, _("Only established staff (在编) may hold an enforcement certificate."))


def _open_sheet(source: IO[bytes]) -> xlsx.Sheet:
    return xlsx.open_import_sheet(
        source, sheet_name=SHEET_TITLE, max_rows=settings.IMPORT_MAX_ROWS, refuse=RosterImportRefused
    )


def roster_parse(source: IO[bytes]) -> list[RosterRow]:
    """Read and check every row of an uploaded roster file; raise ``RosterImportRefused`` with all problems."""
    sheet = _open_sheet(source)
    index, missing = xlsx.header_index(sheet.header, HEADERS)
    if missing:
        problem = Problem(1, JOIN.join(missing), "", _("These columns are missing: use the template."))
        raise RosterImportRefused(_("The file does not have the columns of the template."), [problem])
    lookups, problems = _Lookups.load(), list[Problem]()
    parsed = [_read_row(xlsx.RowReader(r, index, problems), lookups) for r in sheet.rows]
    rows = [r for r in parsed if r is not None]
    _check_repeats(rows, problems)
    _check_holders(rows, problems)
    if problems:
        problems.sort(key=lambda p: (p.row, HEADERS.index(p.column) if p.column in HEADERS else 0))
        raise RosterImportRefused(_("Nothing was imported: correct the rows listed below."), problems)
    return rows


# --- Import: applying ---------------------------------------------------------------------------


@dataclass
class ImportSummary:
    rows: int = 0
    staff_created: int = 0
    staff_updated: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0


class _RowFailed(Exception):
    def __init__(self, row: RosterRow, error: DomainError) -> None:
        super().__init__(error.message)
        self.row, self.error = row, error


def _apply_staff(actor: User, data: StaffData, staff: dict[str, User], summary: ImportSummary) -> User:
    """Create or update the person of the row (``staff``: login name to account, filled as people are created)."""
    person = staff.get(data.username)
    if person is None:
        staff[data.username] = actions.staff_create(actor=actor, username=data.username, **data.profile)
        summary.staff_created += 1
        return staff[data.username]
    changes = {k: v for k, v in data.profile.items() if getattr(person, k) != v}
    if changes:
        actions.staff_update(actor=actor, staff=person, **changes)
        summary.staff_updated += 1
    return person


def _create_certificate(actor: User, holder: User, data: CertData) -> None:
    cert = actions.certificate_create(
        actor=actor, holder=holder, number=data.number, categories=data.categories, regions=data.regions, **data.fields
    )
    if data.status is not None and data.status != CertificateStatus.VALID:
        actions.certificate_set_status(actor=actor, certificate=cert, status=data.status, reason=IMPORT_REASON)


def _update_certificate(actor: User, cert: Certificate, data: CertData) -> bool:
    """Bring ``cert`` in line with the row; True when anything changed."""
    changes: dict[str, Any] = {k: v for k, v in data.fields.items() if getattr(cert, k) != v}
    if {c.pk for c in cert.categories.all()} != {c.pk for c in data.categories}:
        changes["categories"] = data.categories
    if {r.pk for r in cert.regions.all()} != {r.pk for r in data.regions}:
        changes["regions"] = data.regions
    if changes:
        actions.certificate_update(actor=actor, certificate=cert, **changes)
    if data.status is None or data.status == cert.status:
        return bool(changes)
    actions.certificate_set_status(actor=actor, certificate=cert, status=data.status, reason=IMPORT_REASON)
    return True


def _apply(actor: User, rows: list[RosterRow]) -> ImportSummary:
    """Apply every row through the actions; a refusal becomes ``_RowFailed`` naming the row."""
    summary = ImportSummary(rows=len(rows))
    people = User.objects.filter(username__in={r.staff.username for r in rows}).select_related("unit")
    staff = {u.username: u for u in people}
    certs = _existing_certificates(r.cert.number for r in rows if r.cert)
    for row in rows:
        try:
            # A repeated person (another certificate) has identical data: the second call changes nothing.
            holder = _apply_staff(actor, row.staff, staff, summary)
            cert = certs.get(row.cert.number) if row.cert else None
            if row.cert and cert is None:
                _create_certificate(actor, holder, row.cert)
                summary.certificates_created += 1
            elif row.cert and cert and _update_certificate(actor, cert, row.cert):
                summary.certificates_updated += 1
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


def roster_import(*, actor: User, source: IO[bytes]) -> ImportSummary:
    """Import a roster file all or nothing, and record one audit row ("roster.import") either way.

    Refusals raise ``RosterImportRefused`` and nothing is saved; otherwise
    every row was applied through the actions in one transaction and the
    counts are returned. New staff get no usable password (the system
    administrator sets one).
    """
    require_perm(actor, Perm.ROSTER_IMPORT)
    try:
        rows = roster_parse(source)
        with transaction.atomic():
            summary = _apply(actor, rows)
            audit_record(actor=actor, action="roster.import", category=AuditCategory.DATA, detail=asdict(summary))
    except _RowFailed as failure:
        message = _("Nothing was imported: row %(r)s was refused.") % {"r": failure.row.number}
        _audit_refusal(actor, RosterImportRefused(message, _row_problems(failure)))
    except RosterImportRefused as exc:
        _audit_refusal(actor, exc)
    return summary


def _audit_refusal(actor: User, refusal: RosterImportRefused) -> NoReturn:
    detail = {"problems": len(refusal.problems), "message": refusal.message}
    outcome = AuditOutcome.FAILURE
    audit_record(actor=actor, action="roster.import", category=AuditCategory.DATA, outcome=outcome, detail=detail)
    raise refusal
