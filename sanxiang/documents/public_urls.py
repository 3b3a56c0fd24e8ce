"""Public pages of documents (no login)."""

from django.urls import URLPattern, URLResolver, path

from sanxiang.documents import public_views

app_name = "documents_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("s/<str:token>/", public_views.service_view, name="service"),
    path("<str:public_id>/", public_views.verify_view, name="verify"),
    path("<str:public_id>/proof.json", public_views.proof_view, name="proof"),
]
