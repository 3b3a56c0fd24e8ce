from django.urls import path

from sanxiang.record import views

app_name = "record"

urlpatterns = [
    path("", views.audit_list_view, name="audit_list"),
]
