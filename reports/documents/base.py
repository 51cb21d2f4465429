"""What every document is made of: the `Document` a builder returns, the verification block,
register numbers, and how party documents write names, places, dates, numbers, headers and the
committee's signature (HD 36-HD/VPTW)."""

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from members.models import CommitteeSeat
from members.names import fold
from organizations.models import CELL_KINDS, Kind
from reviews.models import Season, SeasonUnit, Subject

MEMBER, ORGANIZATION, LEADERSHIP = Subject.Kind.MEMBER, Subject.Kind.ORGANIZATION, Subject.Kind.LEADERSHIP


class DocumentUnavailable(ValueError):
    """The document cannot be made (yet): the message says why, in Vietnamese; `link` is (URL,
    label) of the page where what blocks it is done, when there is one."""

    def __init__(self, message: str, *, link: tuple[str, str] | None = None):
        super().__init__(message)
        self.link = link


@dataclass
class Verification:
    """Printed on every page of every document."""

    code: str
    url: str
    qr_svg: str


def verification_for(code: str, url: str) -> Verification:
    qr = segno.make(url, error="m")
    return Verification(
        code=code, url=url, qr_svg=qr.svg_inline(scale=2, border=1, omitsize=True, svgclass="qr")
    )


@dataclass
class Document:
    template: str
    context: dict
    title: str
    filename: str


def render_html(document: Document) -> str:
    with translation.override("vi"):
        return render_to_string(document.template, document.context)


# Kinds that carry a register number ("Số 12-BC/ĐU"): the office gives it from its register of
# outgoing documents. Without one, the number is left blank to be written in, as offices do.
NUMBERED_KINDS = ("decisions", "summary", "rerating")
NUMBER_PATTERN = re.compile(r"[0-9]{1,6}")
# What clerks copy from the register: the number with its symbol, "125-BC/BTCTU", printed as typed.
FULL_NUMBER_PATTERN = re.compile(r"[0-9]{1,6}-[A-ZĐ0-9]{1,10}(/[A-ZĐ0-9-]{1,20})+")
NUMBER_TYPES = {"decisions": "QĐ", "summary": "BC", "rerating": "QĐ"}


def number_ending(kind: str, unit: SeasonUnit) -> str:
    """What is added after the number typed: "-BC/TU", "-QĐ/ĐU"."""
    return f"-{NUMBER_TYPES[kind]}/{number_suffix(unit)}"


def clean_number(text: str) -> str:
    """The register number asked for — digits ("125") or the number with its symbol as the register
    gives it ("125-BC/BTCTU") — or a Vietnamese message saying what is wrong with it."""
    typed = (text or "").strip()
    text = re.sub(r"\s*([-/])\s*", r"\1", typed).upper()
    if text and not (NUMBER_PATTERN.fullmatch(text) or FULL_NUMBER_PATTERN.fullmatch(text)):
        raise DocumentUnavailable(
            f"Số văn bản “{typed[:20]}” không hợp lệ: gõ số trong sổ văn bản đi, chỉ gồm chữ số (tối đa 6), "
            "ví dụ 125, hoặc số kèm ký hiệu, ví dụ 125-BC/BTCTU."
        )
    return text


def apply_number(context: dict, number: str) -> bool:
    if not number or "number_text" not in context:
        return False
    # Digits take the document's own symbol; a number typed with its symbol is printed as typed.
    context["number_text"] = number if "-" in number else f"{number}{context['number_text']}"
    if "header" in context:
        context["header"].update(number=context["number_text"], numbered=True)
    context["numbered"] = True
    return True


# -- names, dates, numbers as party documents write them ----------------------------------------

_COMMITTEE_TO_BODY = [
    ("tỉnh ủy ", "Đảng bộ tỉnh "),
    ("thành ủy ", "Đảng bộ thành phố "),
    ("huyện ủy ", "Đảng bộ huyện "),
    ("quận ủy ", "Đảng bộ quận "),
    ("thị ủy ", "Đảng bộ thị xã "),
    ("đảng ủy ", "Đảng bộ "),
]


def nfc(text: str) -> str:
    # "uỷ" (old tone placement) and "ủy" are the same word; compare in one spelling.
    return unicodedata.normalize("NFC", text).replace("uỷ", "ủy").replace("Uỷ", "Ủy")


def party_body(name: str) -> str:
    """The party organization a committee leads: "Tỉnh ủy Thái Nguyên" → "Đảng bộ tỉnh Thái Nguyên"."""
    name = nfc(name)
    for prefix, body in _COMMITTEE_TO_BODY:
        if name.lower().startswith(prefix):
            return body + name[len(prefix) :]
    return name


def committee(name: str) -> str:
    """The committee that speaks for a party organization: "Đảng bộ X" → "Đảng ủy X"."""
    name = nfc(name)
    if name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + name[len("đảng bộ ") :]
    return name


def place_name(top_name: str) -> str:
    """The place of the date line, from the top organization: "Tỉnh ủy Hòa Bình" → "Hòa Bình"."""
    name = nfc(top_name)
    return re.sub(r"^(tỉnh ủy|thành ủy|đảng bộ tỉnh|đảng bộ thành phố)\s+", "", name, flags=re.IGNORECASE)


def issuer(unit: SeasonUnit) -> str:
    return unit.name if unit.kind in CELL_KINDS else committee(unit.name)


def number_suffix(unit: SeasonUnit) -> str:
    if unit.kind == Kind.PROVINCIAL_COMMITTEE:
        return "TU"
    return "CB" if unit.kind in CELL_KINDS else "ĐU"


def deciding_body(unit: SeasonUnit) -> str:
    """Who signs for the unit: "T/M <this>"."""
    if unit.kind in CELL_KINDS:
        return "Chi bộ"
    if unit.kind in (Kind.DIRECT_COMMITTEE, Kind.PROVINCIAL_COMMITTEE):
        return "Ban Thường vụ"
    return "Đảng ủy"


def deciding_body_name(unit: SeasonUnit) -> str:
    if deciding_body(unit) == "Ban Thường vụ":
        return f"Ban Thường vụ {issuer(unit)}"
    return issuer(unit)


def date_line(place: str, day: datetime.date) -> str:
    """HD 36: a day below 10 and the months January and February take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def dmy(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def local_day(moment) -> datetime.date:
    return timezone.localtime(moment).date() if moment else timezone.localdate()


def num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def filename(*parts) -> str:
    return "-".join(slugify(fold(str(p))) for p in parts if str(p)) + ".pdf"


def chunks(rows: list, size: int) -> list[list]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def header(season: Season, unit: SeasonUnit, day: datetime.date, number: str = "", form_number: str = ""):
    parent = unit.parent
    return {
        "superior": party_body(parent.name).upper() if parent else "",
        "issuer": issuer(unit).upper(),
        "number": number,
        "place_date": date_line(place_name(season.top_organization.name), day),
        "form_number": form_number,
    }


LEGAL_BASIS = {
    "qd124": "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị và Hướng dẫn số 25-HD/BTCTW ngày "
    "10/11/2023 của Ban Tổ chức Trung ương về kiểm điểm và đánh giá, xếp loại chất lượng hằng năm đối "
    "với tập thể, cá nhân trong hệ thống chính trị",
    "qd366": "Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị và Hướng dẫn số 43-HD/BTCTW ngày "
    "31/10/2025 của Ban Tổ chức Trung ương về kiểm điểm và đánh giá, xếp loại chất lượng đối với tập "
    "thể, cá nhân trong hệ thống chính trị",
}

# The numbers of the documents a regime's guidance gives a form for, beside the review forms of
# the rule set's templates (HD 43's appendix: Mẫu 03, Mẫu 04 and the quarter's Mẫu 05).
DOCUMENT_FORMS = {
    "qd366": {
        "rerating": "Mẫu 03-HD KĐ.ĐG 2025",
        "records": "Mẫu 04-HD KĐ.ĐG 2025",
        "quarter": "Mẫu 05-HD KĐ.ĐG 2025",
    },
}


SHORT_BASIS = {"qd124": "Quy định số 124-QĐ/TW", "qd366": "Quy định số 366-QĐ/TW"}


def short_basis(season: Season) -> str:
    return SHORT_BASIS.get(season.rule_set.regime, season.rule_set.name)


def legal_basis(season: Season) -> str:
    return LEGAL_BASIS.get(season.rule_set.regime, season.rule_set.name)


def document_form(season: Season, kind: str) -> str:
    return DOCUMENT_FORMS.get(season.rule_set.regime, {}).get(kind, "")


OUT_OF_SCOPE = {
    "exempt": "Miễn công tác và sinh hoạt đảng",
    "suspended": "Đình chỉ sinh hoạt đảng",
    "new_member": "Vào Đảng chưa đủ 6 tháng",
    "new_organization": "Thành lập chưa đủ 6 tháng",
    "decided_above": "Do cấp trên xếp loại",
}


def head_of(organization_id: int, day: datetime.date) -> str:
    """The secretary (the head's seat) of an organization on a day, or ""."""
    seat = (
        CommitteeSeat.objects.filter(organization_id=organization_id, position=CommitteeSeat.Position.HEAD)
        .filter(starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .select_related("member")
        .order_by("-starts_on")
        .first()
    )
    return seat.member.full_name if seat else ""


def legend(rules) -> str:
    return "; ".join(f"{level['code']}: {level['label'].lower()}" for level in rules.levels)


def level_label(rules, code: str) -> str:
    return rules.level_label(code) if code else ""


def count_levels(rules, levels: list[str]) -> list[dict]:
    found = defaultdict(int)
    for level in levels:
        found[level] += 1
    return [
        {"code": c, "label": rules.level_label(c), "count": found[c]} for c in rules.level_codes() if found[c]
    ]


def committee_signature(season: Season, unit: SeasonUnit) -> dict:
    """The block a committee signs its documents with: T/M BAN THƯỜNG VỤ, BÍ THƯ, the name. The
    same in both regimes: a cell signs as its chi ủy where it has one (see `signing_block`)."""
    return signing_block(season, unit)


def recipients(unit: SeasonUnit) -> list[str]:
    above = [committee(unit.parent.name)] if unit.parent else []
    return [*above, "Lưu."]


def reporting_recipients(unit: SeasonUnit) -> list[str]:
    """Where a unit's summary report and its list of records (Mẫu 04) go: to the committee above;
    a province's to the Central Organization Commission (R366-SCOPE-7, HD 43 §4.2), which has
    no row in the tree."""
    if unit.kind == Kind.PROVINCIAL_COMMITTEE:
        return ["Ban Tổ chức Trung ương (để báo cáo),", "Lưu."]
    return recipients(unit)


# -- one signing body, never "CHI ỦY (CHI BỘ)" ------------------------------------------------


def on_behalf_of(unit: SeasonUnit) -> str:
    """Who signs "T/M" for a unit (R-FORM-8, R366-FORM-SIGN): a cell with
    a cell committee signs as the chi ủy, one without as the chi bộ; a base or partial committee
    as the đảng ủy; a committee above base as its standing committee. The forms of HD 43 print
    the alternatives ("T/M CHI ỦY (CHI BỘ)"); a printed document names the one that applies."""
    if unit.kind in CELL_KINDS:
        return "Chi ủy" if unit.has_leadership_collective else "Chi bộ"
    return deciding_body(unit)


def signing_block(season: Season, unit: SeasonUnit) -> dict:
    """The committee signature of a document (see `on_behalf_of`), with the secretary's name
    where the committee's seats are known."""
    return {
        "label": f"T/M {on_behalf_of(unit)}".upper(),
        "role": "BÍ THƯ",
        "name": head_of(unit.organization_id, season.reference_date),
    }


_RULE_ID = re.compile(r"\s*\(R(?:366)?-[A-Z]+-\d+[a-z]?\)")


def without_rule_ids(text: str) -> str:
    """A reason the engine wrote, as a reader sees it: without the rule IDs the product names for
    its own use ("… (R-RATE-4)")."""
    return _RULE_ID.sub("", text or "").strip()
