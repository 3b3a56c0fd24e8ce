"""Public pages of publicity (no login)."""

from django.urls import URLPattern, URLResolver, path, re_path

from sanxiang.publicity import exports
from sanxiang.publicity import views_public as v

app_name = "publicity_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", v.index_view, name="index"),
    path("decisions/", v.decision_list_view, name="decisions"),
    re_path(r"^decisions\.(?P<fmt>csv|xlsx)$", v.decision_export_view, name="decisions_export"),
    path("decisions/<str:public_id>/", v.decision_view, name="decision"),
    path("decisions/<str:public_id>/correction/", v.correction_view, name="correction"),
    path("corrections/", v.track_view, name="track"),
    path("officers/", v.officer_list_view, name="officers"),
    path("officers/<str:public_id>/", v.officer_view, name="officer"),
    path("officers/<str:public_id>/qr.svg", v.officer_qr_view, name="officer_qr"),
    path("officers/<str:public_id>/photo", v.officer_photo_view, name="officer_photo"),
    path("placards/", v.placards_view, name="placards"),
    path("lists/<slug:code>/", v.list_view, name="list"),
    re_path(r"^lists/(?P<code>[-\w]+)\.(?P<fmt>csv|xlsx)$", v.list_export_view, name="list_export"),
    path("flowcharts/", v.flowchart_list_view, name="flowcharts"),
    path("flowcharts/<slug:code>/", v.flowchart_view, name="flowchart"),
    path("transparency/", v.transparency_view, name="transparency"),
    path("annual/", v.annual_view, name="annual"),
    path("feed.atom", exports.PublicationFeed(), name="feed"),
    path("health", v.health_view, name="health"),
]
