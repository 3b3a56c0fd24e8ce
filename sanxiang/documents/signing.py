"""Signing issued PDFs with the bureau's certificate (pyHanko), so a PDF reader shows who issued them.

Production reads the bureau's certificate and key from
``DOCUMENT_SIGNING_CERT_FILE`` / ``DOCUMENT_SIGNING_KEY_FILE`` (PEM). The
embedded (demo) mode makes a self-signed RSA-2048 pair there on first use
(``sanxiang documents_keygen`` does the same on purpose). pyHanko cannot
make SM2 / GB/T 38540 seals (DEPENDENCIES.md pitfall 17): a bureau needing
them plugs an external signer in here.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path
from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers


def keygen(common_name: str, *, cert_file: Path, key_file: Path, years: int = 5) -> None:
    """Write a self-signed certificate and its RSA key (PEM, key mode 0600) for ``common_name``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _ensure_files(cert_file: Path, key_file: Path) -> None:
    if cert_file.exists() and key_file.exists():
        return
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "SANXIANG_DOCUMENT_SIGNING_CERT_FILE and SANXIANG_DOCUMENT_SIGNING_KEY_FILE must name the bureau's "
            "certificate and key (PEM) in production mode."
        )
    keygen("四平市铁西区城市管理行政执法局（演示证书）", cert_file=cert_file, key_file=key_file)


@functools.lru_cache(maxsize=4)
def _signer(cert_file: Path, key_file: Path) -> signers.SimpleSigner:
    _ensure_files(cert_file, key_file)
    passphrase = settings.DOCUMENT_SIGNING_KEY_PASSPHRASE
    signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        str(key_file), str(cert_file), key_passphrase=passphrase.encode() if passphrase else None
    )
    if signer is None:
        raise ImproperlyConfigured(f"Cannot load the document signing key {key_file} and certificate {cert_file}.")
    return cast(signers.SimpleSigner, signer)


def current_signer() -> signers.SimpleSigner:
    """The signer of the configured certificate and key (made on first use in embedded mode)."""
    return _signer(Path(settings.DOCUMENT_SIGNING_CERT_FILE), Path(settings.DOCUMENT_SIGNING_KEY_FILE))


def sign_pdf(pdf: bytes, *, reason: str = "执法文书签发", location: str = "") -> bytes:
    """``pdf`` with an approval signature over the whole file (an incremental update), as new bytes."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="BureauSeal", reason=reason, location=location or None)
    out = signers.sign_pdf(writer, meta, signer=current_signer())
    return bytes(out.getvalue())
