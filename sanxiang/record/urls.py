from django.urls import path

from sanxiang.record import verify_views, views

app_name = "record"

urlpatterns = [
    path("", views.audit_list_view, name="audit_list"),
    path("verify/", verify_views.verify_view, name="verify"),
]
