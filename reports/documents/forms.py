"""The review forms as printed: the collective report (Mẫu 01, R366-FORM-01) and the individual
self-review (02A/02B under QĐ 124; 2A/2B/2C under QĐ 366: R366-FORM-2A, R366-FORM-2B,
R366-FORM-2C), with the template's sections and the author's answers item by item (R-FORM-1..8),
and in a points season part B — the tasks, the points at the
three steps and the levels (reports/documents/part_b.py) — and one signing body per block
(R366-FORM-SIGN)."""

import re
from collections import defaultdict

from config.row_ids import row_ids
from members.models import Pledge
from organizations.models import CELL_KINDS, Kind
from reports.documents import part_b
from reports.documents.base import (
    LEADERSHIP,
    Document,
    DocumentUnavailable,
    dmy,
    filename,
    head_of,
    header,
    legal_basis,
    level_label,
    local_day,
    nfc,
    on_behalf_of,
    recipients,
)
from reviews.models import MeetingEntry, ReferenceItem, ReviewForm, Season, SeasonUnit, Subject, Suggestion
from reviews.regimes import regime_of
from reviews.services import previous_shortcomings

PLEDGE_ASSESSMENT = {"done": "Đã thực hiện", "partly": "Thực hiện một phần", "not": "Chưa thực hiện"}
REMEDIATION_STATUS = {"open": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Đã khắc phục"}


def _choices(options: list[dict], chosen: str) -> list[dict]:
    return [{"label": o["label"], "chosen": o["code"] == chosen} for o in options]


def form_sections(subject: Subject, template: dict, answers: dict) -> list[dict]:
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
                    {"text": s.text, "answer": s.answer.strip(), "issued_on": dmy(local_day(s.issued_at))}
                    for s in Suggestion.objects.filter(subject=subject).order_by("issued_at", "id")
                ]
            if item["type"] == "tasks":
                row["tasks"] = part_b.task_list(subject, answer)
            if item["type"] == "scores":
                row["scores"] = part_b.points_table(subject, template, answers)
            items.append(row)
        for number, row in enumerate((r for r in items if r["show_title"]), 1):
            row["number"] = number
        sections.append(
            {
                "key": section["key"],
                "title": section["title"],
                "items": items,
                **part_b.section_heading(section),
            }
        )
    part_b.mark_part_titles(sections)
    return sections


def _references(ids: list) -> list[dict]:
    """R-FORM-7: the manifestations and prohibitions the author ticked."""
    chosen = row_ids(ids)
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
        "level": level_label(subject.season.rule_set, earlier.get("level", "")),
        "items": [
            {
                "text": item.text,
                "owner": item.owner,
                "due_on": dmy(item.due_on),
                "status": REMEDIATION_STATUS.get(item.status, item.status),
                "note": item.status_note,
            }
            for item in earlier["items"]
        ],
    }


def identity(member, cell) -> list[tuple[str, str]]:
    """The lines that name the person at the head of an individual form (forms 02, 05)."""
    return [
        ("Họ và tên", member.full_name),
        ("Ngày sinh", dmy(member.birth_date)),
        ("Chức vụ Đảng", member.party_post),
        ("Chức vụ chính quyền", member.civil_service_post),
        ("Đơn vị công tác", member.workplace),
        ("Chi bộ", re.sub(r"^chi bộ\s+", "", nfc(cell.name), flags=re.IGNORECASE)),
    ]


def load_subject(season: Season, unit: SeasonUnit, subject) -> Subject:
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


def individual(season: Season, unit: SeasonUnit, subject) -> Document:
    if subject is None:
        raise DocumentUnavailable("Bản kiểm điểm cá nhân cần chọn một đảng viên.")
    subject = load_subject(season, unit, subject)
    if not subject.is_member:
        raise DocumentUnavailable("Bản kiểm điểm cá nhân chỉ dành cho đảng viên.")
    rules = season.rule_set
    template = rules.template(subject.form_code)
    form = ReviewForm.objects.filter(subject=subject).first()
    answers = form.answers if form else {}
    member = subject.member
    entry = MeetingEntry.objects.filter(subject=subject).first()
    cell = subject.unit
    day = local_day(form.submitted_at if form else None)
    labels = list(template.get("signatures", [])) + [""] * 4
    reviewed = subject.state in (Subject.State.PROPOSED, Subject.State.DECIDED)
    signatures = {
        "author": {"label": labels[0], "name": member.full_name},
        "civil_service": {
            "label": labels[1],
            "level": level_label(rules, subject.civil_service_level) if reviewed else "",
        }
        if subject.is_civil_servant
        else None,
        "cell": {
            "label": labels[2],
            "assessment": entry.assessment.strip() if entry else "",
            "votes": _votes(rules, entry.votes) if entry else [],
            "proposed": level_label(rules, subject.proposed_level),
            "role": "BÍ THƯ",
            "name": head_of(cell.organization_id, season.reference_date),
        },
        "decider": {
            "label": labels[3],
            "decided": level_label(rules, subject.decided_level),
            "role": "BÍ THƯ",
            "name": head_of(subject.decider.organization_id, season.reference_date)
            if subject.decider
            else "",
        },
    }
    _one_signing_body(signatures, subject, with_points=regime_of(rules).uses_points)
    title = f"Bản kiểm điểm cá nhân năm {season.year} – {member.full_name}"
    context = {
        "header": header(season, cell, day, form_number=template.get("form_number", "")),
        "form": template,
        "year": season.year,
        "identity": identity(member, cell),
        "sections": form_sections(subject, template, answers),
        "signatures": signatures,
        "on_behalf": bool(form and form.entered_on_behalf),  # typed in by the secretary or staff
    }
    return Document(
        "reports/individual.html", context, title, filename("ban-kiem-diem", season.year, member.full_name)
    )


def _one_signing_body(signatures: dict, subject: Subject, *, with_points: bool) -> None:
    """R-FORM-8, R366-FORM-SIGN: the forms print alternatives ("T/M CHI ỦY (CHI BỘ)", "T/M ĐẢNG
    ỦY (CHI ỦY)"); a printed form names the one body that signs: the cell's committee where the
    cell has one, else the cell; the deciding committee. In a points season, with the appraised
    and decided points."""
    cell, decider = subject.unit, subject.decider
    cell_body = on_behalf_of(cell)
    decider_body = on_behalf_of(decider) if decider else "Đảng ủy"
    signatures["cell"].update(label=f"T/M {cell_body}".upper(), body=cell_body.lower())
    signatures["decider"].update(label=f"T/M {decider_body}".upper(), body=decider_body)
    if with_points:
        points = part_b.totals_line(subject)
        signatures["points"] = True
        signatures["cell"]["points"] = points["proposed"]
        signatures["decider"]["points"] = points["decided"]


def _votes(rules, votes: dict) -> list[dict]:
    return [
        {"code": level["code"], "label": level["label"], "count": int(votes.get(level["code"]) or 0)}
        for level in rules.levels
        if votes.get(level["code"])
    ]


def collective(season: Season, unit: SeasonUnit, subject) -> Document:
    if subject is None:
        subject = Subject.objects.filter(season=season, unit=unit, kind=Subject.Kind.ORGANIZATION).first()
        if subject is None:
            raise DocumentUnavailable("Tổ chức này không có trong kỳ kiểm điểm.")
    subject = load_subject(season, unit, subject)
    if not subject.is_collective:
        raise DocumentUnavailable("Báo cáo kiểm điểm tập thể dành cho tổ chức đảng hoặc tập thể lãnh đạo.")
    rules = season.rule_set
    template = rules.template(subject.form_code)
    form = ReviewForm.objects.filter(subject=subject).first()
    own = subject.unit
    signer = _collective_signer(subject)
    title = f"Báo cáo kiểm điểm tập thể năm {season.year} – {subject.name}"
    context = {
        "header": header(
            season,
            own,
            local_day(form.submitted_at if form else None),
            form_number=template.get("form_number", ""),
        ),
        "form": template,
        "year": season.year,
        "collective": subject.name,
        "legal_basis": legal_basis(season),
        "sections": form_sections(subject, template, form.answers if form else {}),
        "signature": {
            "label": f"T/M {signer}".upper(),
            "role": "BÍ THƯ",
            "name": head_of(own.organization_id, season.reference_date),
        },
        "recipients": recipients(own),
    }
    return Document(
        "reports/collective.html",
        context,
        title,
        filename("bao-cao-kiem-diem-tap-the", season.year, subject.name),
    )


def _collective_signer(subject: Subject) -> str:
    """Who signs a collective report: "T/M <this>" (R-FORM-8); a cell signs as its committee
    where it has one (R366-FORM-SIGN), whatever the regime."""
    kind = subject.unit.kind
    if subject.kind == LEADERSHIP:
        if kind in CELL_KINDS:
            return "Chi ủy"
        return "Đảng ủy" if kind == Kind.PARTIAL_COMMITTEE else "Ban Thường vụ"
    if kind in CELL_KINDS:
        return on_behalf_of(subject.unit)
    return "Ban Thường vụ" if kind == Kind.PROVINCIAL_COMMITTEE else "Đảng ủy"
