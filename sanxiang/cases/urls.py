from django.urls import path

from sanxiang.cases.views import case, lead, lists

app_name = "cases"

urlpatterns = [
    path("", lists.case_list_view, name="case_list"),
    path("new/", lead.lead_create_view, name="lead_create"),
    path("supervision/", lists.supervision_view, name="supervision"),
    path("<int:pk>/", case.case_detail_view, name="case_detail"),
    path("<int:pk>/act/<slug:code>/", case.case_act_view, name="case_act"),
]
