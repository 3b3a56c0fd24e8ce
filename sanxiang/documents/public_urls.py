"""Public pages of documents (no login)."""

from django.urls import URLPattern, URLResolver

app_name = "documents_public"

urlpatterns: list[URLPattern | URLResolver] = []
