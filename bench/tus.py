"""tus ingest through a real server, against the local ingest pipeline; and the server's peak memory.

Run from the repository root: ``python -m bench tus [--size MiB] [--compare-size MiB] [--chunk MiB]
[--repeat R] [--server gunicorn|runserver] [--dir PATH] [--warm]``.

For each size (``--size``, default 1024 MiB, and ``--compare-size``, default 256 MiB, 0 to skip):

1. A fresh data folder under ``--dir`` (default ``var/bench-tus``: the real disk) gets a SQLite
   database (``migrate``), the test bureau, a registered case and an API token of its handler.
2. The server runs in a subprocess: gunicorn with one sync worker (what production runs), or
   ``sanxiang runserver --noreload``.
3. Each round, on a fresh input file (dropped from the page cache unless ``--warm``):
   - the **reference** ``bench.blobs.reference_pipeline``: read → SHA-256 → write → fsync → rename;
   - the **tus upload** of another fresh file of the same size: POST, then PATCHes of ``--chunk``
     MiB streamed from the file in 1 MiB sends (the client holds 1 MiB, never a chunk), until the
     server answers the last PATCH with the evidence id, i.e. including the link into the store,
     the evidence row and its log entries. The server's SHA-256 is checked against the file's.
4. The ratio is reference time / tus time (best of ``--repeat`` each); target ≥ 0.5.
   The server's peak RSS is ``VmHWM`` of the process that handled the requests (the gunicorn
   worker); target < 200 MB and the same for both sizes.

Client and server share the machine's cores, as a camera dock's upload would not.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.blobs import evict, make_file, reference_pipeline

MiB = 1 << 20
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def seed() -> None:
    """In a subprocess with the bench's environment: migrate, build the bureau and a case, print case id + token."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from sanxiang.apitokens.actions import api_token_issue
    from sanxiang.catalog.actions import violation_create
    from sanxiang.procedures.actions import calendar_seed_year
    from sanxiang.testing import make_bureau
    from sanxiang.uploads.tests.base import registered_case

    b = make_bureau()
    calendar_seed_year(actor=b.system, year=2026)
    violation = violation_create(
        actor=b.reviewer,
        code="srhw-001",
        title="擅自占用城市道路摆摊设点",
        category=b.city_appearance,
        violated_provisions="《城市市容和环境卫生管理条例》第十四条",
        penalty_provisions="《城市市容和环境卫生管理条例》第三十六条",
    )
    case = registered_case(b, violation)
    _token, plaintext = api_token_issue(
        actor=b.secadmin, user=b.officer, name="bench", expires_on=timezone.localdate() + dt.timedelta(days=1)
    )
    print(json.dumps({"case": case.pk, "token": plaintext}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANXIANG_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sanxiang.settings",
        SANXIANG_DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{data / 'sanxiang.sqlite3'}",
        SANXIANG_MFA_REQUIRED="0",
        SANXIANG_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    case: int
    token: str

    def worker_pid(self) -> int:
        """The process that handles requests: gunicorn's (only) worker, or runserver itself."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return int(children[0]) if children else pid

    def peak_rss(self) -> int:
        """``VmHWM`` of the request-handling process, in bytes."""
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(data: Path, kind: str) -> Server:
    env = _environment(data)
    seeded = subprocess.run([sys.executable, "-c", "from bench.tus import seed; seed()"], env=env, capture_output=True)
    if seeded.returncode != 0:
        raise RuntimeError("seeding the bench database failed:\n" + seeded.stderr.decode(errors="replace")[-3000:])
    facts = json.loads(seeded.stdout.decode().strip().splitlines()[-1])
    port = _free_port()
    if kind == "gunicorn":
        command = [str(BIN / "gunicorn"), "sanxiang.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "1", "--timeout", "900", "--log-level", "warning"]
    else:
        command = [str(BIN / "sanxiang"), "runserver", "--noreload", f"127.0.0.1:{port}"]
    with open(data / "server.log", "ab") as log:  # the request log; read it when the bench fails
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
    server = Server(process, f"http://127.0.0.1:{port}", int(facts["case"]), str(facts["token"]))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("OPTIONS", "/api/v1/uploads/")
            if conn.getresponse().status == 204:
                conn.close()
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError("the server did not start")


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def _request(server: Server, method: str, path: str, headers: dict[str, str]) -> http.client.HTTPConnection:
    parts = urlsplit(server.base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=900)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {server.token}", **headers}.items():
        conn.putheader(name, value)
    conn.endheaders()
    return conn


def _check(response: http.client.HTTPResponse, status: int) -> None:
    body = response.read()
    if response.status != status:
        raise RuntimeError(f"{response.status}: {body.decode(errors='replace')}")


def tus_upload(server: Server, path: Path, chunk: int) -> str:
    """Upload ``path`` (POST, then PATCHes of ``chunk`` bytes streamed in 1 MiB sends); return the server's SHA-256."""
    size = path.stat().st_size
    metadata = {"case": str(server.case), "step": "attach_evidence", "kind": "video", "filename": path.name}
    metadata["captured_at"] = "2026-06-01T09:30:00+08:00"
    conn = _request(server, "POST", "/api/v1/uploads/", {
        "Upload-Length": str(size), "Content-Length": "0",
        "Upload-Metadata": ",".join(f"{k} {_b64(v)}" for k, v in metadata.items()),
    })  # fmt: skip
    response = conn.getresponse()
    location = urlsplit(response.getheader("Location") or "").path
    _check(response, 201)
    conn.close()
    buf = bytearray(MiB)
    view = memoryview(buf)
    offset, sha = 0, ""
    with open(path, "rb", buffering=0) as src:
        while offset < size:
            count = min(chunk, size - offset)
            conn = _request(server, "PATCH", location, {
                "Upload-Offset": str(offset), "Content-Length": str(count),
                "Content-Type": "application/offset+octet-stream",
            })  # fmt: skip
            left = count
            while left:
                n = src.readinto(view[: min(MiB, left)]) or 0
                conn.send(view[:n])
                left -= n
            response = conn.getresponse()
            offset = int(response.getheader("Upload-Offset") or -1)
            sha = response.getheader("Sanxiang-Sha256") or ""
            _check(response, 204)
            conn.close()
    return sha


def _fresh(folder: Path, size: int, seed_no: int, cold: bool) -> Path:
    path = folder / f"in-{seed_no}.bin"
    make_file(path, size, seed=seed_no)
    if cold:
        evict(path)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        while piece := src.read(MiB):
            digest.update(piece)
    return digest.hexdigest()


def run_size(work: Path, size: int, args: argparse.Namespace) -> tuple[float, float, int]:
    """Best reference time, best tus time, server peak RSS for one size (a fresh server)."""
    data = work / f"data-{size // MiB}"
    inputs = work / "inputs"
    inputs.mkdir(exist_ok=True)
    server = start_server(data, args.server)
    reference, uploads = [], []
    try:
        for round_no in range(args.repeat):
            path = _fresh(inputs, size, 2 * round_no + 1, not args.warm)
            started = time.perf_counter()
            reference_pipeline(path, work / "ref-out")
            reference.append(time.perf_counter() - started)
            path.unlink()
            shutil.rmtree(work / "ref-out")
            path = _fresh(inputs, size, 2 * round_no + 2, not args.warm)
            expected = _sha256(path) if round_no == 0 else ""
            if not args.warm:
                evict(path)
            started = time.perf_counter()
            sha = tus_upload(server, path, args.chunk * MiB)
            uploads.append(time.perf_counter() - started)
            if expected and sha != expected:
                raise RuntimeError(f"the server stored {sha}, the file is {expected}")
            path.unlink()
        return min(reference), min(uploads), server.peak_rss()
    except Exception:
        print((data / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        server.stop()


def _make_writable(work: Path) -> None:
    for folder, _dirs, files in os.walk(work):
        os.chmod(folder, 0o700)
        for name in files:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(folder, name), 0o600)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="file size in MiB (default 1024)")
    parser.add_argument(
        "--compare-size", type=int, default=256, help="second size in MiB for the memory check (0: skip)"
    )
    parser.add_argument("--chunk", type=int, default=64, help="PATCH size in MiB (default 64)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench-tus")
    parser.add_argument("--warm", action="store_true", help="read inputs from the page cache")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=args.dir))
    sizes = [s for s in (args.compare_size, args.size) if s > 0]
    mode = "warm" if args.warm else "cold (page cache dropped)"
    print(f"tus ingest bench: {args.server}, {args.chunk} MiB PATCHes, best of {args.repeat}, inputs {mode}")
    try:
        for size_mib in sizes:
            size = size_mib * MiB
            ref, tus, rss = run_size(work, size, args)
            print(
                f"  {size_mib:5d} MiB  reference {size / ref / 1e9:5.3f} GB/s ({ref:6.2f} s)"
                f"  tus {size / tus / 1e9:5.3f} GB/s ({tus:6.2f} s)  ratio {ref / tus:4.2f} (target >= 0.5)"
                f"  server peak RSS {rss / 1e6:5.1f} MB (target < 200)"
            )
    finally:
        _make_writable(work)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
