from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread; Django refuses
# ORM calls from a thread with a running loop unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
