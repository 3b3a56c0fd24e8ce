from django.urls import path

from sanxiang.evidence import views

app_name = "evidence"

urlpatterns = [
    path("<int:pk>/", views.evidence_detail_view, name="evidence_detail"),
    path("<int:pk>/download/", views.evidence_download_view, name="evidence_download"),
    path("replay/<str:token>/", views.evidence_replay_view, name="evidence_replay"),
    path("case/<int:case_id>/add/", views.evidence_add_view, name="evidence_add"),
]
