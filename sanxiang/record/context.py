"""Who is asking, from where: the request facts that audit rows need.

The middleware sets them once per request, so that an action deep in the
domain layer can write a complete audit row without every caller passing the
request down. Outside a request (CLI, jobs) the values say so.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    user_agent: str = ""
    channel: str = "cli"


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("sanxiang_request", default=None)


def current() -> RequestContext:
    """Return the current request's context, or a fresh CLI context outside a request."""
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext()


def activate(ctx: RequestContext) -> contextvars.Token[RequestContext | None]:
    """Make ``ctx`` current; pass the returned token to ``deactivate``."""
    return _current.set(ctx)


def deactivate(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
