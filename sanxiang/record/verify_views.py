"""The record-integrity page: a supervisor runs ``verify`` and reads what it found.

Runs the same checks as ``sanxiang verify`` (without ``--deep``: re-hashing
gigabytes of video belongs to the scheduled job) and shows every problem with
its location. Only hashes and locations are shown, never case contents. Each
run is audited.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from sanxiang.org.http import request_user
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome
from sanxiang.record.verify import Options, verify

CHECK_LABELS = {
    "entries": _("Log entries"),
    "tree": _("Merkle tree"),
    "checkpoint": _("Checkpoints"),
    "anchor": _("Outside anchors"),
    "rows": _("Records the log vouches for"),
    "cases": _("Case states"),
    "blobs": _("Evidence files"),
    "triggers": _("Database protection"),
    "config": _("Configuration"),
}


@login_required
def verify_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not has_perm(user, Perm.LOG_VERIFY):
        raise Http404
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    report = None
    if request.method == "POST":
        report = verify(Options())
        audit_record(
            actor=user,
            action="log.verify",
            category=AuditCategory.SECURITY,
            outcome=AuditOutcome.SUCCESS if report.ok else AuditOutcome.FAILURE,
            detail={"size": report.size, "problems": len(report.problems), "checkpoint": report.latest_checkpoint},
        )
    rows = [(CHECK_LABELS.get(p.check, p.check), p) for p in report.problems] if report else []
    return render(request, "record/verify.html", {"report": report, "problem_rows": rows})
