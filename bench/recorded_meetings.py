"""The meetings that reviewed the members a page bench measures. The bench's season moves its
subjects past the meeting by SQL, so until 2026-12-07 no meeting or entry was recorded for them,
and the cell board and the queue were measured without the entries they read in a real season.

Each cell of the measured members reviewed (or further) gets its meeting, and each such member
the entry the demo's meetings record (reviews/demo/steps.py): reviewed, the cell's comment, and
everyone present voting for the member's level. Written as rows, not through the workflow, whose
meeting step refuses members the bench has already moved past it.
"""

import datetime

COMMENT = "Chi bộ nhất trí với bản tự kiểm điểm."
PAST_THE_MEETING = ("reviewed", "proposed", "decided")


def record_meetings(season, subject_ids: list[int]) -> int:
    """Give each member of `subject_ids` past the meeting, without an entry, its cell's meeting and
    an entry; the number of entries given."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from reviews.models import Meeting, MeetingEntry, Subject

    members = list(
        Subject.objects.filter(
            pk__in=subject_ids, kind="member", state__in=PAST_THE_MEETING, meeting_entry__isnull=True
        )
    )
    if not members:
        return 0
    units = {s.unit_id for s in members}
    size = {u: sum(s.unit_id == u for s in members) for u in units}
    collectives = {
        s.unit_id: s for s in Subject.objects.filter(season=season, unit_id__in=units, kind="organization")
    }
    secretary = get_user_model().objects.get(username="tinhuy")
    held_on = season.reference_date - datetime.timedelta(days=10)
    with transaction.atomic():
        meetings = {m.unit_id: m for m in Meeting.objects.filter(season=season, unit_id__in=units)}
        new = [
            Meeting(
                season=season,
                unit_id=unit,
                collective=collectives[unit],
                held_on=held_on,
                draft_circulated_on=held_on - datetime.timedelta(days=7),
                present=size[unit] + 1,
                total=size[unit] + 1,
                recorded_by=secretary,
            )
            for unit in units
            if unit not in meetings and unit in collectives
        ]
        meetings |= {m.unit_id: m for m in Meeting.objects.bulk_create(new)}
        entries = [
            MeetingEntry(
                meeting=meetings[s.unit_id],
                subject=s,
                comments=COMMENT,
                votes={s.self_level or s.proposed_level or "HTTNV": meetings[s.unit_id].present},
            )
            for s in members
            if s.unit_id in meetings
        ]
        MeetingEntry.objects.bulk_create(entries)
    return len(entries)
