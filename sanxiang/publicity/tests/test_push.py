"""The push to the provincial platform, against a real HTTP receiver in a thread that fails at first."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.core.management import call_command
from django.test import override_settings

from sanxiang.publicity import actions
from sanxiang.publicity.models import PushMessage
from sanxiang.publicity.push import push_due
from sanxiang.publicity.tests.base import PublicityTestCase

KEY = "test-push-key"


class Receiver:
    """A platform stub: checks the signature, answers 503 to the first ``fail`` requests, dedups by key."""

    def __init__(self, fail: int = 0, lose_reply: int = 0) -> None:
        self.fail = fail
        self.lose_reply = lose_reply  # accept the message but answer 500, as if the reply were lost
        self.requests = 0
        self.effective: dict[str, dict[str, Any]] = {}
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests += 1
                expected = (
                    "sha256="
                    + hmac.new(
                        KEY.encode(), self.headers["X-Sanxiang-Timestamp"].encode() + b"." + body, hashlib.sha256
                    ).hexdigest()
                )
                if not hmac.compare_digest(expected, self.headers["X-Sanxiang-Signature"]):
                    receiver.bad_signatures += 1
                    self._answer(401)
                elif receiver.fail > 0:
                    receiver.fail -= 1
                    self._answer(503)
                else:
                    receiver.effective.setdefault(self.headers["Idempotency-Key"], json.loads(body))
                    if receiver.lose_reply > 0:
                        receiver.lose_reply -= 1
                        self._answer(500)
                    else:
                        self._answer(200)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/push"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class PushTests(PublicityTestCase):
    def _settings(self, receiver: Receiver) -> Any:
        return override_settings(
            PUBLICITY_PUSH_URL=receiver.url, PUBLICITY_PUSH_KEY=KEY, PUBLICITY_PUSH_BACKOFF_SECONDS=30
        )

    def test_it_retries_with_backoff_and_delivers_once(self) -> None:
        with Receiver(fail=2) as receiver, self._settings(receiver):
            with self.captureOnCommitCallbacks(execute=True):
                pub = self.published()
            message = PushMessage.objects.get()
            self.assertEqual((message.attempts, message.delivered_at), (1, None))  # tried at commit: 503
            self.assertEqual(push_due(), (0, 0), "not due before the backoff")
            self._after(seconds=31)
            self.assertEqual(push_due(), (0, 1))  # second failure, next in 60 s
            self._after(seconds=31 + 61)
            self.assertEqual(push_due(), (1, 0))
            self.assertEqual(push_due(), (0, 0))
            self.assertEqual(receiver.requests, 3)
            self.assertEqual(receiver.bad_signatures, 0)
            [(key, body)] = receiver.effective.items()
            self.assertEqual((key, body["id"], body["event"]), (message.key, pub.public_id, "published"))
            self.assertEqual(body["fields"]["party"], "张某某")

    def test_a_lost_reply_is_sent_again_and_deduplicated(self) -> None:
        with Receiver(lose_reply=1) as receiver, self._settings(receiver):
            with self.captureOnCommitCallbacks(execute=True):
                pub = self.published()
            self._after(seconds=31)
            self.assertEqual(push_due(), (1, 0))
            self.assertEqual((receiver.requests, len(receiver.effective)), (2, 1))
            with self.captureOnCommitCallbacks(execute=True):
                actions.publication_withdraw(actor=self.publicist, publication=pub, reason="决定已被撤销")
            withdrawn = [b for b in receiver.effective.values() if b["event"] == "withdrawn"]
            self.assertEqual([b["reason"] for b in withdrawn], ["决定已被撤销"])
            self.assertEqual(PushMessage.objects.filter(delivered_at__isnull=True).count(), 0)

    def test_the_command_delivers_what_is_due(self) -> None:
        with Receiver(fail=1) as receiver, self._settings(receiver):
            with self.captureOnCommitCallbacks(execute=True):
                self.published()
            self._after(seconds=31)
            call_command("publicity_push")
            self.assertEqual(len(receiver.effective), 1)

    def test_without_an_endpoint_nothing_is_queued(self) -> None:
        self.published()
        self.assertEqual(PushMessage.objects.count(), 0)

    def _after(self, *, seconds: int) -> None:
        import datetime as dt

        from django.utils import timezone

        assert self._coordinates is not None
        self._coordinates.move_to(timezone.now() + dt.timedelta(seconds=seconds))
