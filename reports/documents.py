"""The printable documents: what each one holds, for the templates under templates/reports/.

`build()` gathers a document's content into plain values (no querysets, no lazy relations: the
templates run no query) and names the template that lays it out; `render_html()` turns it into
the HTML that `reports.pdf.html_to_pdf` prints. The layout follows the party's document rules
(HD 36-HD/VPTW) and the forms of the season's rule set (R-FORM-1..8); the statistical summary
holds R-STAT-1 and R-STAT-3.

These are official party papers, so their wording is Vietnamese whatever the reader's language;
the form texts themselves (sections, items, signature blocks) come from the rule set as data.
"""

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import segno
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from members.models import CommitteeSeat, Pledge
from members.names import fold
from organizations.models import BASE_KINDS, CELL_KINDS, Kind
from reviews import figures as statistics
from reviews.models import (
    Decision,
    Meeting,
    MeetingEntry,
    ReferenceItem,
    ReviewForm,
    Season,
    SeasonUnit,
    Subject,
    Suggestion,
)
from reviews.services import previous_shortcomings

KINDS = ("individual", "collective", "minutes", "decisions", "summary")
MEMBER, ORGANIZATION, LEADERSHIP = Subject.Kind.MEMBER, Subject.Kind.ORGANIZATION, Subject.Kind.LEADERSHIP


class DocumentUnavailable(ValueError):
    """The document cannot be made (yet): the message says why, in Vietnamese."""


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
NUMBERED_KINDS = ("decisions", "summary")
NUMBER_PATTERN = re.compile(r"[0-9]{1,6}")


def clean_number(text: str) -> str:
    """The register number asked for, or a Vietnamese message saying what is wrong with it."""
    text = (text or "").strip()
    if text and not NUMBER_PATTERN.fullmatch(text):
        raise DocumentUnavailable(
            f"Số văn bản “{text[:20]}” không hợp lệ: chỉ gồm chữ số (tối đa 6), ví dụ 125."
        )
    return text


def _apply_number(context: dict, number: str) -> bool:
    if not number or "number_text" not in context:
        return False
    context["number_text"] = f"{number}{context['number_text']}"
    if "header" in context:
        context["header"].update(number=context["number_text"], numbered=True)
    context["numbered"] = True
    return True


def build(
    kind: str, *, season: Season, unit: SeasonUnit, subject=None, verification: Verification, number: str = ""
) -> Document:
    builders = {
        "individual": _individual,
        "collective": _collective,
        "minutes": _minutes,
        "decisions": _decisions,
        "summary": _summary,
    }
    if kind not in builders:
        raise DocumentUnavailable(f"Không có loại văn bản “{kind}”.")
    with translation.override("vi"):
        document = builders[kind](season, unit, subject)
    if _apply_number(document.context, number):  # the title (and the verification page) says it too
        document.title = f"{document.title} – số {document.context['number_text']}"
    document.context.update(verification=verification, title=document.title)
    return document


# -- names, dates, numbers as party documents write them ----------------------------------------

_COMMITTEE_TO_BODY = [
    ("tỉnh ủy ", "Đảng bộ tỉnh "),
    ("thành ủy ", "Đảng bộ thành phố "),
    ("huyện ủy ", "Đảng bộ huyện "),
    ("quận ủy ", "Đảng bộ quận "),
    ("thị ủy ", "Đảng bộ thị xã "),
    ("đảng ủy ", "Đảng bộ "),
]


def _nfc(text: str) -> str:
    # "uỷ" (old tone placement) and "ủy" are the same word; compare in one spelling.
    return unicodedata.normalize("NFC", text).replace("uỷ", "ủy").replace("Uỷ", "Ủy")


def party_body(name: str) -> str:
    """The party organization a committee leads: "Tỉnh ủy Thái Nguyên" → "Đảng bộ tỉnh Thái Nguyên"."""
    name = _nfc(name)
    for prefix, body in _COMMITTEE_TO_BODY:
        if name.lower().startswith(prefix):
            return body + name[len(prefix) :]
    return name


def committee(name: str) -> str:
    """The committee that speaks for a party organization: "Đảng bộ X" → "Đảng ủy X"."""
    name = _nfc(name)
    if name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + name[len("đảng bộ ") :]
    return name


def place_name(top_name: str) -> str:
    """The place of the date line, from the top organization: "Tỉnh ủy Hòa Bình" → "Hòa Bình"."""
    name = _nfc(top_name)
    return re.sub(r"^(tỉnh ủy|thành ủy|đảng bộ tỉnh|đảng bộ thành phố)\s+", "", name, flags=re.IGNORECASE)


def _issuer(unit: SeasonUnit) -> str:
    return unit.name if unit.kind in CELL_KINDS else committee(unit.name)


def _number_suffix(unit: SeasonUnit) -> str:
    if unit.kind == Kind.PROVINCIAL_COMMITTEE:
        return "TU"
    return "CB" if unit.kind in CELL_KINDS else "ĐU"


def _deciding_body(unit: SeasonUnit) -> str:
    """Who signs for the unit: "T/M <this>"."""
    if unit.kind in CELL_KINDS:
        return "Chi bộ"
    if unit.kind in (Kind.DIRECT_COMMITTEE, Kind.PROVINCIAL_COMMITTEE):
        return "Ban Thường vụ"
    return "Đảng ủy"


def _deciding_body_name(unit: SeasonUnit) -> str:
    if _deciding_body(unit) == "Ban Thường vụ":
        return f"Ban Thường vụ {_issuer(unit)}"
    return _issuer(unit)


def date_line(place: str, day: datetime.date) -> str:
    """HD 36: a day below 10 and the months January and February take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _dmy(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _local_day(moment) -> datetime.date:
    return timezone.localtime(moment).date() if moment else timezone.localdate()


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _filename(*parts) -> str:
    return "-".join(slugify(fold(str(p))) for p in parts if str(p)) + ".pdf"


def _header(season: Season, unit: SeasonUnit, day: datetime.date, number: str = "", form_number: str = ""):
    parent = unit.parent
    return {
        "superior": party_body(parent.name).upper() if parent else "",
        "issuer": _issuer(unit).upper(),
        "number": number,
        "place_date": date_line(place_name(season.top_organization.name), day),
        "form_number": form_number,
    }


def _legal_basis(season: Season) -> str:
    return LEGAL_BASIS.get(season.rule_set.regime, season.rule_set.name)


LEGAL_BASIS = {
    "qd124": "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị và Hướng dẫn số 25-HD/BTCTW ngày "
    "10/11/2023 của Ban Tổ chức Trung ương về kiểm điểm và đánh giá, xếp loại chất lượng hằng năm đối "
    "với tập thể, cá nhân trong hệ thống chính trị",
}

OUT_OF_SCOPE = {
    "exempt": "Miễn công tác và sinh hoạt đảng",
    "suspended": "Đình chỉ sinh hoạt đảng",
    "new_member": "Vào Đảng chưa đủ 6 tháng",
    "new_organization": "Thành lập chưa đủ 6 tháng",
    "decided_above": "Do cấp trên xếp loại",
}
PLEDGE_ASSESSMENT = {"done": "Đã thực hiện", "partly": "Thực hiện một phần", "not": "Chưa thực hiện"}
REMEDIATION_STATUS = {"open": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Đã khắc phục"}


def _head_of(organization_id: int, day: datetime.date) -> str:
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


def _choices(options: list[dict], chosen: str) -> list[dict]:
    return [{"label": o["label"], "chosen": o["code"] == chosen} for o in options]


def _legend(rules) -> str:
    return "; ".join(f"{level['code']}: {level['label'].lower()}" for level in rules.levels)


def _level_label(rules, code: str) -> str:
    return rules.level_label(code) if code else ""


# -- forms 01, 02A, 02B (R-FORM-1..8) -----------------------------------------------------------


def _form_sections(subject: Subject, template: dict, answers: dict) -> list[dict]:
    """The template's sections with the author's answers, item by item (R-FORM-1, 2, 3)."""
    rules = subject.season.rule_set
    sections = []
    for section in template["sections"]:
        items = []
        for item in section["items"]:
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            answer = answers.get(item["key"]) or {}
            row = {
                "type": item["type"],
                "title": item["title"],
                "show_title": item["key"] != section["key"],
                "text": (answer.get("text") or "").strip(),
                "optional": item.get("required") is False or "(nếu có)" in section["title"],
            }
            if item.get("criterion"):
                row["grades"] = _choices(rules.grades, answer.get("grade", ""))
            if item["type"] == "self_rating":
                row["levels"] = _choices(rules.levels, answer.get("level", ""))
            if item.get("references"):
                row["references"] = _references(answers.get("refs") or [])
            if item["type"] == "pledge":
                row["pledge"] = _pledge(subject, answers)
            if item["type"] == "remediation":
                row["previous"] = _previous(subject)
            if item["type"] == "suggestions":
                row["suggestions"] = [
                    {"text": s.text, "answer": s.answer.strip(), "issued_on": _dmy(_local_day(s.issued_at))}
                    for s in Suggestion.objects.filter(subject=subject).order_by("issued_at", "id")
                ]
            items.append(row)
        for number, row in enumerate((r for r in items if r["show_title"]), 1):
            row["number"] = number
        sections.append({"key": section["key"], "title": section["title"], "items": items})
    return sections


def _references(ids: list) -> list[dict]:
    """R-FORM-7: the manifestations and prohibitions the author ticked."""
    chosen = [i for i in ids if isinstance(i, int) or str(i).isdigit()]
    if not chosen:
        return []
    lists = dict(ReferenceItem.List.choices)
    found = ReferenceItem.objects.filter(pk__in=chosen).order_by("list", "number")
    titles = {
        ReferenceItem.List.MANIFESTATION: "Biểu hiện suy thoái (Nghị quyết 04-NQ/TW)",
        ReferenceItem.List.PROHIBITION: "Những điều đảng viên không được làm (Quy định 37-QĐ/TW)",
    }
    groups = defaultdict(list)
    for item in found:
        groups[item.list].append({"number": item.number, "label": item.label})
    return [
        {"title": titles.get(key, str(lists.get(key, key))), "items": rows} for key, rows in groups.items()
    ]


def _pledge(subject: Subject, answers: dict) -> dict:
    """R-FORM-5: the year's pledge items, each with its fulfilment."""
    pledge = (
        Pledge.objects.filter(member_id=subject.member_id, year=subject.season.year)
        .prefetch_related("items")
        .first()
    )
    if pledge is None:
        return {"exists": False, "items": []}
    rows = []
    for item in pledge.items.all():
        answer = answers.get(f"pledge:{item.pk}") or {}
        code = answer.get("assessment", "")
        rows.append(
            {
                "text": item.text,
                "target": item.target,
                "fulfilment": (answer.get("fulfilment") or "").strip(),
                "assessment": PLEDGE_ASSESSMENT.get(code, code),
            }
        )
    return {"exists": True, "items": rows}


def _previous(subject: Subject) -> dict:
    """R-FORM-6: section III starts from last season's shortcomings and remediation items."""
    earlier = previous_shortcomings(subject)
    return {
        "year": earlier.get("year", subject.season.year - 1),
        "shortcomings": earlier["shortcomings"].strip(),
        "level": _level_label(subject.season.rule_set, earlier.get("level", "")),
        "items": [
            {
                "text": item.text,
                "owner": item.owner,
                "due_on": _dmy(item.due_on),
                "status": REMEDIATION_STATUS.get(item.status, item.status),
                "note": item.status_note,
            }
            for item in earlier["items"]
        ],
    }


def _load_subject(season: Season, unit: SeasonUnit, subject) -> Subject:
    """The subject with what its document reads, if it belongs to the season and to `unit`'s
    subtree."""
    found = (
        Subject.objects.select_related(
            "season__rule_set", "season__top_organization", "unit__parent", "decider", "member"
        )
        .filter(season=season, pk=getattr(subject, "pk", subject), path__startswith=unit.path)
        .first()
    )
    if found is None:
        raise DocumentUnavailable(f"Đối tượng kiểm điểm không thuộc {unit.name} trong kỳ kiểm điểm này.")
    return found


def _individual(season: Season, unit: SeasonUnit, subject) -> Document:
    if subject is None:
        raise DocumentUnavailable("Bản kiểm điểm cá nhân cần chọn một đảng viên.")
    subject = _load_subject(season, unit, subject)
    if not subject.is_member:
        raise DocumentUnavailable("Bản kiểm điểm cá nhân chỉ dành cho đảng viên.")
    rules = season.rule_set
    template = rules.template(subject.form_code)
    form = ReviewForm.objects.filter(subject=subject).first()
    answers = form.answers if form else {}
    member = subject.member
    entry = MeetingEntry.objects.filter(subject=subject).first()
    cell = subject.unit
    day = _local_day(form.submitted_at if form else None)
    labels = list(template.get("signatures", [])) + [""] * 4
    reviewed = subject.state in (Subject.State.PROPOSED, Subject.State.DECIDED)
    signatures = {
        "author": {"label": labels[0], "name": member.full_name},
        "civil_service": {
            "label": labels[1],
            "level": _level_label(rules, subject.civil_service_level) if reviewed else "",
        }
        if subject.is_civil_servant
        else None,
        "cell": {
            "label": labels[2],
            "assessment": entry.assessment.strip() if entry else "",
            "votes": _votes(rules, entry.votes) if entry else [],
            "proposed": _level_label(rules, subject.proposed_level),
            "role": "BÍ THƯ",
            "name": _head_of(cell.organization_id, season.reference_date),
        },
        "decider": {
            "label": labels[3],
            "decided": _level_label(rules, subject.decided_level),
            "role": "BÍ THƯ",
            "name": _head_of(subject.decider.organization_id, season.reference_date)
            if subject.decider
            else "",
        },
    }
    title = f"Bản kiểm điểm cá nhân năm {season.year} – {member.full_name}"
    context = {
        "header": _header(season, cell, day, form_number=template.get("form_number", "")),
        "form": template,
        "year": season.year,
        "identity": [
            ("Họ và tên", member.full_name),
            ("Ngày sinh", _dmy(member.birth_date)),
            ("Chức vụ Đảng", member.party_post),
            ("Chức vụ chính quyền", member.civil_service_post),
            ("Đơn vị công tác", member.workplace),
            ("Chi bộ", re.sub(r"^chi bộ\s+", "", _nfc(cell.name), flags=re.IGNORECASE)),
        ],
        "sections": _form_sections(subject, template, answers),
        "signatures": signatures,
        "on_behalf": bool(form and form.entered_on_behalf),  # typed in by the secretary or staff
    }
    filename = _filename("ban-kiem-diem", season.year, member.full_name)
    return Document("reports/individual.html", context, title, filename)


def _votes(rules, votes: dict) -> list[dict]:
    return [
        {"code": level["code"], "label": level["label"], "count": int(votes.get(level["code"]) or 0)}
        for level in rules.levels
        if votes.get(level["code"])
    ]


def _collective(season: Season, unit: SeasonUnit, subject) -> Document:
    if subject is None:
        subject = Subject.objects.filter(season=season, unit=unit, kind=ORGANIZATION).first()
        if subject is None:
            raise DocumentUnavailable("Tổ chức này không có trong kỳ kiểm điểm.")
    subject = _load_subject(season, unit, subject)
    if not subject.is_collective:
        raise DocumentUnavailable("Báo cáo kiểm điểm tập thể dành cho tổ chức đảng hoặc tập thể lãnh đạo.")
    rules = season.rule_set
    template = rules.template(subject.form_code)
    form = ReviewForm.objects.filter(subject=subject).first()
    own = subject.unit
    signer = _collective_signer(subject)
    title = f"Báo cáo kiểm điểm tập thể năm {season.year} – {subject.name}"
    context = {
        "header": _header(
            season,
            own,
            _local_day(form.submitted_at if form else None),
            form_number=template.get("form_number", ""),
        ),
        "form": template,
        "year": season.year,
        "collective": subject.name,
        "legal_basis": _legal_basis(season),
        "sections": _form_sections(subject, template, form.answers if form else {}),
        "signature": {
            "label": f"T/M {signer}".upper(),
            "role": "BÍ THƯ",
            "name": _head_of(own.organization_id, season.reference_date),
        },
        "recipients": _recipients(own),
    }
    filename = _filename("bao-cao-kiem-diem-tap-the", season.year, subject.name)
    return Document("reports/collective.html", context, title, filename)


def _collective_signer(subject: Subject) -> str:
    """Who signs a collective report: "T/M <this>" (R-FORM-8)."""
    kind = subject.unit.kind
    if subject.kind == LEADERSHIP:
        if kind in CELL_KINDS:
            return "Chi ủy"
        return "Đảng ủy" if kind == Kind.PARTIAL_COMMITTEE else "Ban Thường vụ"
    if kind in CELL_KINDS:
        return "Chi bộ"
    return "Ban Thường vụ" if kind == Kind.PROVINCIAL_COMMITTEE else "Đảng ủy"


def _recipients(unit: SeasonUnit) -> list[str]:
    above = [committee(unit.parent.name)] if unit.parent else []
    return [*above, "Lưu."]


# -- minutes of the review meeting (R-REC-2) ----------------------------------------------------


def _minutes(season: Season, unit: SeasonUnit, subject) -> Document:
    collective = Subject.objects.filter(season=season, unit=unit, kind=ORGANIZATION).first()
    meeting = Meeting.objects.filter(collective=collective).first() if collective else None
    if meeting is None:
        raise DocumentUnavailable(f"{unit.name} chưa ghi biên bản họp kiểm điểm.")
    rules = season.rule_set
    entries = list(meeting.entries.select_related("subject"))
    entries.sort(
        key=lambda e: (e.subject.kind == MEMBER, e.subject.position, e.subject.sort_key, e.subject_id)
    )
    collectives, members, absent = [], [], []
    for entry in entries:
        s = entry.subject
        if not entry.reviewed:
            absent.append({"name": s.name, "reason": entry.absent_reason})
            continue
        row = {
            "name": s.name,
            "comments": entry.comments.strip(),
            "assessment": entry.assessment.strip(),
            "votes": [{"code": c, "count": int(entry.votes.get(c) or 0)} for c in rules.level_codes()],
            "voted": any(entry.votes.values()),
            "proposed": s.proposed_level,
        }
        (members if s.is_member else collectives).append(row)
    for n, row in enumerate(members, 1):
        row["number"] = n
    title = f"Biên bản họp kiểm điểm năm {season.year} – {unit.name}"
    context = {
        "header": _header(season, unit, meeting.held_on),
        "year": season.year,
        "unit_name": unit.name,
        "meeting": {
            "held_on": _dmy(meeting.held_on),
            "circulated_on": _dmy(meeting.draft_circulated_on),
            "circulation_warning": meeting.circulation_warning,
            "present": meeting.present,
            "total": meeting.total,
            "notes": meeting.notes.strip(),
        },
        "level_codes": rules.level_codes(),
        "levels": rules.levels,
        "collectives": collectives,
        "member_tables": _chunks(members, 20),
        "absent": absent,
        "chair": _head_of(unit.organization_id, season.reference_date),
    }
    filename = _filename("bien-ban-hop-kiem-diem", season.year, unit.name)
    return Document("reports/minutes.html", context, title, filename)


def _chunks(rows: list, size: int) -> list[list]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


# -- decisions of a unit (R-STEP-2) -------------------------------------------------------------


def _committee_signature(season: Season, unit: SeasonUnit) -> dict:
    """The block a committee signs its documents with: T/M BAN THƯỜNG VỤ, BÍ THƯ, the name."""
    return {
        "label": f"T/M {_deciding_body(unit)}".upper(),
        "role": "BÍ THƯ",
        "name": _head_of(unit.organization_id, season.reference_date),
    }


def _decisions(season: Season, unit: SeasonUnit, subject) -> Document:
    rules = season.rule_set
    decided = list(
        Subject.objects.filter(season=season, decider=unit, state=Subject.State.DECIDED)
        .select_related("unit", "member")
        .order_by("path", "kind", "position", "sort_key", "id")
    )
    when = dict(
        Decision.objects.filter(
            subject__in=[s.pk for s in decided], status=Decision.Status.VALID
        ).values_list("subject_id", "decided_at")
    )
    organizations = [
        {
            "number": n,
            "name": s.name,
            "level": s.decided_level,
            "level_label": rules.level_label(s.decided_level),
            "decided_on": _dmy(_local_day(when.get(s.pk))) if s.pk in when else "",
        }
        for n, s in enumerate((s for s in decided if s.is_collective), 1)
    ]
    by_cell: dict[int, dict] = {}
    for s in (s for s in decided if s.is_member):
        group = by_cell.setdefault(s.unit_id, {"name": s.unit.name, "rows": []})
        group["rows"].append(
            {
                "name": s.name,
                "birth_date": _dmy(s.member.birth_date),
                "post": s.member.party_post,
                "level": s.decided_level,
                "level_label": rules.level_label(s.decided_level),
            }
        )
    number = 0
    member_groups = []
    for group in by_cell.values():
        for row in group["rows"]:
            number += 1
            row["number"] = number
        for i, rows in enumerate(_chunks(group["rows"], 30)):
            member_groups.append({"name": group["name"], "continued": i > 0, "rows": rows})
    days = [_local_day(moment) for moment in when.values()]
    counts = {
        "organizations": _count_levels(rules, [o["level"] for o in organizations]),
        "members": _count_levels(rules, [s.decided_level for s in decided if s.is_member]),
    }
    number_text = f"-QĐ/{_number_suffix(unit)}"
    title = f"Quyết định công nhận kết quả xếp loại chất lượng năm {season.year} – {_issuer(unit)}"
    context = {
        "header": _header(season, unit, max(days) if days else timezone.localdate(), number=number_text),
        "number_text": number_text,
        "year": season.year,
        "deciding_body": _deciding_body_name(unit).upper(),
        "issuer": _issuer(unit),
        "legal_basis": _legal_basis(season),
        "organizations": _chunks(organizations, 30),
        "organization_count": len(organizations),
        "member_groups": member_groups,
        "member_count": number,
        "counts": counts,
        "levels_legend": _legend(rules),
        "signature": _committee_signature(season, unit),
        "recipients": _recipients(unit),
    }
    filename = _filename("quyet-dinh-xep-loai", season.year, _issuer(unit))
    return Document("reports/decisions.html", context, title, filename)


def _count_levels(rules, levels: list[str]) -> list[dict]:
    found = defaultdict(int)
    for level in levels:
        found[level] += 1
    return [
        {"code": c, "label": rules.level_label(c), "count": found[c]} for c in rules.level_codes() if found[c]
    ]


# -- the statistical summary (R-STAT-1, R-STAT-3) and its appendices ----------------------------


def _level_table(
    rules, current: statistics.LevelCounts, previous: statistics.LevelCounts | None
) -> list[dict]:
    """R-STAT-1 rows: each level (count and share of those rated), the rated total, those not yet
    rated, those not rated by reason, the total; this season beside the previous one."""
    reasons = list(current.out_of_scope)
    reasons += [r for r in (previous.out_of_scope if previous else {}) if r not in reasons]
    lines = [(f"{rules.level_label(code)} ({code})", ("level", code), False) for code in rules.level_codes()]
    lines += [
        ("Cộng số được xếp loại", ("rated", ""), True),
        ("Chưa kiểm điểm (vắng mặt có lý do)", ("absent", ""), False),
        ("Chưa có quyết định xếp loại", ("pending", ""), False),
    ]
    lines += [(f"Không xếp loại: {OUT_OF_SCOPE.get(r, r).lower()}", ("out", r), False) for r in reasons]
    lines.append(("Tổng số", ("total", ""), True))

    def cell(counts: statistics.LevelCounts | None, what: str, key: str):
        if counts is None:
            return None
        if what == "level":
            return _num(counts.levels.get(key, 0)), _pct(counts.percent(key))
        if what == "rated":
            return _num(counts.rated), "100" if counts.rated else ""
        if what == "out":
            return _num(counts.out_of_scope.get(key, 0)), ""
        return _num(getattr(counts, what)), ""

    return [
        {"label": label, "strong": strong, "now": cell(current, *key), "before": cell(previous, *key)}
        for label, key, strong in lines
    ]


def _by_level_cells(rules, counts: statistics.LevelCounts) -> dict:
    return {
        "levels": [(_num(counts.levels.get(c, 0)), _pct(counts.percent(c))) for c in rules.level_codes()],
        "not_yet": _num(counts.absent + counts.pending),
        "excluded": _num(sum(counts.out_of_scope.values())),
        "total": _num(counts.total),
    }


def _is_top(season: Season, unit: SeasonUnit) -> bool:
    return unit.organization_id == season.top_organization_id


def _summary(season: Season, unit: SeasonUnit, subject) -> Document:
    rules = season.rule_set
    counts = statistics.level_counts(season, unit)
    previous = statistics.compare_with_previous(season, unit)
    children = statistics.by_child(season, unit)
    follow = statistics.follow_up(season, unit)
    earlier_season = statistics.previous_season(season)
    earlier_unit = (
        SeasonUnit.objects.filter(season=earlier_season, organization_id=unit.organization_id).first()
        if earlier_season
        else None
    )
    follow_before = statistics.follow_up(earlier_season, earlier_unit) if earlier_unit else None
    child_rows = [
        {
            "number": n,
            "name": row.unit.name,
            "organizations": _by_level_cells(rules, row.organizations),
            "members": _by_level_cells(rules, row.members),
        }
        for n, row in enumerate(children, 1)
    ]
    appendices = (
        SeasonUnit.objects.filter(season=season, path__startswith=unit.path, kind__in=BASE_KINDS).count()
        if _is_top(season, unit)
        else 0
    )
    number_text = f"-BC/{_number_suffix(unit)}"

    def follow_row(label, done_key, of_key=None):
        def text(f):
            if f is None:
                return "–"
            return f"{_num(f[done_key])}/{_num(f[of_key])}" if of_key else _num(f[done_key])

        return {"label": label, "now": text(follow), "before": text(follow_before)}

    title = f"Báo cáo tổng hợp kết quả xếp loại chất lượng năm {season.year} – {_issuer(unit)}"
    context = {
        "header": _header(season, unit, timezone.localdate(), number=number_text),
        "number_text": number_text,
        "year": season.year,
        "previous_year": season.year - 1,
        "has_previous": previous is not None,
        "unit_name": unit.name,
        "issuer": _issuer(unit),
        "legal_basis": _legal_basis(season),
        "levels": rules.levels,
        "organizations": _level_table(
            rules, counts[ORGANIZATION], previous[ORGANIZATION] if previous else None
        ),
        "members": _level_table(rules, counts[MEMBER], previous[MEMBER] if previous else None),
        "child_tables": _chunks(child_rows, 25),
        "follow_up": [
            follow_row(
                "Tập thể đã có kế hoạch khắc phục hạn chế, khuyết điểm", "collective_plans", "collectives"
            ),
            follow_row("Cấp ủy viên đã có kế hoạch khắc phục", "committee_plans", "committee_members"),
            follow_row("Đảng viên bị kỷ luật trong năm", "disciplined_members"),
            follow_row("Tổ chức đảng bị kỷ luật trong năm", "disciplined_organizations"),
            follow_row("Đảng viên không hoàn thành nhiệm vụ 2 năm liên tiếp", "second_khtnv"),
        ],
        "appendix_count": appendices,
        "levels_legend": _legend(rules),
        "signature": _committee_signature(season, unit),
        "recipients": _recipients(unit),
    }
    filename = _filename("bao-cao-tong-hop-xep-loai", season.year, _issuer(unit))
    return Document("reports/summary.html", context, title, filename)


def summary_parts(season: Season, unit: SeasonUnit, chunk_size: int) -> list[list[int]]:
    """The base organizations of the appendices, in tree order, split for parallel rendering;
    [] when `unit` is not the season's top organization."""
    if not _is_top(season, unit):
        return []
    ids = list(
        SeasonUnit.objects.filter(season=season, path__startswith=unit.path, kind__in=BASE_KINDS)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    return _chunks(ids, max(1, chunk_size))


def build_summary_part(
    *,
    season: Season,
    unit: SeasonUnit,
    base_unit_ids: list[int],
    first_number: int,
    verification: Verification,
    number: str = "",
) -> Document:
    """The appendices for these base organizations, numbered from `first_number`.

    Three queries whatever the number of base organizations: their units, their subjects' counts
    grouped by base organization, and their own ratings."""
    rules = season.rule_set
    units = {
        u.pk: u
        for u in SeasonUnit.objects.filter(season=season, pk__in=base_unit_ids).select_related("parent")
    }
    grouped: dict[int, dict[str, statistics.LevelCounts]] = defaultdict(
        lambda: {MEMBER: statistics.LevelCounts(), ORGANIZATION: statistics.LevelCounts()}
    )
    rows = (
        Subject.objects.filter(
            season=season, unit__base_unit_id__in=base_unit_ids, kind__in=[MEMBER, ORGANIZATION]
        )
        .exclude(kind=ORGANIZATION, unit_id__in=base_unit_ids)
        .values_list("unit__base_unit_id", "kind", "decided_level", "out_of_scope", "state")
        .annotate(n=Count("id"))
    )
    for base_id, kind, level, out, state, n in rows:
        grouped[base_id][kind].add(level, out, state, n)
    own = {
        s["unit_id"]: s
        for s in Subject.objects.filter(season=season, unit_id__in=base_unit_ids, kind=ORGANIZATION).values(
            "unit_id", "decided_level", "out_of_scope", "state"
        )
    }
    appendices = []
    for offset, base_id in enumerate(i for i in base_unit_ids if i in units):
        base = units[base_id]
        figures = grouped[base_id]
        mine = own.get(base_id, {})
        if mine.get("out_of_scope"):
            own_level = OUT_OF_SCOPE.get(mine["out_of_scope"], mine["out_of_scope"])
        elif mine.get("decided_level"):
            own_level = f"{rules.level_label(mine['decided_level'])} ({mine['decided_level']})"
        else:
            own_level = "Chưa có quyết định xếp loại"
        table = [("Đảng viên", _by_level_cells(rules, figures[MEMBER]))]
        if figures[ORGANIZATION].total:
            table.insert(0, ("Tổ chức đảng trực thuộc", _by_level_cells(rules, figures[ORGANIZATION])))
        appendices.append(
            {
                "number": first_number + offset,
                "name": base.name,
                "parent": base.parent.name if base.parent else "",
                "own_level": own_level,
                "rows": table,
            }
        )
    last = first_number + max(len(appendices) - 1, 0)
    span = f"{first_number}" if last == first_number else f"{first_number}–{last}"
    number_text = f"-BC/{_number_suffix(unit)}"
    title = (
        f"Phụ lục {span} – Báo cáo tổng hợp kết quả xếp loại chất lượng năm {season.year} – {_issuer(unit)}"
    )
    context = {
        "title": title,
        "verification": verification,
        "year": season.year,
        "issuer": _issuer(unit),
        "number_text": number_text,
        "levels": rules.levels,
        "appendices": appendices,
        "levels_legend": _legend(rules),
    }
    _apply_number(context, number)
    filename = _filename("phu-luc", season.year, _issuer(unit), f"{first_number:05d}", f"{last:05d}")
    return Document("reports/summary_part.html", context, title, filename)
