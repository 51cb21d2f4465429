"""The minutes of a review meeting (R-REC-2): who was there, what was said about each collective
and member, the votes, the level proposed; in a points season also each one's self-scored and
appraised points, and their averages."""

from decimal import Decimal

from reports.documents.base import (
    MEMBER,
    ORGANIZATION,
    Document,
    DocumentUnavailable,
    chunks,
    dmy,
    filename,
    head_of,
    header,
)
from reports.documents.points import average_text, points_text_or_blank
from reviews.models import Meeting, Season, SeasonUnit, Subject
from reviews.regimes import regime_of
from reviews.supervision.attendance import attendees


def minutes(season: Season, unit: SeasonUnit, subject) -> Document:
    collective = Subject.objects.filter(season=season, unit=unit, kind=ORGANIZATION).first()
    meeting = Meeting.objects.filter(collective=collective).first() if collective else None
    if meeting is None:
        raise DocumentUnavailable(f"{unit.name} chưa ghi biên bản họp kiểm điểm.")
    rules = season.rule_set
    with_points = regime_of(rules).uses_points
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
        if with_points:
            row["self_points"] = points_text_or_blank(s.self_points)
            row["proposed_points"] = points_text_or_blank(s.proposed_points)
        (members if s.is_member else collectives).append(row)
    for n, row in enumerate(members, 1):
        row["number"] = n
    title = f"Biên bản họp kiểm điểm năm {season.year} – {unit.name}"
    context = {
        "header": header(season, unit, meeting.held_on),
        "year": season.year,
        "unit_name": unit.name,
        "meeting": {
            "held_on": dmy(meeting.held_on),
            "ends_on": dmy(meeting.ends_on) if meeting.ends_on and meeting.ends_on != meeting.held_on else "",
            "circulated_on": dmy(meeting.draft_circulated_on),
            "circulation_warning": meeting.circulation_warning,
            "present": meeting.present,
            "total": meeting.total,
            "notes": meeting.notes.strip(),
        },
        "level_codes": rules.level_codes(),
        "levels": rules.levels,
        "collectives": collectives,
        "member_tables": chunks(members, 20),
        "absent": absent,
        "chair": head_of(unit.organization_id, season.reference_date),
        "attendees": [a.label for a in attendees(unit)],
    }
    if with_points:
        context["points"] = _averages(
            [e.subject for e in entries if e.reviewed and e.subject.kind == MEMBER], rules
        )
    return Document(
        "reports/minutes.html", context, title, filename("bien-ban-hop-kiem-diem", season.year, unit.name)
    )


def _averages(members: list[Subject], rules) -> dict:
    """The members' average points at the meeting (self-scored, appraised) and how many were
    proposed at each level, with their average appraised points."""

    def average(values) -> str:
        values = [v for v in values if v is not None]
        return average_text(sum(values, Decimal(0)), len(values))

    by_level = []
    for code in rules.level_codes():
        mine = [m for m in members if m.proposed_level == code]
        if mine:
            by_level.append(
                {"code": code, "count": len(mine), "average": average(m.proposed_points for m in mine)}
            )
    return {
        "self": average(m.self_points for m in members),
        "proposed": average(m.proposed_points for m in members),
        "by_level": by_level,
    }
