"""Internal publicity pages (login; publicity officer and leaders)."""

from django.urls import URLPattern, URLResolver, path

from sanxiang.publicity import views

app_name = "publicity"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.board_view, name="board"),
    path("prepare/", views.prepare_all_view, name="prepare_all"),
    path("cases/<int:case_pk>/prepare/", views.prepare_case_view, name="prepare_case"),
    path("lists/<slug:code>/prepare/", views.prepare_list_view, name="prepare_list"),
    path("<int:pk>/", views.publication_view, name="publication"),
    path("<int:pk>/<slug:act>/", views.publication_act_view, name="act"),
    path("guides/template.xlsx", views.guides_template_view, name="guides_template"),
    path("guides/import/", views.guides_import_view, name="guides_import"),
    path("corrections/<int:pk>/reply/", views.correction_reply_view, name="correction_reply"),
]
