"""Two sets of routes: the tus protocol (under ``api/v1/uploads/``) and the uploader page (under ``uploads/``)."""

from django.urls import path

from sanxiang.uploads import views

# An upload's URL works with and without the final slash: a tus client uses the Location it was
# given as it is, and a redirect would lose a PATCH body.
protocol_urlpatterns = [
    path("", views.tus_collection_view, name="uploads_tus"),
    path("<uuid:upload_id>", views.tus_upload_view, name="uploads_tus_upload"),
    path("<uuid:upload_id>/", views.tus_upload_view),
]

page_urlpatterns = [
    path("case/<int:case_id>/", views.case_uploader_view, name="uploads_case"),
]
