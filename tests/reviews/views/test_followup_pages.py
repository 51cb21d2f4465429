"""Remediation plans (R-REC-3) and prerequisite collectives (R-ORDER-4) in the browser."""

import pytest
from django.urls import reverse

from organizations.models import AffiliatedCollective
from reviews.models import AffiliateReview, Event, RemediationPlan
from tests.reviews.helpers import complete_form, review

pytestmark = pytest.mark.django_db


def reviewed_deputy(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for m in w.members1:
        complete_form(w.subject(member=m), w.member_user if m == w.deputy else w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    return w.subject(member=w.deputy)


def test_r_rec_3_a_member_submits_a_plan_and_records_progress(world, client):
    w = world
    subject = reviewed_deputy(w)
    url = reverse("reviews:remediation", args=[w.season.pk, subject.pk])
    client.force_login(w.member_user)
    assert client.get(url).status_code == 200
    data = {
        "item-TOTAL_FORMS": "5",
        "item-INITIAL_FORMS": "0",
        "item-0-text": "Học thêm tin học",
        "item-0-owner": "Phạm Thị Lan",
        "item-0-due_on": "30/06/2027",
    }
    assert client.post(url, data).status_code == 302
    plan = RemediationPlan.objects.get(subject=subject)
    item = plan.items.get()
    assert item.due_on.isoformat() == "2027-06-30" and plan.submitted_by == w.member_user
    item_url = reverse("reviews:remediation-item", args=[w.season.pk, subject.pk, item.pk])
    client.post(item_url, {"note": "Đã có chứng chỉ"})
    item.refresh_from_db()
    assert (item.status, item.status_note) == ("open", "Đã có chứng chỉ")
    client.force_login(w.secretary)
    client.post(item_url, {"status": "done", "note": "Đã có chứng chỉ"})
    item.refresh_from_db()
    assert (item.status, item.status_note) == ("done", "Đã có chứng chỉ")


def test_r366_rate_2_a_member_cannot_mark_their_own_remediation_item_done(world, client):
    """R366-RATE-2 / R-REC-3: "earlier shortcomings remedied" reads the items' status, so the
    rated member does not set it: a 403, nothing saved, no event; the page
    offers them the result only and says who marks it. The cell secretary marks it, and the change is an event (R-REC-4)."""
    w = world
    subject = reviewed_deputy(w)
    plan = RemediationPlan.objects.create(subject=subject, submitted_at=subject.season.opened_at)
    item = plan.items.create(text="Học thêm tin học")
    item_url = reverse("reviews:remediation-item", args=[w.season.pk, subject.pk, item.pk])
    page_url = reverse("reviews:remediation", args=[w.season.pk, subject.pk])
    events = Event.objects.filter(subject=subject, action="remediation_item")
    client.force_login(w.member_user)
    page = client.get(page_url).content.decode()
    assert 'name="status"' not in page and 'name="note"' in page
    assert "do bí thư hoặc phó bí thư chi bộ" in page
    assert client.post(item_url, {"status": "done", "note": "Xong"}).status_code == 403
    item.refresh_from_db()
    assert (item.status, item.status_note) == ("open", "") and not events.exists()
    client.force_login(w.secretary)
    assert 'name="status"' in client.get(page_url).content.decode()
    assert client.post(item_url, {"status": "done", "note": "Xong"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    assert [e.data["to_status"] for e in events] == ["done"]


def test_r_rec_3_outsiders_do_not_see_a_plan_and_leaders_may_only_look(world, client):
    w = world
    subject = reviewed_deputy(w)
    url = reverse("reviews:remediation", args=[w.season.pk, subject.pk])
    client.force_login(w.secretary2)
    assert client.get(url).status_code == 404
    client.force_login(w.leader)
    assert client.get(url).status_code == 200
    assert client.post(url, {"item-TOTAL_FORMS": "5", "item-INITIAL_FORMS": "0"}).status_code == 403


@pytest.mark.parametrize("picked", ["abc", "", "1.5", "-3", "99999999", "9" * 30])
def test_a_prerequisite_collective_that_is_not_one_of_the_list_is_refused_with_a_message(
    world, client, picked
):
    """A hand-made form: the collective is not a number of the list, or none at all (it was a
    server error): nothing is recorded, and the page says what to choose."""
    w = world
    AffiliatedCollective.objects.create(organization=w.base, name="Ban Giám hiệu", kind="professional")
    url = reverse("reviews:affiliates", args=[w.season.pk, "CS1"])
    client.force_login(w.base_staff)
    response = client.post(url, {"affiliate": picked, "done_on": "10/11/2026"}, follow=True)
    assert response.status_code == 200
    assert "Hãy chọn tập thể và ngày tập thể đó kiểm điểm." in response.content.decode()
    assert not AffiliateReview.objects.exists()


def test_r_order_4_staff_mark_a_prerequisite_collective_reviewed(world, client):
    w = world
    affiliate = AffiliatedCollective.objects.create(
        organization=w.base, name="Ban Giám hiệu", kind="professional"
    )
    url = reverse("reviews:affiliates", args=[w.season.pk, "CS1"])
    client.force_login(w.base_staff)
    assert "Ban Giám hiệu" in client.get(url).content.decode()
    client.post(url, {"affiliate": affiliate.pk, "done_on": "2026-11-10"})
    assert AffiliateReview.objects.get(affiliate=affiliate).done_on.isoformat() == "2026-11-10"
    client.force_login(w.leader)
    assert client.post(url, {"affiliate": affiliate.pk, "done_on": "2026-11-10"}).status_code == 403
    client.force_login(w.outsider)
    assert client.get(url).status_code == 404
