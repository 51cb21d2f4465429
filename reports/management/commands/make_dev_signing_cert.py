import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand


def _name(common_name: str, **extra) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Đảng Cộng sản Việt Nam"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if extra.get("title"):
        attributes.append(x509.NameAttribute(NameOID.TITLE, extra["title"]))
    return x509.Name(attributes)


def make_pair(*, ca_name: str, signer_name: str, signer_title: str, days: int = 3650):
    """A local CA and a signing certificate issued by it, for development and tests only."""
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_subject = _name(ca_name)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_subject)
        .issuer_name(ca_subject)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name, title=signer_title))
        .issuer_name(ca_subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days - 1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return ca_cert, cert, key


class Command(BaseCommand):
    help = "Create a local CA and a PKCS#12 signing certificate for development and tests."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace existing files.")
        parser.add_argument("--p12", default=settings.SIGNING_PKCS12_PATH)
        parser.add_argument("--ca", default=settings.SIGNING_DEV_CA_PATH)
        parser.add_argument("--signer", default="Văn phòng Tỉnh ủy (chứng thư thử nghiệm)")
        parser.add_argument("--title", default="Chánh Văn phòng")

    def handle(self, *args, force, p12, ca, signer, title, **options):
        p12_path, ca_path = Path(p12), Path(ca)
        if p12_path.exists() and not force:
            self.stdout.write(f"A signing certificate already exists at {p12_path}.")
            return
        ca_cert, cert, key = make_pair(
            ca_name="Kiểm điểm – CA thử nghiệm", signer_name=signer, signer_title=title
        )
        p12_path.parent.mkdir(parents=True, exist_ok=True)
        ca_path.parent.mkdir(parents=True, exist_ok=True)
        passphrase = settings.SIGNING_PKCS12_PASSPHRASE.encode()
        p12_path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"kiemdiem", key, cert, [ca_cert], serialization.BestAvailableEncryption(passphrase)
            )
        )
        p12_path.chmod(0o600)
        ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        self.stdout.write(self.style.SUCCESS(f"Development signing certificate: {p12_path} (CA: {ca_path})"))
