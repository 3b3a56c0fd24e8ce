"""A real tus client (tuspy) against a real HTTP server: an interrupted upload resumes and becomes evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from tusclient import client as tus

from sanxiang.apitokens.actions import api_token_issue
from sanxiang.catalog.actions import violation_create
from sanxiang.evidence.blobstore import blob_rehash
from sanxiang.evidence.models import Evidence
from sanxiang.procedures.actions import calendar_seed_year
from sanxiang.testing import make_bureau
from sanxiang.uploads.models import Upload
from sanxiang.uploads.tests.base import STEP, registered_case, temp_store

pytestmark = pytest.mark.django_db(transaction=True)

SIZE = 5 * 1024 * 1024 + 12345
CHUNK = 256 * 1024


@pytest.fixture
def store():
    root, override = temp_store()
    with override:
        yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def scene(store, tmp_path):
    """A registered case, a token of its handler, and a file of a few MiB with its SHA-256."""
    b = make_bureau()
    calendar_seed_year(actor=b.system, year=2026)
    violation = violation_create(
        actor=b.reviewer, code="srhw-001", title="擅自占用城市道路摆摊设点", category=b.city_appearance,
        violated_provisions="《城市市容和环境卫生管理条例》第十四条", penalty_provisions="《城市市容和环境卫生管理条例》第三十六条",
    )  # fmt: skip
    case = registered_case(b, violation)
    _token, plaintext = api_token_issue(
        actor=b.secadmin, user=b.officer, name="dock", expires_on=timezone.localdate() + dt.timedelta(days=7)
    )
    path = tmp_path / "DSJ-0001.mp4"
    data = os.urandom(SIZE)
    path.write_bytes(data)
    return case, plaintext, path, hashlib.sha256(data).hexdigest()


def metadata(case) -> dict[str, str]:
    return {
        "case": str(case.pk), "step": STEP, "kind": "video", "captured_at": "2026-06-01T09:30:00+08:00",
        "filename": "DSJ-0001.mp4", "filetype": "video/mp4", "device_serial": "DSJ-0001",
    }  # fmt: skip


def assert_evidence(case, sha: str) -> None:
    evidence = Evidence.objects.get()
    assert (evidence.case_id, evidence.step, evidence.object_id) == (case.pk, STEP, sha)
    assert blob_rehash(sha) == (sha, SIZE)


def test_an_upload_stopped_half_way_resumes_with_a_new_uploader(live_server, scene):
    case, plaintext, path, sha = scene
    client = tus.TusClient(f"{live_server.url}/api/v1/uploads/", headers={"Authorization": f"Bearer {plaintext}"})
    with open(path, "rb") as stream:  # tuspy leaves a file it opened itself unclosed
        first = client.uploader(file_stream=stream, chunk_size=CHUNK, metadata=metadata(case), upload_checksum=True)
        first.upload(stop_at=SIZE // 2)
        assert SIZE // 2 <= first.offset < SIZE
        assert Evidence.objects.count() == 0

        second = client.uploader(file_stream=stream, chunk_size=CHUNK, url=first.url, upload_checksum=True)
        assert second.offset == first.offset == Upload.objects.get().offset  # learnt by HEAD
        second.upload()
    answered: Any = second.request  # the last PATCH
    assert answered.response_headers["sanxiang-sha256"] == sha
    assert answered.response_headers["sanxiang-evidence"] == str(Evidence.objects.get().pk)
    assert_evidence(case, sha)


def _drop_mid_chunk(url: str, plaintext: str, data: bytes, announced: int) -> bytes:
    """Send a PATCH announcing ``announced`` bytes, send only ``data``, stop sending; return the server's answer.

    The answer is awaited (the socket is only half-closed) so that no other
    request runs meanwhile: the live server shares one SQLite connection
    between its threads.
    """
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port or 80), timeout=60) as sock:
        head = (
            f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTus-Resumable: 1.0.0\r\n"
            f"Authorization: Bearer {plaintext}\r\nUpload-Offset: 0\r\nConnection: close\r\n"
            f"Content-Type: application/offset+octet-stream\r\nContent-Length: {announced}\r\n\r\n"
        )
        sock.sendall(head.encode() + data)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while piece := sock.recv(65536):
            answer += piece
    return answer


def test_a_dropped_connection_keeps_the_bytes_that_arrived_and_tuspy_resumes_from_them(live_server, scene):
    case, plaintext, path, sha = scene
    client = tus.TusClient(f"{live_server.url}/api/v1/uploads/", headers={"Authorization": f"Bearer {plaintext}"})
    with open(path, "rb") as stream:
        uploader = client.uploader(file_stream=stream, chunk_size=CHUNK, metadata=metadata(case))
        uploader.set_url(uploader.create_url())
        sent = 1_500_000
        answer = _drop_mid_chunk(str(uploader.url), plaintext, path.read_bytes()[:sent], announced=4 * 1024 * 1024)
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b"the 1500000 bytes received were kept" in answer
        assert uploader.get_offset() == sent

        resumed = client.uploader(file_stream=stream, chunk_size=CHUNK, url=uploader.url)
        assert resumed.offset == sent
        resumed.upload()
    assert_evidence(case, sha)
