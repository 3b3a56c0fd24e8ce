"""Rendering: a pure function from a document's data to PDF bytes (STYLE.md point 12).

``render_document(doc_type, data, meta)`` fills the bureau-editable template
``documents/forms/<template>.html`` and lays it out with WeasyPrint on A4
after GB/T 9704-2012 as a guide (``forms/_style.css``). The same data gives
the same page content; the issuing action then signs the bytes and stores
them. Fonts come from Debian's fonts-noto-cjk (DEPENDENCIES.md pitfall 4).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import segno
from django.template.loader import render_to_string
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

from sanxiang.documents.doctypes import doc_type as get_doc_type

# WeasyPrint logs every layout step at INFO; the platform's INFO log would drown in them.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
_local = threading.local()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    page_count: int


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (segno; an ASCII payload, DEPENDENCIES.md pitfall 6)."""
    return str(segno.make(url, error="m", micro=False).svg_inline(scale=3, border=0, omitsize=True))


def render_html(code: str, data: Mapping[str, Any], meta: Mapping[str, Any]) -> str:
    """The HTML of document type ``code`` filled with ``data`` (the form fields) and ``meta`` (number, QR…)."""
    template = f"documents/forms/{get_doc_type(code).template}.html"
    return render_to_string(template, {"d": data, "doc": {**meta, "qr": qr_svg(str(meta["verify_url"]))}})


def html_to_pdf(html: str) -> Rendered:
    """Lay out ``html`` as PDF: bytes and page count."""
    # One font configuration per thread: loading the CJK fonts again for every document doubles the time.
    fonts = getattr(_local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = FontConfiguration()
    document = HTML(string=html, base_url=".").render(font_config=fonts)
    rendered = Rendered(pdf=document.write_pdf() or b"", page_count=len(document.pages))
    del document
    # A laid-out document is a large web of reference cycles (~90 MB of Python objects with the CJK
    # fonts' subsets): left to the cyclic collector's own pace, a worker grows past 1 GB within a few
    # dozen documents; collecting the young generations here keeps it near 200 MB for ~5 ms.
    gc.collect(1)
    return rendered


def render_document(code: str, data: Mapping[str, Any], meta: Mapping[str, Any]) -> Rendered:
    """Data in, PDF out: the one rendering entry point (called by the issuing action, never by the case engine)."""
    return html_to_pdf(render_html(code, data, meta))
