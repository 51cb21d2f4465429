"""The list of an organization's review records for the season, sent upward with its results
(R366-FORM-03/04: Mẫu 04 of HD 43; the record set of R366-REC-1): one row per kind of record with
how many the season holds under the organization, where the paper copy is kept, and what is
still missing; then the same counts per directly subordinate organization.

HD 43's Mẫu 04 was not seen: its columns are ours (docs/decisions.md, "Mẫu 03 and Mẫu 04").
Six queries whatever the size of the subtree: each counts one kind of row grouped by the
subordinate organization it lies under."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from organizations.models import Organization
from reports.documents.base import (
    MEMBER,
    Document,
    document_form,
    filename,
    header,
    issuer,
    legal_basis,
    num,
    reporting_recipients,
    signing_block,
)
from reviews.models import (
    CheckFlag,
    Decision,
    FormerCellComment,
    Meeting,
    Season,
    SeasonUnit,
    Subject,
    Suggestion,
)
from reviews.records_deadline import records_deadline

S = Subject.State
Source = FormerCellComment.Source


@dataclass(frozen=True)
class Row:
    """A kind of record: its name, the figure counted, where its paper copy is kept, and the
    note that says what the figure is out of."""

    key: str
    title: str
    kept: str
    note: str = ""  # may name other figures of the same counts: "{members}"


ROWS = [
    Row(
        "member_forms",
        "Bản kiểm điểm, tự đánh giá, xếp loại của cá nhân",
        "Chi bộ; hồ sơ đảng viên tại cấp ủy quản lý",
        "của {members} đảng viên thuộc diện kiểm điểm",
    ),
    Row(
        "collective_forms",
        "Báo cáo kiểm điểm, tự đánh giá, xếp loại của tập thể",
        "Tổ chức đảng; cấp ủy cấp trên trực tiếp",
        "của {collectives} tổ chức đảng, tập thể lãnh đạo",
    ),
    Row(
        "residence",
        "Nhận xét của cấp ủy nơi cư trú",
        "Chi bộ nơi đảng viên sinh hoạt",
        "",
    ),
    Row("meetings", "Biên bản hội nghị kiểm điểm", "Tổ chức đảng tổ chức hội nghị", ""),
    Row(
        "appraised",
        "Tổng hợp thẩm định, đề xuất xếp loại",
        "Cơ quan tham mưu về tổ chức của cấp ủy",
    ),
    Row(
        "decisions",
        "Kết luận, quyết định đánh giá, xếp loại chất lượng",
        "Cấp ủy có thẩm quyền quyết định",
        "{cancelled} kết quả bị hủy bỏ, {rerated} đã xếp loại lại",
    ),
    Row(
        "suggestions",
        "Văn bản gợi ý kiểm điểm và giải trình",
        "Cấp ủy gợi ý; tổ chức, cá nhân được gợi ý",
        "{answered} đã giải trình",
    ),
    Row(
        "related",
        "Ý kiến của tổ chức, cơ quan có liên quan (chi bộ nơi công tác cũ, nơi sinh hoạt tạm thời)",
        "Chi bộ nơi đảng viên sinh hoạt",
        "",
    ),
    Row(
        "checks",
        "Hồ sơ giải quyết khiếu nại, tố cáo; kiểm tra, thẩm định lại trước khi quyết định",
        "Cấp ủy chỉ đạo kiểm tra",
        "{concluded} đã có kết luận",
    ),
    Row("plans", "Kế hoạch khắc phục hạn chế, khuyết điểm", "Tổ chức đảng, đảng viên", ""),
]
# The columns of the table per subordinate organization.
CHILD_COLUMNS = ("member_forms", "collective_forms", "residence", "meetings", "decisions")


def _grouped(queryset, path: str, width: int, **counts) -> dict[str, dict[str, int]]:
    """Counts of `queryset` grouped by the subordinate organization's path (the first `width`
    characters of `path`); the organization's own rows come under its own path."""
    rows = queryset.annotate(child=Substr(path, 1, width)).values("child").annotate(**counts).order_by()
    return {row.pop("child"): row for row in rows}


def _figures(season: Season, unit: SeasonUnit) -> dict[str, dict[str, int]]:
    """Per path (each subordinate organization, and the unit's own), the counts of every row."""
    width = len(unit.path) + Organization.steplen
    under = {"subject__season": season, "subject__path__startswith": unit.path}
    member = Q(kind=MEMBER)
    found: dict[str, dict[str, int]] = {}

    def merge(groups):
        for child, counts in groups.items():
            found.setdefault(child, {}).update(counts)

    merge(
        _grouped(
            Subject.objects.filter(season=season, path__startswith=unit.path),
            "path",
            width,
            members=Count("id", filter=member & Q(out_of_scope="")),
            member_forms=Count("id", filter=member & Q(form__submitted_at__isnull=False)),
            collectives=Count("id", filter=~member & Q(out_of_scope="")),
            collective_forms=Count("id", filter=~member & Q(form__submitted_at__isnull=False)),
            appraised=Count("id", filter=Q(state__in=[S.PROPOSED, S.DECIDED])),
            plans=Count("id", filter=Q(remediation_plan__submitted_at__isnull=False)),
        )
    )
    merge(
        _grouped(
            FormerCellComment.objects.filter(**under),
            "subject__path",
            width,
            residence=Count("id", filter=Q(source=Source.RESIDENCE)),
            related=Count("id", filter=~Q(source=Source.RESIDENCE)),
        )
    )
    merge(
        _grouped(
            Meeting.objects.filter(season=season, unit__path__startswith=unit.path),
            "unit__path",
            width,
            meetings=Count("id"),
        )
    )
    merge(
        _grouped(
            Decision.objects.filter(**under),
            "subject__path",
            width,
            decisions=Count("id", filter=Q(status=Decision.Status.VALID)),
            cancelled=Count("id", filter=Q(status=Decision.Status.CANCELLED)),
            rerated=Count(
                "subject",
                distinct=True,
                filter=Q(status=Decision.Status.CANCELLED, subject__state=S.DECIDED),
            ),
        )
    )
    merge(
        _grouped(
            Suggestion.objects.filter(**under),
            "subject__path",
            width,
            suggestions=Count("id"),
            answered=Count("id", filter=~Q(answer="")),
        )
    )
    merge(
        _grouped(
            CheckFlag.objects.filter(**under),
            "subject__path",
            width,
            checks=Count("id"),
            concluded=Count("id", filter=Q(closed_at__isnull=False)),
        )
    )
    return found


def _total(found: dict[str, dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counts in found.values():
        for key, n in counts.items():
            total[key] = total.get(key, 0) + n
    return total


class _Figures(dict):
    def __missing__(self, key):
        return "0"


def _note(row: Row, counts: dict[str, int]) -> str:
    return row.note.format_map(_Figures({k: num(v) for k, v in counts.items()}))


def records(season: Season, unit: SeasonUnit, subject) -> Document:
    rules = season.rule_set
    found = _figures(season, unit)
    total = _total(found)
    residence = rules.switches.get("residence_comment", "off") != "off"
    rows = [row for row in ROWS if residence or row.key != "residence"]
    table = [
        {
            "number": n,
            "title": row.title,
            "count": num(total.get(row.key, 0)),
            "kept": row.kept,
            "note": _note(row, total),
        }
        for n, row in enumerate(rows, 1)
    ]
    columns = [c for c in CHILD_COLUMNS if residence or c != "residence"]
    children = [
        {
            "number": n,
            "name": child.name,
            "counts": [num(found.get(child.path, {}).get(c, 0)) for c in columns],
            "missing": max(
                found.get(child.path, {}).get("members", 0)
                - found.get(child.path, {}).get("member_forms", 0),
                0,
            ),
        }
        for n, child in enumerate(SeasonUnit.objects.filter(season=season, parent=unit).order_by("name"), 1)
    ]
    title = f"Danh mục hồ sơ kiểm điểm, đánh giá, xếp loại chất lượng năm {season.year} – {issuer(unit)}"
    context = {
        "header": header(season, unit, timezone.localdate(), form_number=document_form(season, "records")),
        "year": season.year,
        "unit_name": unit.name,
        "issuer": issuer(unit),
        "legal_basis": legal_basis(season),
        "rows": table,
        "columns": [COLUMN_TITLES[c] for c in columns],
        "children": children,
        "signature": signing_block(season, unit),
        "recipients": reporting_recipients(unit),
        "records_deadline": records_deadline(season, unit),  # R366-SCOPE-7: the province only
    }
    return Document(
        "reports/records.html", context, title, filename("danh-muc-ho-so", season.year, issuer(unit))
    )


COLUMN_TITLES = {
    "member_forms": "Bản kiểm điểm cá nhân",
    "collective_forms": "Báo cáo tập thể",
    "residence": "Nhận xét nơi cư trú",
    "meetings": "Biên bản hội nghị",
    "decisions": "Quyết định xếp loại",
}
