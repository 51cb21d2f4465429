"""reviews/views/staff/queue_page.py: the queue's page read through a statement kept per shape of
the view gives the rows and total the same query gives built afresh, for every filter, sort and
page; the subtrees' paths are written into its SQL and the ids stay parameters."""

import pytest
from django.db import connection
from django.test import RequestFactory

from reviews.models import SeasonUnit, Subject
from reviews.views.paging import counted_rows
from reviews.views.staff import queue_page as queue_page_module
from reviews.views.staff.queue import attach_deciders, deciding_units
from reviews.views.staff.queue_page import (
    QueueView,
    _page_read,
    collectives_to_propose,
    organizations_in_queue,
    queue_page,
    subjects,
)
from tests.factories import UserFactory
from tests.reviews.helpers import propose
from tests.reviews.views.test_staff_pages import reviewed

pytestmark = pytest.mark.django_db
S = Subject.State


def _view(user, w, chosen=None, **wanted) -> QueueView:
    request = RequestFactory().get("/")
    request.user = user
    return QueueView.of(request, w.season, deciding_units(user, w.season), chosen).filtered(wanted)


def _afresh(w, view: QueueView, number: int, per_page: int) -> list:
    return list(counted_rows(subjects(w.season, view.shape(), *view.values()), number, per_page))


def test_the_kept_page_read_gives_what_the_query_built_afresh_gives_for_each_view(world):
    w = world
    reviewed(w)
    propose([w.subject(member=m) for m in w.members1], w.secretary)
    root = UserFactory(username="root", is_superuser=True)
    views = [
        _view(w.base_staff, w),
        _view(w.base_staff, w, state="all", sort="org"),
        _view(w.base_staff, w, state=S.REVIEWED, sort="state"),
        _view(w.base_staff, w, state="all", level="HTTNV"),
        _view(w.base_staff, w, w.subject(unit=w.cell2).unit, state="all"),
        _view(w.commune_staff, w, state="all"),
        _view(root, w, state="all"),
        _view(root, w),
    ]
    for view in views:
        for per_page in (3, 50):
            for number in (1, 2, 9):
                expected = [(s.pk, s.total_rows, s.unit.code) for s in _afresh(w, view, number, per_page)]
                if number > 1 and not expected:  # past the last page: the first
                    expected = [(s.pk, s.total_rows, s.unit.code) for s in _afresh(w, view, 1, per_page)]
                page, shown = queue_page(w.season, view, str(number), per_page)
                assert [(s.pk, s.total_rows, s.unit.code) for s in shown] == expected, (view, number)
                assert page.paginator.count == (shown[0].total_rows if shown else 0)
    assert any(queue_page(w.season, views[1], "1", 3)[1])  # the views do show rows
    assert not queue_page(w.season, _view(w.base_staff, w, state=S.DECIDED), "1", 50)[1]


def test_the_paths_are_written_into_the_read_and_the_ids_are_its_parameters(world):
    w = world
    view = _view(w.base_staff, w, state="all")
    read = _page_read(w.season, view, 1, 50)
    read.read(*view.values())
    compiled = read._for("default")
    if connection.vendor == "postgresql":
        assert all(f"'{path}%%'" in compiled.sql for path in view.paths)
        # the member records, and the deciding units twice (the decider, or its parent for a re-rating)
        assert len(compiled.params) == 3
    assert view.paths and len(view.unit_ids) == 1


def test_pages_past_the_kept_ones_are_read_afresh(world, monkeypatch):
    """A page past KEPT_PAGES is read without a kept statement (each page is its own SQL), and
    gives the same rows."""
    w = world
    reviewed(w)
    monkeypatch.setattr(queue_page_module, "KEPT_PAGES", 3)
    view = _view(w.base_staff, w, state="all")
    assert len(_afresh(w, view, 1, 1_000)) > 4  # one row a page: page 5 is past the kept ones
    kept_before = set(queue_page_module._READS)
    for number in (3, 5):
        page, shown = queue_page(w.season, view, str(number), 1)
        assert [s.pk for s in shown] == [s.pk for s in _afresh(w, view, number, 1)]
        assert page.number == number
    added = set(queue_page_module._READS) - kept_before
    assert [key[-2] for key in added] in ([3], [])  # page 3 kept (unless kept already), page 5 not


def test_the_collectives_to_propose_and_the_organizations_follow_the_scope_and_the_chosen_unit(world):
    w = world
    reviewed(w)
    cell2 = w.subject(unit=w.cell2).unit
    waiting = {s.name for s in collectives_to_propose(w.season, _view(w.base_staff, w), 50)}
    assert waiting == {"Chi bộ Tổ Toán", "Chi bộ Tổ Văn"}  # reviewed, their committee proposes next
    in_cell2 = collectives_to_propose(w.season, _view(w.base_staff, w, cell2), 50)
    assert [s.name for s in in_cell2] == ["Chi bộ Tổ Văn"]
    assert (
        collectives_to_propose(w.season, _view(w.base_staff, w), 1)
        == sorted(
            collectives_to_propose(w.season, _view(w.base_staff, w), 50), key=lambda s: (s.path, s.kind)
        )[:1]
    )
    codes = [code for code, _name in organizations_in_queue(w.season, _view(w.base_staff, w), 500)]
    paths = [SeasonUnit.objects.get(season=w.season, code=code).path for code in codes]
    assert {"CB1", "CB2"} <= set(codes) and paths == sorted(paths)  # in the tree's order
    root = UserFactory(username="root", is_superuser=True)
    assert set(codes) <= {c for c, _n in organizations_in_queue(w.season, _view(root, w), 500)}


def test_the_rows_deciders_come_from_the_units_decided_for_and_the_others_in_one_query(
    world, django_assert_num_queries
):
    """queue.attach_deciders: each row's deciding unit, with its parent (a re-rating decided a
    level up, access.deciding_unit), is the unit the user decides for; a decider outside them (a
    superuser's queue) is read with the others missing, in one query."""
    w = world
    members = [w.subject(member=m) for m in w.members1 + w.members3]
    units = deciding_units(w.base_staff, w.season)
    mine = [
        s
        for s in Subject.objects.filter(pk__in=[s.pk for s in members])
        if s.decider_id in {u.pk for u in units}
    ]
    assert mine and len(mine) < len(members)  # the base cell's members are decided by the base cell
    with django_assert_num_queries(0):
        attach_deciders(mine, units)
        assert {s.decider.pk for s in mine} <= {u.pk for u in units}
        assert all(s.decider.parent.pk == s.decider.parent_id for s in mine)
    every = list(Subject.objects.filter(pk__in=[s.pk for s in members]))
    with django_assert_num_queries(1):
        attach_deciders(every, units)
        assert all(s.decider.parent.pk == s.decider.parent_id for s in every if s.decider.parent_id)
    assert all(s.decider == SeasonUnit.objects.get(pk=s.decider_id) for s in every)
