"""Decisions of a deciding unit: the list of the ratings it decided (R-STEP-2), with the points
in a points season, and the decision re-rating one organization or member after its result was
cancelled (R366-STEP-2; R366-FORM-03/04: Mẫu 03 of HD 43)."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from organizations.models import CELL_KINDS
from reports.documents.base import (
    Document,
    DocumentUnavailable,
    chunks,
    committee,
    committee_signature,
    count_levels,
    deciding_body_name,
    dmy,
    document_form,
    filename,
    header,
    issuer,
    legal_basis,
    legend,
    local_day,
    nfc,
    number_suffix,
    on_behalf_of,
    recipients,
    signing_block,
    without_rule_ids,
)
from reports.documents.forms import load_subject
from reports.documents.points import average_text, points_text_or_blank
from reviews.models import Decision, Season, SeasonUnit, Subject
from reviews.regimes import regime_of
from reviews.scope.units import decides_ratings


def refuse_not_deciding(season: Season, unit: SeasonUnit) -> None:
    """R-STEP-2, R366-STEP-1: the decision recognizing the ratings is issued by the level that
    decides them. A cell or a partial committee only proposes (its members and itself are decided
    by the base committee), so it issues none: asking for one is refused, saying who does."""
    if decides_ratings(season.rule_set, unit.kind):
        return
    what = "chi bộ" if unit.kind in CELL_KINDS else "đảng bộ bộ phận"
    above = committee(unit.base_unit.name) if unit.base_unit_id else "cấp ủy cấp trên"
    raise DocumentUnavailable(
        f"{issuer(unit)} không ban hành quyết định công nhận kết quả xếp loại: xếp loại {what} và "
        f"đảng viên của {what} do {above} quyết định, và {above} ban hành quyết định đó."
    )


def refuse_empty_decisions(season: Season, unit: SeasonUnit) -> None:
    """A decision list that names no organization and no member is not issued: a signed decision
    with nothing decided in it would be an empty official paper. Nor is one of a unit that decides
    nothing (`refuse_not_deciding`)."""
    refuse_not_deciding(season, unit)
    if Subject.objects.filter(season=season, decider=unit, state=Subject.State.DECIDED).exists():
        return
    raise DocumentUnavailable(
        f"Chưa thể ban hành quyết định công nhận kết quả xếp loại năm {season.year} của {issuer(unit)}: "
        f"{issuer(unit)} chưa quyết định xếp loại tổ chức đảng hay đảng viên nào. Cán bộ của cấp ủy "
        "quyết định xếp loại trước trong danh sách chờ duyệt, rồi tạo quyết định.",
        link=(reverse("reviews:queue", args=[season.pk]), "Mở danh sách chờ duyệt"),
    )


def decisions(season: Season, unit: SeasonUnit, subject) -> Document:
    refuse_empty_decisions(season, unit)
    rules = season.rule_set
    with_points = regime_of(rules).uses_points
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
            "decided_on": dmy(local_day(when.get(s.pk))) if s.pk in when else "",
            "points": points_text_or_blank(s.decided_points),
        }
        for n, s in enumerate((s for s in decided if s.is_collective), 1)
    ]
    by_cell: dict[int, dict] = {}
    for s in (s for s in decided if s.is_member):
        group = by_cell.setdefault(s.unit_id, {"name": s.unit.name, "rows": []})
        group["rows"].append(
            {
                "name": s.name,
                "birth_date": dmy(s.member.birth_date),
                "post": s.member.party_post,
                "level": s.decided_level,
                "level_label": rules.level_label(s.decided_level),
                "points": points_text_or_blank(s.decided_points),
            }
        )
    number = 0
    member_groups = []
    for group in by_cell.values():
        for row in group["rows"]:
            number += 1
            row["number"] = number
        for i, rows in enumerate(chunks(group["rows"], 30)):
            member_groups.append({"name": group["name"], "continued": i > 0, "rows": rows})
    days = [local_day(moment) for moment in when.values()]
    collectives = [s for s in decided if s.is_collective]
    members = [s for s in decided if s.is_member]
    counts = {
        "organizations": count_levels(rules, [s.decided_level for s in collectives]),
        "members": count_levels(rules, [s.decided_level for s in members]),
    }
    if with_points:
        _add_averages(counts["organizations"], collectives)
        _add_averages(counts["members"], members)
    number_text = f"-QĐ/{number_suffix(unit)}"
    title = f"Quyết định công nhận kết quả xếp loại chất lượng năm {season.year} – {issuer(unit)}"
    context = {
        "header": header(season, unit, max(days) if days else timezone.localdate(), number=number_text),
        "number_text": number_text,
        "year": season.year,
        "deciding_body": _deciding_body_366(unit).upper(),
        "issuer": issuer(unit),
        "legal_basis": legal_basis(season),
        "organizations": chunks(organizations, 30),
        "organization_count": len(organizations),
        "member_groups": member_groups,
        "member_count": number,
        "counts": counts,
        "levels_legend": legend(rules),
        "signature": committee_signature(season, unit),
        "recipients": recipients(unit),
    }
    if with_points:
        context["with_points"] = True
    return Document(
        "reports/decisions.html", context, title, filename("quyet-dinh-xep-loai", season.year, issuer(unit))
    )


def _deciding_body_366(unit: SeasonUnit) -> str:
    """The body that decides, named as it signs (a cell with a cell committee: its chi ủy), in
    both regimes."""
    if on_behalf_of(unit) == "Chi ủy":
        return f"Chi ủy {nfc(unit.name)}"
    return deciding_body_name(unit)


def _add_averages(counts: list[dict], subjects: list[Subject]) -> None:
    """Beside each level's count, the average decided points of those at that level."""
    for row in counts:
        points = [s.decided_points for s in subjects if s.decided_level == row["code"]]
        points = [p for p in points if p is not None]
        row["average"] = average_text(sum(points, Decimal(0)), len(points))


# -- Mẫu 03: re-rating after a cancelled result (R366-STEP-2) ----------------------------------


def rerating_of(subject: Subject) -> tuple[Decision, Decision] | None:
    """(the cancelled decision, the decision in force made after it), or None when the subject's
    result was not cancelled and decided again."""
    rows = list(
        Decision.objects.filter(subject=subject).select_related("decider").order_by("decided_at", "id")
    )
    valid = next((d for d in rows if d.status == Decision.Status.VALID), None)
    if valid is None:
        return None
    cancelled = [
        d
        for d in rows
        if d.status == Decision.Status.CANCELLED
        and (d.decided_at, d.pk) < (valid.decided_at, valid.pk)
        and (d.ended_at is None or d.ended_at <= valid.decided_at)
    ]
    return (cancelled[-1], valid) if cancelled else None


def rerating_issuer(subject: Subject) -> SeasonUnit | None:
    """The unit that issues the re-rating decision of `subject`: the one that made the decision now
    in force; None when there is no re-rating."""
    found = rerating_of(subject)
    return found[1].decider if found else None


def rerating(season: Season, unit: SeasonUnit, subject) -> Document:
    if subject is None:
        raise DocumentUnavailable("Quyết định xếp loại lại cần chọn một tổ chức đảng hoặc đảng viên.")
    subject = load_subject(season, unit, subject)
    found = rerating_of(subject)
    if found is None:
        raise DocumentUnavailable(
            f"Kết quả xếp loại năm {season.year} của {subject.name} chưa bị hủy bỏ và xếp loại lại."
        )
    cancelled, new = found
    if new.decider_id != unit.pk:
        raise DocumentUnavailable(
            f"Quyết định xếp loại lại {subject.name} do {issuer(new.decider)} ban hành, không phải {issuer(unit)}."
        )
    rules = season.rule_set
    with_points = cancelled.points is not None or new.points is not None
    who = _who(subject)
    canceller = cancelled.decider.parent if cancelled.decider.parent_id else cancelled.decider
    number_text = f"-QĐ/{number_suffix(unit)}"
    title = f"Quyết định đánh giá, xếp loại lại chất lượng năm {season.year} – {subject.name}"
    uses_points = regime_of(rules).uses_points
    context = {
        "header": header(
            season,
            unit,
            local_day(new.decided_at),
            number=number_text,
            form_number=document_form(season, "rerating"),
        ),
        "number_text": number_text,
        "year": season.year,
        "deciding_body": _deciding_body_366(unit).upper(),
        "legal_basis": legal_basis(season),
        "about": "đảng viên" if subject.is_member else "tổ chức đảng",
        "who": who,
        "who_short": f"đồng chí {subject.member.full_name}" if subject.is_member else who,
        "canceller": deciding_body_name(canceller),
        "cancelled_on": dmy(local_day(cancelled.ended_at)),
        "grounds": without_rule_ids(cancelled.end_reason),
        "reason": without_rule_ids(new.reason),
        "with_points": with_points,
        "before": _result(rules, cancelled),
        "after": _result(rules, new),
        "executors": _executors(subject),
        "record": "hồ sơ đảng viên" if subject.is_member else "hồ sơ tổ chức đảng",
        "signature": signing_block(season, unit) if uses_points else committee_signature(season, unit),
        "recipients": _rerating_recipients(unit),
    }
    return Document(
        "reports/rerating.html",
        context,
        title,
        filename("quyet-dinh-xep-loai-lai", season.year, subject.name),
    )


def _who(subject: Subject) -> str:
    if not subject.is_member:
        return nfc(subject.name)
    member = subject.member
    born = f", sinh ngày {dmy(member.birth_date)}" if member.birth_date else ""
    return f"đồng chí {member.full_name}{born}, đảng viên {nfc(subject.unit.name)}"


def _executors(subject: Subject) -> str:
    """Who carries out the decision (its last article)."""
    if subject.is_member:
        return f"{nfc(subject.unit.name)} và đồng chí {subject.member.full_name}"
    return nfc(subject.name)


def _result(rules, decision: Decision) -> dict:
    return {
        "level": decision.level,
        "level_label": rules.level_label(decision.level),
        "points": points_text_or_blank(decision.points),
        "decided_on": dmy(local_day(decision.decided_at)),
        "decider": issuer(decision.decider),
    }


def _rerating_recipients(unit: SeasonUnit) -> list[str]:
    above = [f"{committee(unit.parent.name)} (để báo cáo),"] if unit.parent else []
    return ["Như Điều 3,", *above, "Lưu."]
