"""Signing with a key on a PKCS#11 token: SoftHSM stands in for the hardware token (it is a real
PKCS#11 module, the same interface a token's driver offers)."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from reports.management.commands.make_dev_signing_cert import make_pair
from reports.pdf import html_to_pdf
from reports.signing import sign_pdf, signing_key

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"


@pytest.fixture
def token(tmp_path, monkeypatch, settings):
    if not Path(MODULE).exists() or not shutil.which("softhsm2-util"):
        pytest.fail("SoftHSM is missing: apt-get install softhsm2 (make test installs it as root)")
    (tmp_path / "tokens").mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(config))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", "kiemdiem", "--pin", PIN, "--so-pin", PIN],
        check=True,
        capture_output=True,
    )
    _ca, certificate, key = make_pair(
        ca_name="CA thử nghiệm", signer_name="Văn phòng Tỉnh ủy (token)", signer_title="Chánh Văn phòng"
    )
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    subprocess.run(
        [
            "softhsm2-util",
            "--import",
            str(key_file),
            "--token",
            "kiemdiem",
            "--label",
            "signer",
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    library = pkcs11.lib(MODULE)
    with library.get_token(token_label="kiemdiem").open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "signer",
                Attribute.ID: b"\x01",
                Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.ISSUER: certificate.issuer.public_bytes(),
            }
        )
    settings.SIGNING_PKCS11_MODULE = MODULE
    settings.SIGNING_PKCS11_TOKEN_LABEL = "kiemdiem"
    settings.SIGNING_PKCS11_KEY_LABEL = "signer"
    settings.SIGNING_PKCS11_PIN = PIN
    return certificate


def test_a_document_is_signed_with_the_key_on_the_token(token, tmp_path):
    key = signing_key("ANY")
    assert key.name == "Văn phòng Tỉnh ủy (token)"
    pdf = html_to_pdf("<html><body><h1>BÁO CÁO TỔNG HỢP</h1></body></html>")
    signed, _when = sign_pdf(pdf, key=key, organization="Tỉnh ủy Hòa Bình Demo", reason="Kiểm thử")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in report and "Total document signed" in report
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(signed)).embedded_signatures[0])
    assert status.intact and status.valid
