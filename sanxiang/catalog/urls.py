from django.urls import URLPattern, URLResolver, path

from sanxiang.catalog import views, views_av

app_name = "catalog"

urlpatterns: list[URLPattern | URLResolver] = [
    path("review/", views.catalogue_list_view, name="catalogue_list"),
    path("review/new/", views.catalogue_create_view, name="catalogue_create"),
    path("review/<int:pk>/", views.catalogue_detail_view, name="catalogue_detail"),
    path("review/<int:pk>/rules/", views.rule_add_view, name="rule_add"),
    path("review/<int:pk>/rules/<int:rule_pk>/remove/", views.rule_remove_view, name="rule_remove"),
    path("review/<int:pk>/approve/", views.catalogue_approve_view, name="catalogue_approve"),
    path("av/", views_av.av_list_list_view, name="av_list_list"),
    path("av/new/", views_av.av_list_create_view, name="av_list_create"),
    path("av/<int:pk>/", views_av.av_list_detail_view, name="av_list_detail"),
    path("av/<int:pk>/approve/", views_av.av_list_approve_view, name="av_list_approve"),
    path("cases/<int:case_id>/grounds/", views.ground_add_view, name="ground_add"),
]
