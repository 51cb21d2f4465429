"""No user loses what they typed when a step is refused, on the pages where an author writes: the
remediation plan, and the self-review saved without JavaScript. What was typed comes back in its
field while the form is still offered, else to be copied; nothing was saved."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import RemediationPlan
from tests.reviews.views.test_followup_pages import reviewed_deputy
from tests.reviews.views.test_typed_text_kept import TYPED, client_for, in_a_field

pytestmark = pytest.mark.django_db
COPY_IT = "What you typed was not saved; copy it if you still need it:"


# -- the remediation plan -------------------------------------------------------------------------


def _plan(**items) -> dict:
    return {"item-TOTAL_FORMS": "5", "item-INITIAL_FORMS": "0", **items}


def test_a_plan_sent_again_after_its_submission_is_shown_to_be_copied(world):
    """Submitted meanwhile, in another tab: the plan's form is gone (progress is recorded per
    item), so each item typed is shown to be copied, with who and by when."""
    deputy = reviewed_deputy(world)
    url = reverse("reviews:remediation", args=[world.season.pk, deputy.pk])
    services.submit_remediation_plan(subject=deputy, actor=world.member_user, items=[{"text": "Học tin học"}])
    data = _plan(
        **{"item-0-text": TYPED, "item-0-owner": "Phạm Thị Lan", "item-0-due_on": "30/06/2027"},
        **{"item-1-text": "Tham gia đầy đủ sinh hoạt chi bộ"},
    )
    response = client_for(world.member_user).post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The plan has been submitted; record the progress of each item instead." in page
    assert 'name="item-0-text"' not in page  # the form is gone…
    assert COPY_IT in page  # …so what was typed is shown to be copied
    assert in_a_field(page, TYPED) and "Phạm Thị Lan" in page and "30/06/2027" in page
    assert "Tham gia đầy đủ sinh hoạt chi bộ" in page
    plan = RemediationPlan.objects.get(subject=deputy)
    assert list(plan.items.values_list("text", flat=True)) == ["Học tin học"]


def test_a_plan_with_a_wrong_date_comes_back_in_its_form(world):
    """Before the plan is submitted a refusal keeps the form, filled as typed."""
    deputy = reviewed_deputy(world)
    url = reverse("reviews:remediation", args=[world.season.pk, deputy.pk])
    data = _plan(**{"item-0-text": TYPED, "item-0-due_on": "31/02/2027"})
    page = client_for(world.member_user).post(url, data).content.decode()
    assert in_a_field(page, TYPED) and 'value="31/02/2027"' in page and COPY_IT not in page
    assert not RemediationPlan.objects.filter(subject=deputy, submitted_at__isnull=False).exists()
