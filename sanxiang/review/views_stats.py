"""The review statistics page and its Excel export (``Perm.REVIEW_STATS``)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from sanxiang.org.http import request_user
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.review.forms import StatsForm
from sanxiang.review.stats import XLSX_CONTENT_TYPE, review_stats, stats_workbook


@login_required
@require_safe
def stats_view(request: HttpRequest) -> HttpResponse:
    """Reviews by outcome, days taken, returns per unit and per reason; ``?format=xlsx`` downloads them."""
    if not has_perm(request_user(request), Perm.REVIEW_STATS):
        raise Http404
    form = StatsForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    stats = review_stats(start, end)
    if request.GET.get("format") == "xlsx":
        day = timezone.localdate().isoformat()
        response = HttpResponse(stats_workbook(stats), content_type=XLSX_CONTENT_TYPE)
        name = quote(f"法制审核统计-{day}.xlsx")
        response["Content-Disposition"] = f"attachment; filename=\"review-stats-{day}.xlsx\"; filename*=UTF-8''{name}"
        return response
    return render(request, "review/stats.html", {"form": form, "stats": stats})
