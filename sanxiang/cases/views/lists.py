"""The case list (案件列表) and the 督办 page (overdue and soon-due deadlines per unit)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from sanxiang.cases import selectors
from sanxiang.cases.access import case_list_for_user
from sanxiang.cases.forms.filters import CaseFilterForm
from sanxiang.cases.views.lead import may_create_lead
from sanxiang.org.http import request_user

PAGE_SIZE = 25


@login_required
@require_safe
def case_list_view(request: HttpRequest) -> HttpResponse:
    """The cases the user may read, searchable and filtered, 25 to a page (a constant number of queries)."""
    user = request_user(request)
    today = timezone.localdate()
    form = CaseFilterForm(request.GET, units=selectors.units_for_user(user))
    cases = selectors.case_filter(case_list_for_user(user), form.filters(), today=today)
    page = Paginator(selectors.with_list_data(cases), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "rows": [selectors.case_row(case, today=today) for case in page.object_list],
        "can_create": may_create_lead(user),
    }
    return render(request, "cases/case_list.html", context)


@login_required
@require_safe
def supervision_view(request: HttpRequest) -> HttpResponse:
    """督办: open deadlines of the user's cases that are overdue or due soon, grouped per handling unit."""
    user = request_user(request)
    today = timezone.localdate()
    horizon, in_working_days = selectors.supervision_horizon(today)
    groups = selectors.supervision_groups(user, today=today, horizon=horizon)
    context = {
        "groups": groups,
        "today": today,
        "horizon": horizon,
        "in_working_days": in_working_days,
        "working_days": selectors.SUPERVISION_WORKING_DAYS,
        "total_overdue": sum(g.overdue for g in groups),
        "total_due_soon": sum(g.due_soon for g in groups),
    }
    return render(request, "cases/supervision.html", context)
