"""Issue "Province-scale speed": the reads a page shares. Each test compares the shared read with
the plain query it replaced, and counts the queries, so that a change that reads wrongly or reads
again fails here."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import CommitteeSeat, LeaveRecord
from organizations.models import AffiliatedCollective
from reviews.facts import Facts
from reviews.facts.with_subjects import ANNOTATED, facts_annotations, suggestions_issued
from reviews.models import (
    AffiliateReview,
    CheckFlag,
    FormerCellComment,
    QuotaGroup,
    RemediationItem,
    RemediationPlan,
    SeasonUnit,
    Subject,
    Suggestion,
)
from reviews.quota_groups import decided_in_groups
from reviews.scope import open_season
from tests.reviews.conftest import REFERENCE, build_world
from tests.reviews.helpers import complete_form, decide_everything_below_the_commune, review


def _cell_subjects(w, *related):
    return list(
        Subject.objects.filter(season=w.season, unit__organization=w.cell1)
        .select_related("season__rule_set", "unit", *related)
        .order_by("pk")
    )


def test_one_to_one_records_read_with_the_subjects_are_not_read_again(world, django_assert_num_queries):
    w = world
    collective = w.subject(unit=w.cell1)
    complete_form(w.subject(member=w.head), w.secretary)
    complete_form(collective, w.secretary)
    review(collective, w.secretary, [w.subject(member=w.head)])
    read = Facts(w.season, _cell_subjects(w))
    loaded = Facts(w.season, _cell_subjects(w, "form", "meeting_entry"), loaded=("form", "meeting_entry"))
    with django_assert_num_queries(0):
        forms, entries = loaded.forms, loaded.meeting_entries
    assert {k: f.pk for k, f in forms.items()} == {k: f.pk for k, f in read.forms.items()}
    assert {k: e.pk for k, e in entries.items()} == {k: e.pk for k, e in read.meeting_entries.items()}
    assert len(forms) == 2 and len(entries) == 2  # the cell and its secretary
    # Said loaded but not read with them: read once, not once per subject.
    unsure = Facts(w.season, _cell_subjects(w), loaded=("form",))
    with django_assert_num_queries(1):
        assert set(unsure.forms) == set(forms)


def _annotated_cell(w) -> tuple[list[Subject], Facts]:
    """The cell's subjects read as a page reads them (facts_annotations), and their Facts."""
    annotated = list(
        Subject.objects.filter(season=w.season, unit__organization=w.cell1)
        .select_related("season__rule_set", "unit")
        .annotate(**facts_annotations(w.season))
        .order_by("pk")
    )
    return annotated, Facts(w.season, annotated, loaded=ANNOTATED)


def _suspended_and_ended_seats(w) -> None:
    """A seat suspended in the year (held in it, not active) and one ended the year before (gone)."""
    CommitteeSeat.objects.create(
        member=w.members1[2],
        organization=w.cell1,
        position=2,
        starts_on=datetime.date(2026, 1, 1),
        suspended_on=datetime.date(2026, 6, 1),
    )
    CommitteeSeat.objects.create(
        member=w.members1[3],
        organization=w.cell1,
        position=2,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )


def test_the_seats_are_read_once_for_every_family_that_needs_them(world, django_assert_num_queries):
    """R366-SCOPE-6 / R366-SCOPE-4 / R-RATE-5: the shared seat read gives what the separate reads
    gave — a suspended seat is not active but was held in the year; an ended seat is gone."""
    w = world
    _suspended_and_ended_seats(w)
    subjects = _cell_subjects(w)
    facts = Facts(w.season, subjects)
    with django_assert_num_queries(2):  # the seats, then the units the collectives need
        seats, leadership = facts.seats, facts.leadership_member_ids
    active = CommitteeSeat.objects.active_on(REFERENCE)
    members = [s.member_id for s in subjects if s.member_id]
    expected = {}
    for member_id, organization_id, position in active.filter(member_id__in=members).values_list(
        "member_id", "organization_id", "position"
    ):
        expected.setdefault(member_id, []).append((organization_id, position))
    assert dict(seats) == expected
    assert set(seats) == {w.head.pk, w.deputy.pk}
    held_in_year = {w.head.pk, w.deputy.pk, w.members1[2].pk}
    assert leadership[w.cell1.pk] == held_in_year
    with django_assert_num_queries(1):  # the subjects around: the seated ones among them
        seated = {s.member_id for s in facts.seated_subjects[w.cell1.pk]}
    assert seated == {w.head.pk, w.deputy.pk}


def test_the_seats_read_with_the_subjects_equal_the_facts_own_read(world, django_assert_num_queries):
    """R366-SCOPE-6 / R366-SCOPE-4 / R-RATE-5: the seats a page reads with its subjects (a member's
    by member, a collective's by its committee) give the rows of the Facts' own read — a suspended
    seat held in the year, an ended seat gone, a concurrent full-time post not active — each seat
    once though the member and the cell are both among the subjects."""
    w = world
    _suspended_and_ended_seats(w)
    CommitteeSeat.objects.create(
        member=w.members1[3],
        organization=w.base,
        position=3,
        starts_on=datetime.date(2026, 2, 1),
        concurrent=CommitteeSeat.Concurrent.FULL_TIME,
        main_place=False,
    )
    plain = Facts(w.season, _cell_subjects(w))
    annotated, read = _annotated_cell(w)
    with django_assert_num_queries(0):
        rows = read._seat_rows
    assert sorted(rows) == sorted(plain._seat_rows)
    assert len(rows) == len(set(rows)) == 4  # the head's and the deputy's, the suspended, the concurrent
    assert (w.members1[3].pk, w.base.pk, 3, False, True) in rows
    assert (w.members1[2].pk, w.cell1.pk, 2, False, True) in rows
    assert dict(read.seats) == dict(plain.seats)
    assert read.leadership_member_ids == plain.leadership_member_ids


def test_the_quota_groups_come_with_their_decided_counts(world, django_assert_num_queries):
    """R-RATE-2: the meter's counts read with the groups equal a count of the decided subjects."""
    w = world
    decide_everything_below_the_commune(w)
    quota = w.season.rule_set.quota
    counted = (quota["capped_level"], quota["base_level"])
    keys = sorted(
        set(Subject.objects.filter(season=w.season).exclude(quota_key="").values_list("quota_key", flat=True))
    )
    expected: dict[str, list[str]] = {}
    for key, level, n in (
        Subject.objects.filter(
            season=w.season, quota_key__in=keys, state=Subject.State.DECIDED, decided_level__in=counted
        )
        .values_list("quota_key", "decided_level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        expected.setdefault(key, []).extend([level] * n)
    assert expected, "the world decided members in some group"
    with django_assert_num_queries(1):
        groups, decided = decided_in_groups(w.season, keys)
    assert set(groups) == set(keys)
    assert {k: sorted(v) for k, v in decided.items() if v} == {k: sorted(v) for k, v in expected.items()}
    for key in keys:  # one group (a cell's members): a kept read, the same counts
        with django_assert_num_queries(1):
            groups, decided = decided_in_groups(w.season, [key])
        assert set(groups) == {key} and sorted(decided[key]) == sorted(expected.get(key, []))
    # A key whose group row is missing (the subject's scope changed after the opening) is counted too.
    gone = next(iter(expected))
    QuotaGroup.objects.filter(season=w.season, key=gone).delete()
    with django_assert_num_queries(2):
        groups, decided = decided_in_groups(w.season, keys)
    assert gone not in groups and sorted(decided[gone]) == sorted(expected[gone])


def _check_home_tiles(w):
    """The home page's tiles (R-SCOPE-2, R-SCOPE-6) read from the kept figures equal the counts
    over the unit's subtree they replaced, for every unit of the season."""
    from config.home import _counts
    from reviews.figures import kept_rows_of_units
    from reviews.models import SeasonUnit

    S = Subject.State
    units = list(SeasonUnit.objects.filter(season=w.season))
    rows = kept_rows_of_units(w.season, units)
    for unit in units:
        subjects = Subject.objects.filter(season=w.season, path__startswith=unit.path)
        in_scope = subjects.filter(out_of_scope="")
        states = ("submitted", "absent", "reviewed", "proposed", "decided")
        expected = {
            "total": subjects.count(),
            "members": subjects.filter(kind=Subject.Kind.MEMBER).count(),
            "writing": in_scope.filter(state__in=[S.DRAFT, S.RETURNED]).count(),
            "not_in_scope": subjects.exclude(out_of_scope="").count(),
            **{state: in_scope.filter(state=state).count() for state in states},
        }
        assert _counts(rows[unit.pk]) == expected, unit.code


def test_the_home_tiles_equal_a_count_of_the_subtree_while_the_review_runs(world):
    w = world
    _check_home_tiles(w)  # opened: everyone writing
    collective = w.subject(unit=w.cell1)
    complete_form(w.subject(member=w.head), w.secretary)
    complete_form(w.subject(member=w.members1[2]), w.secretary)
    complete_form(collective, w.secretary)
    review(collective, w.secretary, [w.subject(member=w.head)], absent=[w.subject(member=w.deputy)])
    _check_home_tiles(w)  # reviewed, absent and submitted beside those writing
    assert w.subject(member=w.deputy).state == Subject.State.ABSENT


def test_the_home_tiles_equal_a_count_of_the_subtree_once_decided(world):
    decide_everything_below_the_commune(world)
    _check_home_tiles(world)


def test_a_pledge_and_its_items_are_read_in_one_query(world, django_assert_num_queries):
    """R-FORM-5 reads the items of each pledge: one query for the pledges and their items, in the
    items' order, and a pledge without items is still a pledge."""
    from members.models import Pledge, PledgeItem
    from tests.reviews.helpers import give_pledge

    w = world
    full = give_pledge(w.head)
    Pledge.objects.create(member=w.deputy, year=2026)
    PledgeItem.objects.filter(pledge=full, order=0).update(order=9)  # the first item moves last
    facts = Facts(w.season, _cell_subjects(w))
    with django_assert_num_queries(1):
        pledges = facts.pledges
        items = facts.pledge_items(pledges[w.head.pk])
        none = facts.pledge_items(pledges[w.deputy.pk])
    assert [i.pk for i in items] == list(full.items.order_by("order", "id").values_list("pk", flat=True))
    assert items[-1].order == 9 and none == []
    assert set(pledges) == {w.head.pk, w.deputy.pk}
    assert pledges[w.head.pk].state == full.state and pledges[w.head.pk]._state.db == "default"


def test_a_pledges_items_come_back_from_the_json_list_as_they_were_written(world):
    """The items travel as one JSON list built by the database (reviews/facts/sql.py, JSONRow):
    quotes, backslashes, line breaks, Vietnamese letters and an empty target come back unchanged."""
    from members.models import Pledge, PledgeItem

    w = world
    pledge = Pledge.objects.create(member=w.head, year=2026)
    texts = ['Học tập "Nghị quyết" số 57\\NQ-TW', "Rèn luyện đạo đức,\nlối sống; tự phê bình", "{}[]: ,"]
    for order, text in enumerate(texts):
        PledgeItem.objects.create(
            pledge=pledge, category="ethics", text=text, target="" if order else "100 %", order=order
        )
    facts = Facts(w.season, _cell_subjects(w))
    items = facts.pledge_items(facts.pledges[w.head.pk])
    written = list(PledgeItem.objects.filter(pledge=pledge).order_by("order", "id"))
    fields = [f.attname for f in PledgeItem._meta.concrete_fields]
    assert [[getattr(i, f) for f in fields] for i in items] == [
        [getattr(i, f) for f in fields] for i in written
    ]
    assert [i.text for i in items] == texts


def test_remediation_and_leave_read_with_the_subjects_equal_the_facts_own_reads(
    db, django_assert_num_queries
):
    """R366-RATE-2 (last year's shortcomings remedied), R-RATE-9/R366 leave caps: the annotations a
    page reads with its subjects give what the Facts' own reads give — for a member (matched by
    member) and for the cell (matched by its organization and kind), done and not done counted."""
    w = build_world(open_now=False)
    earlier = open_season(top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15))
    member_plan = RemediationPlan.objects.create(
        subject=Subject.objects.get(season=earlier, member=w.members1[3])
    )
    cell_plan = RemediationPlan.objects.create(
        subject=Subject.objects.get(
            season=earlier, unit__organization=w.cell1, kind=Subject.Kind.ORGANIZATION
        )
    )
    for plan, statuses in ((member_plan, ["done", "in_progress"]), (cell_plan, ["done", "done", "open"])):
        for n, status in enumerate(statuses):
            RemediationItem.objects.create(plan=plan, text=f"Việc {n}", status=status)
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    LeaveRecord.objects.create(member=w.members1[3], year=2026, kind=LeaveRecord.Kind.SICK, days=120)
    LeaveRecord.objects.create(member=w.members1[2], year=2026, kind=LeaveRecord.Kind.MATERNITY, days=180)
    LeaveRecord.objects.create(member=w.members1[2], year=2025, kind=LeaveRecord.Kind.SICK, days=30)
    for source in ("former", "residence", "former"):
        FormerCellComment.objects.create(
            subject=w.subject(member=w.deputy),
            source=source,
            from_name="Chi bộ cũ",
            text="Gương mẫu",
            received_on=REFERENCE,
            recorded_by=w.secretary,
        )
    base_unit = SeasonUnit.objects.get(season=w.season, organization=w.base)
    for subject, answers in (
        (w.subject(member=w.members1[3]), ["", " \n", "Đã khắc phục"]),
        (w.subject(member=w.head), ["Đã trả lời"]),
    ):
        for answer in answers:
            Suggestion.objects.create(
                subject=subject,
                issued_by_unit=base_unit,
                issued_by=w.base_staff,
                text="Làm rõ",
                answer=answer,
                meeting_min_days=2 if answer == "Đã trả lời" else None,
            )
    plain = Facts(w.season, _cell_subjects(w))
    annotated, read = _annotated_cell(w)
    with django_assert_num_queries(0):
        remediation, leave = read.previous_remediation, read.leave_days
        unanswered = read.unanswered_suggestions
    assert remediation == plain.previous_remediation
    assert leave == plain.leave_days
    assert unanswered == plain.unanswered_suggestions == {w.subject(member=w.members1[3]).pk: 2}
    assert suggestions_issued(annotated) == (4, 2)  # R366-SCOPE-8: the longest meeting asked for
    with django_assert_num_queries(0):
        outside = read.outside_comments
    assert outside == plain.outside_comments == {w.subject(member=w.deputy).pk: {"former", "residence"}}
    cell = next(s for s in annotated if s.kind == Subject.Kind.ORGANIZATION)
    assert remediation == {w.subject(member=w.members1[3]).pk: (2, 1), cell.pk: (3, 2)}
    assert leave == {
        (w.members1[3].pk, LeaveRecord.Kind.SICK): 120,
        (w.members1[2].pk, LeaveRecord.Kind.MATERNITY): 180,
    }


def test_the_subjects_around_a_cell_are_read_through_indexes(world):
    """The read of the subjects around the given ones names the units below the collectives by a
    subquery PostgreSQL computes once (reviews/facts/sql.py), not a filter run over every collective
    of the season (a SubPlan), and finds the same subjects as the joins it replaced."""
    w = world
    # The base organization (cells below it) and a cell member who heads the cell's committee.
    given = Subject.objects.filter(season=w.season).filter(
        Q(unit__organization=w.base, kind=Subject.Kind.ORGANIZATION) | Q(member=w.head)
    )
    facts = Facts(w.season, list(given.select_related("season__rule_set", "unit")))
    with CaptureQueriesContext(connection) as queries:
        around = {s.pk for s in facts._around}
    read = next(q["sql"] for q in queries.captured_queries if "parent_organization_id" in q["sql"])
    assert "= ANY(ARRAY(SELECT" in read
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {read}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "SubPlan" not in plan, plan
    collective = ~Q(kind=Subject.Kind.MEMBER)
    joined = Subject.objects.filter(season=w.season).filter(
        Q(kind=Subject.Kind.MEMBER, unit_id__in=facts._collective_units)
        | (Q(unit_id__in=list(facts.units)) & collective)
        | (Q(unit__parent_id__in=facts._collective_units) & collective)
        | Q(member_id__in=facts._seated_members)
        | Q(kind=Subject.Kind.ORGANIZATION, unit__parent__organization_id__in=facts._headed_organizations)
    )
    assert around == set(joined.values_list("pk", flat=True))
    below = {s.unit.organization_id for s in facts._around if s.unit.parent_id in facts._collective_units}
    assert {w.cell1.pk, w.cell2.pk} <= below  # the branch that was a join is in play


def test_the_members_of_the_subjects_units_are_read_only_where_a_rule_asks(world, django_assert_num_queries):
    """Facts.unit_members: a collective's members come with the subjects around it; a given
    member's colleagues in one query of their own, never inside the read around (a queue of members
    from many cells); the cell board's own subjects when it read every subject of its unit. Each
    equals the plain query of the units' members."""
    w = world

    def plain(units):
        found = Subject.objects.filter(season=w.season, kind=Subject.Kind.MEMBER, unit_id__in=units)
        return {unit: {s.pk for s in found if s.unit_id == unit} for unit in units}

    def read(facts):
        return {unit: {s.pk for s in members} for unit, members in facts.unit_members.items()}

    cell1 = w.subject(unit=w.cell1)
    member2 = w.subject(member=w.members2[0])
    facts = Facts(
        w.season, list(Subject.objects.filter(pk__in=[cell1.pk, member2.pk]).select_related("unit"))
    )
    around_members = {s.pk for s in facts._around if s.kind == Subject.Kind.MEMBER}
    assert plain([cell1.unit_id])[cell1.unit_id] <= around_members
    assert not around_members & plain([member2.unit_id])[member2.unit_id] - {member2.pk}
    expected = plain([cell1.unit_id, member2.unit_id])
    with django_assert_num_queries(1):  # the member's colleagues, not the collective's members again
        assert read(facts) == expected

    collective_only = Facts(w.season, [cell1])
    collective_only._around  # noqa: B018 (read first)
    expected = plain([cell1.unit_id])
    with django_assert_num_queries(0):
        assert read(collective_only) == expected

    board = _cell_subjects(w)
    loaded = Facts(w.season, board, loaded=("unit_members",))
    with django_assert_num_queries(0):
        assert read(loaded) == expected


def test_the_cell_board_s_read_around_takes_its_own_members_and_finds_the_same(world):
    """The cell board gives the Facts every subject of its cell (`loaded=("unit_members",)`): the
    read around then reads none of its members again, yet finds the same subjects, and the rules'
    views of them (the seated members, R366-ORDER-2; the head, R366-RATE-9; the units a leader
    leads, R366-RATE-5; the collectives) are the same as from a read of everything."""
    w = world
    board = _cell_subjects(w)
    loaded = Facts(w.season, board, loaded=("unit_members",))
    plain = Facts(w.season, _cell_subjects(w))
    assert {s.pk for s in loaded._around} == {s.pk for s in plain._around}
    members = [s for s in loaded._around if s.kind == Subject.Kind.MEMBER]
    assert members and all(any(s is given for given in board) for s in members)  # not read again

    def pks(by_key):
        return {key: sorted(s.pk for s in subjects) for key, subjects in by_key.items()}

    assert pks(loaded.seated_subjects) == pks(plain.seated_subjects)
    assert {w.head.pk, w.deputy.pk} <= {s.member_id for s in loaded.seated_subjects[w.cell1.pk]}
    assert {u: s.pk for u, s in loaded.head_subjects.items()} == {
        u: s.pk for u, s in plain.head_subjects.items()
    }
    assert loaded.head_subjects  # the cell's committee has its head among the members
    assert dict(loaded.units_led_levels) == dict(plain.units_led_levels)
    assert {k: s.pk for k, s in loaded.collectives.items()} == {k: s.pk for k, s in plain.collectives.items()}


def test_open_checks_and_pending_affiliates_read_with_the_subjects_equal_the_facts_own_reads(
    world, django_assert_num_queries
):
    """R366-ORDER-4 (a check under way blocks the decision) and R-ORDER-4 (the affiliated
    collectives reviewed first): read as JSON lists with the subjects, they give what the Facts'
    own reads give — only open checks, in the order opened; only the collectives not yet marked
    reviewed this season, for the collectives' organizations."""
    w = world
    member = w.subject(member=w.members1[3])
    now = timezone.now()
    for n, (kind, closed) in enumerate([("complaint", False), ("disunity", True), ("denunciation", False)]):
        CheckFlag.objects.create(
            subject=member,
            kind=kind,
            reason=f"Lý do {n} — “trích”",
            opened_by=w.base_staff,
            opened_at=now - datetime.timedelta(days=10 - 3 * n),
            closed_at=now if closed else None,
        )
    names = ["Công đoàn", "Ban Giám hiệu", "Đoàn thanh niên"]
    affiliates = [
        AffiliatedCollective.objects.create(organization=w.base, name=n, kind="mass") for n in names
    ]
    AffiliateReview.objects.create(
        season=w.season, affiliate=affiliates[2], done_on=REFERENCE, recorded_by=w.base_staff
    )
    given = (
        Subject.objects.filter(season=w.season)
        .filter(Q(unit__organization__in=[w.base, w.cell1]) | Q(member=w.members1[3]))
        .select_related("season__rule_set", "unit")
        .order_by("pk")
    )
    plain = Facts(w.season, list(given))
    read = Facts(w.season, list(given.annotate(**facts_annotations(w.season))), loaded=ANNOTATED)
    with django_assert_num_queries(0):
        checks, pending = read.open_checks, read.pending_affiliates
    assert {pk: [(c.kind, c.reason) for c in flags] for pk, flags in checks.items()} == {
        pk: [(c.kind, c.reason) for c in flags] for pk, flags in plain.open_checks.items()
    }
    assert [c.kind for c in checks[member.pk]] == ["complaint", "denunciation"]
    assert {o: sorted(n) for o, n in plain.pending_affiliates.items()} == pending
    assert pending == {w.base.pk: sorted(names[:2])}


def test_the_waiting_children_read_with_the_subjects_equal_the_facts_own_read(db, django_assert_num_queries):
    """R366-ORDER-3: the subordinate collectives a collective waits for — in scope and not yet
    decided, by name — read with the page's subjects give the Facts' own read; under QĐ 366 the
    subjects around are read without every collective below (the rule only asks which wait), and
    a subordinate's discipline still counts against its parent (R-RATE-6)."""
    from organizations.models import OrganizationDiscipline
    from reviews.regimes import regime_of

    w = build_world(open_now=False)
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert not regime_of(w.season.rule_set).weighs_every_child
    cell1 = w.subject(unit=w.cell1)
    Subject.objects.filter(pk=w.subject(unit=w.cell2).pk).update(state=Subject.State.DECIDED)
    Subject.objects.filter(pk=w.subject(unit=w.base_cell).pk).update(out_of_scope="exempt")
    OrganizationDiscipline.objects.create(
        organization=w.cell2,
        decided_on=datetime.date(2026, 5, 1),
        form="reprimand",
        decided_by="Đảng ủy",
        violation_year=2026,
    )
    collectives = Subject.objects.filter(season=w.season, member__isnull=True).select_related(
        "season__rule_set", "unit"
    )
    plain = Facts(w.season, list(collectives.order_by("pk")))
    annotated = list(collectives.annotate(**facts_annotations(w.season)).order_by("pk"))
    read = Facts(w.season, annotated, loaded=ANNOTATED)
    with django_assert_num_queries(0):
        waiting = read.waiting_children
    assert waiting == plain.waiting_children
    base_unit = SeasonUnit.objects.get(season=w.season, organization=w.base)
    commune_unit = SeasonUnit.objects.get(season=w.season, organization=w.commune)
    assert [c.pk for c in waiting[base_unit.pk]] == [cell1.pk]  # CB2 decided
    assert [c.name for c in waiting[commune_unit.pk]] == [w.subject(unit=w.base).name]  # CS2 out of scope
    with pytest.raises(LookupError):
        read.children  # noqa: B018 — QĐ 366 reads the waiting ones only
    disciplined = plain.collective_disciplines[base_unit.pk]
    assert [(kind, r.organization_id) for kind, r in disciplined] == [("child", w.cell2.pk)]


def test_subjects_with_the_facts_resolved_once_per_thread_read_what_the_annotations_read(world):
    """`subjects_with_facts` (the annotations resolved once per season and thread) reads, filtered
    for a page, the same values as annotating the page's own query; evaluating a filtered copy
    leaves the kept queryset unfiltered; another thread gets its own."""
    import threading

    from reviews.facts.with_subjects import subjects_with_facts

    w = world
    names = ["pk", *dict(facts_annotations(w.season))]
    plain = list(
        Subject.objects.filter(season=w.season)
        .annotate(**facts_annotations(w.season))
        .order_by("pk")
        .values(*names)
    )
    for _twice in range(2):
        kept = list(subjects_with_facts(w.season).filter(season=w.season).order_by("pk").values(*names))
        assert kept == plain and len(kept) > 10
    cell = list(
        subjects_with_facts(w.season).filter(season=w.season, unit__code="CB1").values_list("pk", flat=True)
    )
    assert sorted(cell) == sorted(
        Subject.objects.filter(season=w.season, unit__code="CB1").values_list("pk", flat=True)
    )
    assert not subjects_with_facts(w.season).query.where  # the kept queryset was never filtered
    assert subjects_with_facts(w.season).query is not subjects_with_facts(w.season).query  # a copy each time
    ours = subjects_with_facts(w.season).query.annotations["seat_list"]
    theirs = []
    thread = threading.Thread(
        target=lambda: theirs.append(subjects_with_facts(w.season).query.annotations["seat_list"])
    )
    thread.start()
    thread.join()
    assert theirs and theirs[0] is not ours
    assert subjects_with_facts(w.season).query.annotations["seat_list"] is ours  # kept in this thread


def test_the_annotations_sql_is_kept_per_query_shape_and_reads_the_same(world):
    """The kept annotations' SQL (CompiledOnce) is compiled once for the queries that join the same
    tables under the same aliases, and again for another shape; every query reads, with the kept
    SQL, the same statement and the same values as annotating it afresh."""
    from reviews.facts.with_subjects import subjects_with_facts

    w = world
    related = ("member", "decider", "form", "meeting_entry", "meeting")

    def board(queryset, code):
        return queryset.filter(season=w.season, unit__code=code).select_related(*related).order_by("pk")

    fresh = Subject.objects.annotate(**facts_annotations(w.season))
    names = list(dict(facts_annotations(w.season)))
    for code in ("CB1", "CB2", "CB1"):
        kept, plain = board(subjects_with_facts(w.season), code), board(fresh, code)
        assert str(kept.query) == str(plain.query)
        read = [(s.pk, *(getattr(s, n) for n in names)) for s in kept]
        assert read == [(s.pk, *(getattr(s, n) for n in names)) for s in plain] and read
    seats = subjects_with_facts(w.season).query.annotations["seat_list"]
    assert len(seats.compiled) == 1  # the three boards: one shape, compiled once
    by_parent = subjects_with_facts(w.season).filter(unit__parent__code="CS1").order_by("pk")  # one join more
    read = list(by_parent.values("pk", "seat_list"))
    assert read == list(fresh.filter(unit__parent__code="CS1").order_by("pk").values("pk", "seat_list"))
    assert len(read) > 5
    assert len(seats.compiled) == 2


def test_the_cell_board_s_kept_read_reads_what_annotating_afresh_reads(world, django_assert_num_queries):
    """load_cell reads a unit's subjects with a kept read (config/kept_reads.py) per season: for
    each unit, the same subjects in the same order, with the same annotations and records, in one
    query; after a step changes a subject, the next read shows it."""
    from reviews.views.cell.common import load_cell

    w = world
    related = ("decider", "form", "meeting_entry", "meeting")  # not the member record: no row shows it
    fresh = Subject.objects.annotate(**facts_annotations(w.season))
    names = list(dict(facts_annotations(w.season)))

    def values(subjects):
        return [
            (s.pk, s.state, s.member_id, s.decider_id, *(getattr(s, n) for n in names))
            + tuple(getattr(s, r, None) and getattr(s, r).pk for r in related)
            for s in subjects
        ]

    for code in ("CB1", "CB2", "CB1"):
        unit = SeasonUnit.objects.get(season=w.season, code=code)
        plain = values(
            fresh.filter(season=w.season, unit=unit).select_related(*related).order_by("sort_key", "id")
        )
        with django_assert_num_queries(1):
            read = values(load_cell(w.season, unit).subjects)
        assert read == plain and len(read) > 3
    unit = SeasonUnit.objects.get(season=w.season, code="CB1")
    changed = load_cell(w.season, unit).subjects[0]
    Subject.objects.filter(pk=changed.pk).update(state=Subject.State.ABSENT)
    assert load_cell(w.season, unit).subjects[0].state == Subject.State.ABSENT
