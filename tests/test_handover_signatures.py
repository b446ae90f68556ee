"""Minutes signed outside the app (PAdES) and sent back: a test CA and two signers made
here with `cryptography`, the minutes PDF downloaded from the API signed by the giver
then the receiver with pyHanko's signer (incremental revisions), sent back, checked; and
the PDFs the service refuses: tampered, of another handover, made before a change, not a
PDF, not signed."""

from __future__ import annotations

import dataclasses
import functools
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from litestar.testing import TestClient
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from inventory.app import create_app
from tests.test_handover_minutes import _received_handover
from tests.test_handovers import H
from tests.world import World

PDF = {"Content-Type": "application/pdf"}


@dataclasses.dataclass(frozen=True)
class Pki:
    ca: x509.Certificate
    giver: signers.SimpleSigner
    receiver: signers.SimpleSigner
    stranger: signers.SimpleSigner  # chains to a CA the service does not trust
    roots: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh Gia Lai"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _signer(
    ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, common_name: str
) -> signers.SimpleSigner:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(_usage(ca=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=load_private_key_from_pemder_data(pem_key, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(ca.public_bytes(der))]
        ),
    )


@functools.cache
def matrix_signer() -> signers.SimpleSigner:
    """A signer of a CA of its own, for tests elsewhere (the scope matrix)."""
    ca_key, ca = _ca("CA của ma trận")
    return _signer(ca_key, ca, "Nguyễn Văn A")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    ca_key, ca = _ca("CA thử nghiệm của tỉnh")
    other_key, other = _ca("CA lạ")
    roots = tmp_path_factory.mktemp("trust") / "roots.pem"
    roots.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return Pki(
        ca=ca,
        giver=_signer(ca_key, ca, "Nguyễn Văn A"),
        receiver=_signer(ca_key, ca, "Trần Thị B"),
        stranger=_signer(other_key, other, "Người Lạ"),
        roots=roots,
    )


@pytest.fixture(scope="module")
def trusting(settings, pki: Pki) -> Iterator[TestClient]:
    """The app configured with the test CA as its trust root."""
    configured = dataclasses.replace(settings, signature_trust_roots=pki.roots)
    with TestClient(create_app(configured), base_url="http://127.0.0.1:8000") as client:
        yield client


def sign(pdf: bytes, signer: signers.SimpleSigner, field: str) -> bytes:
    """Sign as a signing tool does: a new signature field, in an incremental revision."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def _minutes(world: World, hid: int) -> bytes:
    got = world.officer_a.get(f"{H}/{hid}/minutes.pdf")
    assert got.status_code == 200, got.text
    return got.content


def test_both_sides_sign_the_minutes_and_the_service_shows_who_signed(
    world: World, pki: Pki, trusting: TestClient, sql
) -> None:
    hid, _ = _received_handover(world)
    original = _minutes(world, hid)
    by_giver = sign(original, pki.giver, "BenGiao")
    both = sign(by_giver, pki.receiver, "BenNhan")
    assert both.startswith(by_giver) and by_giver.startswith(original)  # incremental

    sent = world.officer_a.post(f"{H}/{hid}/signed-minutes", content=both, headers=PDF)
    assert sent.status_code == 201, sent.text
    report = sent.json()
    assert report["current"] is True and report["size"] == len(both)
    first, second = report["signatures"]
    assert (first["common_name"], first["party"]) == ("Nguyễn Văn A", "giver")
    assert (second["common_name"], second["party"]) == ("Trần Thị B", "receiver")
    assert "Nguyễn Văn A" in first["subject"] and "CA thử nghiệm" in first["issuer"]
    assert first["coverage"] == "entire_revision" and second["coverage"] == "entire_file"
    # No trust root is configured here: intact and valid, and said to be untrusted.
    assert {s["trust"] for s in report["signatures"]} == {"untrusted"}
    assert all(s["intact"] and s["valid"] for s in report["signatures"])

    # The app trusting the test CA says so; the same file is kept once.
    token = world.officer_a.token
    again = trusting.post(
        f"{H}/{hid}/signed-minutes",
        content=both,
        headers={**PDF, "Authorization": f"Bearer {token}"},
    )
    assert again.status_code == 200, again.text
    assert again.json()["id"] == report["id"]
    listed = world.auditor.get(f"{H}/{hid}/signed-minutes").json()
    assert [i["id"] for i in listed["items"]] == [report["id"]]
    assert [s["common_name"] for s in listed["items"][0]["signatures"]] == [
        "Nguyễn Văn A",
        "Trần Thị B",
    ]
    download = world.officer_b.get(f"{H}/{hid}/signed-minutes/{report['id']}")
    assert download.status_code == 404  # B is neither side of a handover from A2 to A
    download = world.auditor.get(report["url"])
    assert download.status_code == 200 and download.content == both
    assert download.headers["content-type"] == "application/pdf"
    events = sql(
        "SELECT after FROM events WHERE entity = 'handover' AND entity_id = $1"
        " AND action = 'attach_signed_minutes'",
        hid,
    )
    assert len(events) == 1 and len(json.loads(events[0]["after"])["signers"]) == 2


def test_a_trusted_signer_and_a_stranger(world: World, pki: Pki, trusting: TestClient) -> None:
    hid, _ = _received_handover(world)
    original = _minutes(world, hid)
    signed = sign(sign(original, pki.giver, "BenGiao"), pki.stranger, "Khac")
    sent = trusting.post(
        f"{H}/{hid}/signed-minutes",
        content=signed,
        headers={**PDF, "Authorization": f"Bearer {world.officer_a.token}"},
    )
    assert sent.status_code == 201, sent.text
    trust = [(s["common_name"], s["trust"], s["party"]) for s in sent.json()["signatures"]]
    assert trust == [("Nguyễn Văn A", "trusted", "giver"), ("Người Lạ", "untrusted", None)]


def _refused(response, status: int, words: str) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.json()["detail"], response.json()


def test_tampered_foreign_stale_unsigned_and_non_pdfs_are_refused(
    world: World, pki: Pki, sql
) -> None:
    hid, items = _received_handover(world)
    other, _ = _received_handover(world)
    url = f"{H}/{hid}/signed-minutes"
    original = _minutes(world, hid)
    signed = sign(original, pki.giver, "BenGiao")

    # A byte of the signed original changed (a digit of its content hash in the metadata).
    at = signed.index(b"sha256:") + len(b"sha256:")
    tampered = signed[:at] + (b"0" if signed[at : at + 1] != b"0" else b"1") + signed[at + 1 :]
    _refused(world.officer_a.post(url, content=tampered, headers=PDF), 422, "changed after")
    # Content added after the last signature: a revision drawing on the page.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Pages"].get_object()["/Count"]  # readable before changing it
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    from pyhanko.pdf_utils import generic

    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    _refused(world.officer_a.post(url, content=out.getvalue(), headers=PDF), 422, "changed")
    # The signed minutes of another handover.
    foreign = sign(_minutes(world, other), pki.giver, "BenGiao")
    _refused(world.officer_a.post(url, content=foreign, headers=PDF), 422, f"handover {hid}")
    # Unsigned, not a PDF, not said to be one.
    _refused(world.officer_a.post(url, content=original, headers=PDF), 422, "no digital")
    _refused(world.officer_a.post(url, content=b"GIF89a....", headers=PDF), 422, "not a PDF")
    refused = world.officer_a.post(url, content=signed, headers={"Content-Type": "text/plain"})
    _refused(refused, 415, "application/pdf")
    assert sql("SELECT count(*) FROM handover_files WHERE handover_id = $1", hid)[0][0] == 0

    # Made before the handover changed: the receiver records an item again, which voids
    # the content the PDF carries.
    car = next(i for i in items if i["name"].startswith("Xe ô tô"))
    changed = world.officer_a.post(
        f"{H}/{hid}/receipts",
        json={
            "status": "received_damaged",
            "item_ids": [car["id"]],
            "condition": "fair",
            "note": "Trầy",
        },
    )
    assert changed.status_code == 200, changed.text
    _refused(world.officer_a.post(url, content=signed, headers=PDF), 409, "made before")
    fresh = sign(_minutes(world, hid), pki.giver, "BenGiao")
    assert world.officer_a.post(url, content=fresh, headers=PDF).status_code == 201
    # Readers may not send, a third commune sees nothing.
    assert world.auditor.post(url, content=fresh, headers=PDF).status_code == 403
    assert world.officer_b.post(url, content=fresh, headers=PDF).status_code == 404


def test_the_handover_page_links_the_documents_and_shows_who_signed(
    world: World, pki: Pki, settings
) -> None:
    from tests.test_jobs import _sign_in

    hid, _ = _received_handover(world)
    signed = sign(_minutes(world, hid), pki.giver, "BenGiao")
    sent = world.officer_a.post(f"{H}/{hid}/signed-minutes", content=signed, headers=PDF)
    assert sent.status_code == 201, sent.text
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as browser:
        _sign_in(browser, "leader_a", f"/handovers/{hid}")
        shown = browser.get(f"/handovers/{hid}")
        assert shown.status_code == 200, shown.text[:300]
        page = shown.text
        assert f'href="/handovers/{hid}/minutes.pdf"' in page
        assert f'href="/handovers/{hid}/minutes.docx"' in page
        listed = page[page.index('id="signed-minutes"') :]
        assert "Nguyễn Văn A (Bên giao)" in listed and "chưa xác thực" in listed
        pdf = browser.get(f"/handovers/{hid}/minutes.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        copy = browser.get(f"/handovers/{hid}/signed-minutes/{sent.json()['id']}")
        assert copy.status_code == 200 and copy.content == signed
        english = browser.get(f"/handovers/{hid}?lang=en").text
        assert "Digitally signed minutes" in english and "(Giver)" in english
