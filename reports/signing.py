"""PAdES signatures with pyHanko, with a visible box on the last page.

Where the key comes from (settings): a PKCS#12 file for the signing organization
(`SIGNING_PKCS12_DIR/<CODE>.p12`) or the system-wide one (`SIGNING_PKCS12_PATH`), both opened
with `SIGNING_PKCS12_PASSPHRASE`; or a PKCS#11 token (`SIGNING_PKCS11_*`) when a module is set.
"""

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.stamp import TextStampStyle

FIELD = "ChuKySo"
# Bottom-left of an A4 page (points), inside the bottom margin that the print layout keeps free.
BOX = (42, 14, 330, 76)


class SigningUnavailable(RuntimeError):
    pass


@dataclass
class SigningKey:
    signer: signers.Signer
    name: str
    role: str


def _name_parts(certificate: x509.Certificate) -> tuple[str, str]:
    subject = certificate.subject.native
    return subject.get("common_name", ""), subject.get("title", "")


class KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses (and validates) the private key on every signature, which
    costs more than the signature itself; this one parses it once."""

    @functools.cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._private_key, RSAPrivateKey):
            return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def _pkcs12(path: Path) -> SigningKey:
    if not path.exists():
        raise SigningUnavailable(f"no signing certificate at {path}; run `manage.py make_dev_signing_cert`")
    return _load_pkcs12(str(path), path.stat().st_mtime, settings.SIGNING_PKCS12_PASSPHRASE)


@functools.lru_cache(maxsize=32)
def _load_pkcs12(path: str, _mtime: float, passphrase: str) -> SigningKey:
    loaded = signers.SimpleSigner.load_pkcs12(pfx_file=path, passphrase=passphrase.encode())
    if loaded is None:
        raise SigningUnavailable(f"cannot open {path} with the configured passphrase")
    signer = KeptKeySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )
    name, role = _name_parts(signer.signing_cert)
    return SigningKey(signer, name, role)


def _pkcs11() -> SigningKey:
    """A key on a PKCS#11 token (a hardware token or an HSM), from the SIGNING_PKCS11_* settings."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    session = pkcs11.open_pkcs11_session(
        settings.SIGNING_PKCS11_MODULE,
        token_criteria=TokenCriteria(label=settings.SIGNING_PKCS11_TOKEN_LABEL or None),
        user_pin=settings.SIGNING_PKCS11_PIN,
    )
    signer = pkcs11.PKCS11Signer(
        session,
        key_label=settings.SIGNING_PKCS11_KEY_LABEL,
        cert_label=settings.SIGNING_PKCS11_CERT_LABEL or settings.SIGNING_PKCS11_KEY_LABEL,
    )
    name, role = _name_parts(signer.signing_cert)
    return SigningKey(signer, name, role)


def signing_key(organization_code: str = "") -> SigningKey:
    if settings.SIGNING_PKCS11_MODULE:
        return _pkcs11()
    if settings.SIGNING_PKCS12_DIR and organization_code:
        own = Path(settings.SIGNING_PKCS12_DIR) / f"{organization_code}.p12"
        if own.exists():
            return _pkcs12(own)
    return _pkcs12(Path(settings.SIGNING_PKCS12_PATH))


# Latin, Vietnamese letters and marks, punctuation: all a stamp needs.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2030),
]


@functools.cache
def _stamp_font(path: str) -> bytes:
    """The stamp font, prepared once per process: cut down to the letters a stamp uses (pyHanko
    subsets it again for every signature, which costs in proportion to its size), and drawn at
    1000 units per em (pyHanko writes glyph widths in the font's own units, which PDF reads as
    thousandths: a 2048-unit font like Liberation would print with gaps)."""
    font = TTFont(path)
    subsetter = subset.Subsetter(subset.Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True))
    subsetter.populate(unicodes=STAMP_UNICODES)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class StampFont(GlyphAccumulatorFactory):
    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_stamp_font(self.font_file)),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


def _stamp_style() -> TextStampStyle:
    font = finders.find("fonts/LiberationSerif-Regular.ttf")
    return TextStampStyle(
        stamp_text="%(heading)s\n%(signer)s\n%(role)s\n%(organization)s\n%(when)s",
        text_box_style=TextBoxStyle(font=StampFont(font, font_size=10), font_size=10, leading=12),
        border_width=1,
    )


def sign_pdf(pdf: bytes, *, key: SigningKey, organization: str, reason: str) -> tuple[bytes, object]:
    """Sign once, as PAdES baseline, with a visible box on the last page. Returns the signed
    bytes and the signing time. Nothing may modify the PDF after this."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    when = timezone.localtime()
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=organization,
        name=key.name,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        key.signer,
        stamp_style=_stamp_style(),
        new_field_spec=fields.SigFieldSpec(FIELD, on_page=last_page, box=BOX),
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(
        writer,
        output=output,
        appearance_text_params={
            "heading": "Đã ký số",
            "signer": key.name,
            "role": key.role or "—",
            "organization": organization,
            "when": when.strftime("%d/%m/%Y %H:%M:%S (GMT+7)"),
        },
    )
    return output.getvalue(), when
