"""The JSON API under /api/v1/ (django-ninja; OpenAPI document at /api/v1/openapi.json).

Machine clients (a field app, a camera dock, a provincial platform)
authenticate with a bearer token; each app adds its router here.
"""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="sanxiang", version="1", urls_namespace="api")
