from django.urls import path

from sanxiang.devices import views

app_name = "devices"

urlpatterns = [
    path("", views.device_list_view, name="device_list"),
    path("new/", views.device_create_view, name="device_create"),
    path("export.xlsx", views.device_export_view, name="device_export"),
    path("template.xlsx", views.device_template_view, name="device_template"),
    path("import/", views.device_import_view, name="device_import"),
    path("<int:pk>/", views.device_detail_view, name="device_detail"),
    path("<int:pk>/edit/", views.device_edit_view, name="device_edit"),
    path("<int:pk>/assign/", views.device_assign_view, name="device_assign"),
    path("<int:pk>/return/", views.device_return_view, name="device_return"),
    path("<int:pk>/status/", views.device_status_view, name="device_status"),
]
