"""PDFs sent back to the service: a scanned decision, and minutes signed outside the app
with each side's own certificate (PAdES, as Vietnam's USB-token signing tools make).

Pure checks on bytes, no database: `check_pdf` (the magic bytes, then pyHanko must parse
it), `verify` (every digital signature with pyHanko's validator: the bytes it signs are
unchanged, the signature is cryptographically valid, it covers its whole revision, and
anything added after it is only more signatures or form filling; the signer's
certificate is reported and said to be trusted only when it chains to a configured trust
root), and `original` (which of the minutes PDFs the service issued the file begins
with: signing appends revisions after the original bytes and never changes them).
"""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from inventory.collation import fold

MAX_DECISION_BYTES = 20 * 1024 * 1024
"""A scanned decision: a few pages at 300 dpi."""
MAX_SIGNED_BYTES = 20 * 1024 * 1024
"""Signed minutes: the minutes of 8,000 items are about 1.5 MB; each signature adds little."""
MAGIC = b"%PDF-"

# pyHanko logs a traceback for every certificate it cannot chain to a trust root; an
# untrusted signer is a finding the answer reports, not an error of the server.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.CRITICAL)


class Refused(ValueError):
    """A PDF the service does not accept; the message says why, for the user."""


class SignedBy(msgspec.Struct):
    """One digital signature found in a signed minutes PDF."""

    field: str  # the PDF's signature field
    subject: str  # the signer's certificate subject, as people read it
    common_name: str
    issuer: str
    serial: str  # hex
    signed_at: datetime | None  # the time the signer's tool claims (or its timestamp)
    intact: bool  # the bytes it signs are unchanged
    valid: bool  # the signature is cryptographically valid for its certificate
    trust: str  # "trusted" (chains to a configured root) or "untrusted"
    coverage: str  # "entire_file" or "entire_revision" (more signatures came after)
    party: str | None  # "giver" or "receiver" when the name matches a party of that side


def check_pdf(data: bytes, limit: int) -> PdfFileReader:
    """A PDF within `limit` bytes that pyHanko can read (its pages found), or Refused."""
    if len(data) > limit:
        raise Refused(f"the file is {len(data)} bytes; at most {limit} are taken")
    if not data.startswith(MAGIC):
        raise Refused("the file is not a PDF (it does not begin with %PDF-)")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        pages = int(reader.root["/Pages"]["/Count"])
    except (PdfError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise Refused(f"the PDF cannot be read: {exc}") from exc
    if pages < 1:
        raise Refused("the PDF has no page")
    return reader


@lru_cache(maxsize=4)
def trust_roots(path: Path | None) -> tuple[asn1_x509.Certificate, ...]:
    """The certificates of a PEM (or DER) file of trust roots; none without a file."""
    if path is None:
        return ()
    data = path.read_bytes()
    if pem.detect(data):
        return tuple(asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, True))
    return (asn1_x509.Certificate.load(data),)


def _party(common_name: str, parties: dict[str, list[str]]) -> str | None:
    name = fold(common_name).strip()
    for side, names in parties.items():
        if any(fold(n).strip() == name for n in names if n):
            return side
    return None


def verify(
    reader: PdfFileReader,
    roots: tuple[asn1_x509.Certificate, ...],
    parties: dict[str, list[str]],
) -> list[SignedBy]:
    """Every signature of the PDF, checked; Refused at the first that does not hold."""
    found = reader.embedded_signatures
    if not found:
        raise Refused("the PDF carries no digital signature")
    context_args: dict[str, Any] = {"allow_fetching": False, "revocation_mode": "soft-fail"}
    signed = []
    for sig in found:
        context = ValidationContext(trust_roots=list(roots), **context_args)
        try:
            status = validate_pdf_signature(sig, context)
        except Exception as exc:  # pyHanko raises many kinds for a bad signature
            raise Refused(f"signature {sig.field_name} cannot be checked: {exc}") from exc
        name = str(sig.field_name)
        if not status.intact:
            raise Refused(f"signature {name} does not match the document: it was changed after")
        if not status.valid:
            raise Refused(f"signature {name} is not a valid signature of its certificate")
        if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            raise Refused(f"signature {name} does not cover the whole document it was made on")
        level = status.modification_level
        if level is None or level > ModificationLevel.FORM_FILLING:
            raise Refused(
                f"the document was changed after signature {name} beyond adding signatures"
            )
        cert = status.signing_cert
        common_name = cert.subject.native.get("common_name", "")
        if isinstance(common_name, list):
            common_name = common_name[0]
        signed.append(
            SignedBy(
                field=name,
                subject=str(cert.subject.human_friendly),
                common_name=str(common_name),
                issuer=str(cert.issuer.human_friendly),
                serial=format(cert.serial_number, "x"),
                signed_at=getattr(status, "signer_reported_dt", None),
                intact=True,
                valid=True,
                trust="trusted" if status.trusted else "untrusted",
                coverage=(
                    "entire_file"
                    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE
                    else "entire_revision"
                ),
                party=_party(common_name, parties),
            )
        )
    return signed


def original(data: bytes, issued: list[Any]) -> Any | None:
    """The issued minutes (rows with `sha256` and `size`) that `data` begins with,
    unchanged and followed by the revisions signing added; None if none."""
    for row in issued:
        size = row["size"]
        if len(data) > size and hashlib.sha256(data[:size]).digest() == bytes(row["sha256"]):
            return row
    return None
