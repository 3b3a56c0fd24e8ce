"""服务指南 (service guides, 118号 事前公开): edited in Excel, imported as a draft version of the "guides" list.

One row per item: name, basis, accepting body, approving body, conditions,
preferential policies, application materials, process, time limit,
supervision, accountability, office hours, address, phone. The import refuses
a sheet with missing columns or an item without a name, listing every
problem by row; the draft then goes through the workflow like any list.
"""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.lib.xlsx import XlsxError, header_index, read_sheet, safe_row, shown, workbook_bytes
from sanxiang.org.models import User
from sanxiang.publicity.actions import publication_prepare_list
from sanxiang.publicity.lists import GUIDE_COLUMNS
from sanxiang.publicity.models import Publication


def guides_template() -> bytes:
    """The Excel template: the header row the import expects."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "guides"
    ws.append(safe_row(ws, [str(label) for _key, label in GUIDE_COLUMNS]))
    return workbook_bytes(wb)


def _rows(source: IO[bytes]) -> list[dict[str, Any]]:
    try:
        sheet = read_sheet(source, max_rows=settings.IMPORT_MAX_ROWS)
    except XlsxError as exc:
        raise ValidationFailed(
            _("The file cannot be read as an Excel sheet (%(code)s).") % {"code": exc.code}
        ) from None
    titles = [str(label) for _key, label in GUIDE_COLUMNS]
    index, missing = header_index(sheet.header, titles)
    if missing:
        raise ValidationFailed(_("Columns missing: %(cols)s.") % {"cols": "、".join(missing)})
    rows, problems = [], []
    for row in sheet.rows:
        values = {key: shown(row.values[index[str(label)]]) if index[str(label)] < len(row.values) else ""
                  for key, label in GUIDE_COLUMNS}  # fmt: skip
        if not values["name"]:
            problems.append(_("Row %(n)d: the item has no name.") % {"n": row.number})
        rows.append(values)
    if problems:
        raise ValidationFailed(_("The sheet has errors."), {"file": problems})
    return rows


def guides_import(*, actor: User, source: IO[bytes], note: str = "") -> Publication:
    """Draft a new version of the service guides from an Excel upload (the workflow publishes it)."""
    return publication_prepare_list(
        actor=actor, list_code="guides", title=_("Service guides"), rows=_rows(source), note=note
    )
