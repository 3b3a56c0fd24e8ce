"""Public pages of publicity (no login)."""

from django.urls import URLPattern, URLResolver

app_name = "publicity_public"

urlpatterns: list[URLPattern | URLResolver] = []
