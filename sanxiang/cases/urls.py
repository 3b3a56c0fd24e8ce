from django.urls import path

from sanxiang.cases.views import case, lead, lists, start

app_name = "cases"

urlpatterns = [
    path("", lists.case_list_view, name="case_list"),
    path("new/", lead.lead_create_view, name="lead_create"),
    path("start/simple/", start.start_simple_view, name="start_simple"),
    path("start/inspection/", start.start_inspection_view, name="start_inspection"),
    path("start/compulsory/", start.start_compulsory_view, name="start_compulsory"),
    path("supervision/", lists.supervision_view, name="supervision"),
    path("<int:pk>/", case.case_detail_view, name="case_detail"),
    path("<int:pk>/act/<slug:code>/", case.case_act_view, name="case_act"),
]
