"""The platform's side of C2SP tlog-witness: push a checkpoint to a witness, fetch its last one back.

Standard library only (``urllib.request``), so nothing new to install or audit.
The three exceptions tell the caller what to do next:

* ``WitnessConflict(size)``: the witness has cosigned up to ``size``; send again
  with ``old = size`` and a consistency proof from there;
* ``WitnessRefused(status, message)``: the witness answered and said no (a
  forked or unsigned checkpoint is refused with 422 or 403): raise the alarm;
* ``WitnessUnavailable``: no answer (network, timeout): retry later.

The cosignature lines returned are parsed, not verified: the caller verifies
them with the witness's configured vkey (``note.open_note``) before storing them.
"""

from __future__ import annotations

import base64
import http.client
import urllib.error
import urllib.parse
import urllib.request

from sanxiang.record import note

MAX_RESPONSE_BYTES = 64 * 1024
SIZE_CONTENT_TYPE = "text/x.tlog.size"


class WitnessError(Exception):
    """Base of the witness client's errors."""


class WitnessConflict(WitnessError):
    """409: the witness's recorded size is not the old size sent."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the witness has cosigned up to size {size}")
        self.size = size


class WitnessRefused(WitnessError):
    """The witness answered with an error status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"the witness refused ({status}): {message}")
        self.status = status
        self.message = message


class WitnessUnavailable(WitnessError):
    """The witness could not be reached or did not answer properly."""


def _endpoint(url: str, path: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"a witness URL is http(s)://host[:port][/prefix], not {url!r}")
    return url.rstrip("/") + path


def add_checkpoint_body(note_text: str, old_size: int, proof: list[bytes]) -> bytes:
    """The ``add-checkpoint`` request body: ``old <size>``, proof lines, a blank line, the note."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + note_text).encode()


def _fetch(request: urllib.request.Request, timeout: float) -> tuple[int, str, str]:
    """Status, Content-Type and body text of a request; HTTP errors are answers, not exceptions."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked)
            return response.status, response.headers.get("Content-Type", ""), _read(response)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers.get("Content-Type", ""), _read_error(exc)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise WitnessUnavailable(f"{request.full_url}: {exc}") from exc


def _read_error(exc: urllib.error.HTTPError) -> str:
    try:
        return _read(exc)
    except (http.client.HTTPException, OSError) as read_exc:
        raise WitnessUnavailable(f"{exc.url}: {read_exc}") from read_exc


def _read(response: http.client.HTTPResponse | urllib.error.HTTPError) -> str:
    data = response.read(MAX_RESPONSE_BYTES + 1)
    if len(data) > MAX_RESPONSE_BYTES:
        raise WitnessUnavailable("the witness's answer is too large")
    return data.decode("utf-8", errors="replace")


def push_checkpoint(
    url: str, note_text: str, old_size: int, proof: list[bytes], timeout: float = 10
) -> list[note.Signature]:
    """POST a signed checkpoint to the witness at ``url``; its cosignature(s), parsed but not verified.

    ``old_size`` is the size the witness last cosigned (0 the first time) and
    ``proof`` the consistency proof from it to the checkpoint's size.
    """
    request = urllib.request.Request(  # noqa: S310 (scheme checked by _endpoint)
        _endpoint(url, "/add-checkpoint"),
        data=add_checkpoint_body(note_text, old_size, proof),
        headers={"Content-Type": "text/plain; charset=utf-8"},
        method="POST",
    )
    status, content_type, body = _fetch(request, timeout)
    if status == 409 and content_type.split(";")[0].strip() == SIZE_CONTENT_TYPE:
        size = body.removesuffix("\n")
        if size.isascii() and size.isdigit():
            raise WitnessConflict(int(size))
    if status != 200:
        raise WitnessRefused(status, body.strip())
    return _signature_lines(body)


def _signature_lines(body: str) -> list[note.Signature]:
    """Parse the answer's signature lines with the note parser (a placeholder text in front)."""
    try:
        _, signatures = note.parse_note("cosigned\n\n" + body)
    except note.NoteError as exc:
        raise WitnessUnavailable(f"the witness's answer is not signature lines: {exc}") from None
    return signatures


def fetch_checkpoint(url: str, origin: str, timeout: float = 10) -> str | None:
    """The witness's last accepted checkpoint of ``origin``, with its cosignature, or None if it has none."""
    query = urllib.parse.urlencode({"origin": origin})
    request = urllib.request.Request(_endpoint(url, "/checkpoint?" + query))  # noqa: S310 (scheme checked)
    status, _, body = _fetch(request, timeout)
    if status == 404:
        return None
    if status != 200:
        raise WitnessRefused(status, body.strip())
    return body
