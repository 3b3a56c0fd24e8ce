"""The JSON API under /api/v1/ (django-ninja; OpenAPI document at /api/v1/openapi.json).

Machine clients (a field app, a camera dock, a provincial platform)
authenticate with a bearer token (``sanxiang api_token issue``) and act with
the roles and unit scope of the token's user. Each app adds its router here.

Refusals are answered with an ``ErrorOut`` body, never a 500:

======================  ======  ==========================================
refusal                 status  ``error``
======================  ======  ==========================================
no or bad token         401     unauthenticated
``AccessDenied``        403     access_denied (a move the role may not make)
missing or not allowed  404     not_found (the two look the same)
``GateRefused``         409     gate_refused, with ``reasons``
``InvalidTransition``   409     invalid_transition
``DeadlineExpired``     409     deadline_expired
other ``DomainError``   409     refused
``ValidationFailed``    422     validation_failed, with ``errors``
input off the schema    422     invalid_input, with ``errors``
body not JSON           422     invalid_json
======================  ======  ==========================================
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputInvalid

from sanxiang.api_types import ErrorCode
from sanxiang.apitokens.auth import BearerToken
from sanxiang.cases.api import router as cases_router
from sanxiang.lib.exceptions import (
    AccessDenied,
    DeadlineExpired,
    DomainError,
    GateRefused,
    InvalidTransition,
    ValidationFailed,
)
from sanxiang.publicity.api import router as publicity_router
from sanxiang.record.api import router as log_router

DESCRIPTION = """
Machine clients act as one staff member, with that person's roles and unit scope, by sending
`Authorization: Bearer <token>` (tokens are issued by the security administrator: `sanxiang api_token issue`).

Every refusal is a 4xx JSON body `{"error", "message", "reasons", "errors"}`: 401 `unauthenticated`,
403 `access_denied`, 404 `not_found` (missing and not allowed look the same), 409 `gate_refused` (with `reasons`),
`invalid_transition`, `deadline_expired` or `refused`, 422 `validation_failed` or `invalid_input` (with `errors`
by field) or `invalid_json`. Amounts are integers in fen; dates are ISO 8601.
"""

api = NinjaAPI(
    title="sanxiang",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=BearerToken(),
)


def _error(
    request: HttpRequest,
    status: int,
    code: ErrorCode,
    message: str,
    *,
    reasons: list[str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": code, "message": message, "reasons": reasons or [], "errors": errors or {}}
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "unauthenticated", _("Send a valid API token: Authorization: Bearer <token>."))
    response["WWW-Authenticate"] = 'Bearer realm="sanxiang"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja raises 400 only for a body it cannot parse as JSON.
    if exc.status_code == 400:
        return _error(request, 422, "invalid_json", _("The request body is not valid JSON."))
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(InputInvalid)
def _input_invalid(request: HttpRequest, exc: InputInvalid) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # ("body", "data", "fine_fen") → "fine_fen": the source and the parameter name say nothing to a client.
        location = [str(part) for part in error.get("loc", ())]
        key = ".".join(location[2:] if location[:1] == ["body"] else location[1:])
        errors.setdefault(key, []).append(str(error.get("msg", "")))
    return _error(request, 422, "invalid_input", _("The request does not match the API schema."), errors=errors)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(GateRefused)
def _gate_refused(request: HttpRequest, exc: GateRefused) -> HttpResponse:
    return _error(request, 409, "gate_refused", exc.message, reasons=exc.reasons)


@api.exception_handler(ValidationFailed)
def _validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return _error(request, 422, "validation_failed", exc.message, errors=exc.errors)


def _domain_error(code: ErrorCode, status: int) -> Any:
    def handler(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return _error(request, status, code, exc.message)

    return handler


api.exception_handler(InvalidTransition)(_domain_error("invalid_transition", 409))
api.exception_handler(DeadlineExpired)(_domain_error("deadline_expired", 409))
api.exception_handler(AccessDenied)(_domain_error("access_denied", 403))
api.exception_handler(DomainError)(_domain_error("refused", 409))

api.add_router("/cases/", cases_router, tags=["cases"])
api.add_router("/log/", log_router)
api.add_router("/public/", publicity_router)
