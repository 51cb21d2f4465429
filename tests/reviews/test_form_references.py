"""The reference lists (R-FORM-7) are kept per process for a minute: a form reads them once, a
change an administrator saves shows at the next form, and each form marks its own ticks."""

import pytest

from reviews.models import ReferenceItem
from reviews.views import form_references


@pytest.fixture
def clock(monkeypatch):
    """The process's monotonic clock, moved by the test."""
    now = [1000.0]
    monkeypatch.setattr(form_references.time, "monotonic", lambda: now[0])
    form_references.forget_reference_items()
    return now


def _labels(lists) -> dict[int, str]:
    return {ref.pk: ref.label for listed in lists for group in listed["groups"] for ref in group["items"]}


def test_r_form_7_the_lists_are_read_once_then_kept(db, clock, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = form_references.reference_lists(set())
    with django_assert_num_queries(0):
        again = form_references.reference_lists(set())
    assert [len(listed["groups"]) for listed in first] == [len(listed["groups"]) for listed in again]
    assert len(_labels(again)) == 46 == ReferenceItem.objects.count()


def test_r_form_7_each_form_marks_its_own_ticks(db, clock):
    item = ReferenceItem.objects.order_by("list", "number").first()
    ticked = form_references.reference_lists({item.pk})
    plain = form_references.reference_lists(set())
    assert [ref.pk for ref in ticked[0]["ticked"]] == [item.pk] and ticked[0]["groups"][0]["items"][
        0
    ].is_ticked
    assert plain[0]["ticked"] == [] and not plain[0]["groups"][0]["items"][0].is_ticked


def test_r_form_7_a_saved_change_shows_at_once(db, clock):
    form_references.reference_lists(set())
    item = ReferenceItem.objects.get(list="prohibition", number=8)
    item.label = "Nhãn đã sửa"
    item.save()  # as the admin saves it
    assert _labels(form_references.reference_lists(set()))[item.pk] == "Nhãn đã sửa"
    item.delete()
    assert item.pk not in _labels(form_references.reference_lists(set()))


def test_r_form_7_a_change_made_elsewhere_shows_within_the_minute(db, clock):
    form_references.reference_lists(set())
    item = ReferenceItem.objects.get(list="prohibition", number=8)
    ReferenceItem.objects.filter(pk=item.pk).update(label="Sửa ở tiến trình khác")  # no signal here
    clock[0] += form_references.KEPT_SECONDS - 1
    assert _labels(form_references.reference_lists(set()))[item.pk] == item.label
    clock[0] += 2
    assert _labels(form_references.reference_lists(set()))[item.pk] == "Sửa ở tiến trình khác"
