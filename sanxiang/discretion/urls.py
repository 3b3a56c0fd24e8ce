from django.urls import URLPattern, URLResolver, path

from sanxiang.discretion import views

app_name = "discretion"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.baseline_list_view, name="baseline_list"),
    path("template.xlsx", views.baseline_template_view, name="baseline_template"),
    path("import/", views.baseline_import_view, name="baseline_import"),
    path("<int:pk>/", views.baseline_detail_view, name="baseline_detail"),
    path("<int:pk>/export.xlsx", views.baseline_export_view, name="baseline_export"),
    path("<int:pk>/approve/", views.baseline_approve_view, name="baseline_approve"),
    path("<int:pk>/copy/", views.baseline_copy_view, name="baseline_copy"),
    path("<int:pk>/discard/", views.baseline_discard_view, name="baseline_discard"),
]
