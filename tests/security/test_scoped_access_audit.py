"""Access-control audit: every page and action checks that the user may see or do it, scoped to
their part of the organization tree. Outsiders get 404 (they must not learn that an object
exists, organizations/access.py); users who may see an object but not change it get 403. Each
test asserts the refusal and that nothing was changed."""

import pytest
from django.urls import reverse

from members.models import Pledge
from organizations.models import AffiliatedCollective, Kind, Role
from reports.models import ReportJob
from reviews import access, workflow
from reviews.models import (
    AffiliateReview,
    Notification,
    QuarterlyEvaluation,
    QuotaGroup,
    RedoDemand,
    RemediationItem,
    RemediationPlan,
    Subject,
    Suggestion,
)
from reviews.quarters import services
from tests.clock import ROLES_FROM
from tests.factories import UserFactory, make_member, make_org
from tests.reviews.conftest import build_world
from tests.reviews.helpers import (
    complete_form,
    decide_everything_below_the_commune,
    fresh,
    give_pledge,
    review,
)
from tests.reviews.test_qd366 import reviewed_cell, world366
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db
S = Subject.State


def as_user(client, user):
    client.force_login(user)
    return client


def season_url(name, w, *args):
    return reverse(f"reviews:{name}", args=[w.season.pk, *args])


def reviewed_cell1(w):
    """CB1 and its members submitted and reviewed at the cell's meeting (QĐ 124 world)."""
    collective = w.subject(unit=w.cell1)
    complete_form(collective, w.secretary)
    members = [w.subject(member=m) for m in w.members1]
    for subject in members:
        complete_form(subject, w.secretary)
    review(fresh(collective), w.secretary, [fresh(m) for m in members])
    return [fresh(m) for m in members]


# -- supervision: requiring a review again (R-SUP-1) -----------------------------------------------


def test_redo_by_someone_outside_the_subjects_tree_is_404_and_changes_nothing(client):
    w = build_world()
    subject = reviewed_cell1(w)[2]
    assert subject.state == S.REVIEWED
    for user in (w.outsider, w.secretary2, w.member_user):
        response = as_user(client, user).post(
            season_url("subject_require_redo", w, subject.pk), {"redo-reason": "Chưa sâu"}
        )
        assert response.status_code == 404, user.username
    assert fresh(subject).state == S.REVIEWED
    assert not RedoDemand.objects.exists()


def test_redo_by_a_viewer_without_the_right_is_403(client):
    w = build_world()
    subject = reviewed_cell1(w)[2]
    # The cell's secretary sees the subject but is not above the cell: refused, not hidden.
    response = as_user(client, w.secretary).post(
        season_url("subject_require_redo", w, subject.pk), {"redo-reason": "Chưa sâu"}
    )
    assert response.status_code == 403
    assert not RedoDemand.objects.exists()


# -- a quota group's rate (R366-RATE-10) ---------------------------------------------------------------


def test_raising_a_quota_group_outside_ones_tree_is_404_and_changes_nothing(client):
    w = world366()
    reviewed_cell(w)
    group = QuotaGroup.objects.filter(season=w.season, decider__organization=w.base).first()
    before = group.raised_percent
    for user in (w.outsider, w.secretary2, w.base_cell_secretary, w.member_user):
        response = as_user(client, user).post(
            season_url("queue_raise_quota", w, group.pk), {"percent": "30", "reason": "x"}
        )
        assert response.status_code == 404, user.username
    group.refresh_from_db()
    assert group.raised_percent == before


def test_raise_quota_next_never_leaves_the_site(client):
    w = world366()
    reviewed_cell(w)
    group = QuotaGroup.objects.filter(season=w.season, decider__organization=w.base).first()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"):
        response = as_user(client, w.base_staff).post(
            season_url("queue_raise_quota", w, group.pk), {"percent": "20", "reason": "x", "next": target}
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"], target


# -- the cell secretary's actions on another cell ------------------------------------------------------


def test_a_secretary_cannot_acknowledge_or_return_another_cells_pledge(client):
    w = build_world()
    pledge = give_pledge(w.members1[3], acknowledged=False)
    client = as_user(client, w.secretary2)
    for name in ("cell_acknowledge_pledge", "cell_return_pledge"):
        # Through their own cell's URL: the pledge is not of that cell.
        assert client.post(season_url(name, w, "CB2", pledge.pk)).status_code == 404
        # Through the pledge's cell: not theirs.
        assert client.post(season_url(name, w, "CB1", pledge.pk)).status_code == 404
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.SUBMITTED


def test_a_secretary_cannot_return_another_cells_review_through_their_own_cell(client):
    w = build_world()
    subject = w.subject(member=w.members1[3])
    complete_form(subject, w.secretary)
    response = as_user(client, w.secretary2).post(
        season_url("cell_return_form", w, "CB2", subject.pk), {"reason": "Viết lại"}
    )
    assert response.status_code == 404
    assert fresh(subject).state == S.SUBMITTED


def test_a_secretary_cannot_save_a_meeting_row_of_another_cells_member(client):
    w = build_world()
    subject = reviewed_cell1(w)[3]
    response = as_user(client, w.secretary2).post(
        season_url("meeting_row", w, "CB2", subject.pk), {f"{subject.pk}-level": "HTXSNV"}
    )
    assert response.status_code == 404
    assert fresh(subject).state == S.REVIEWED and not fresh(subject).proposed_level


def test_save_all_rows_ignores_posted_rows_of_another_cell(client):
    w = build_world()
    other = reviewed_cell1(w)[3]
    as_user(client, w.secretary2).post(season_url("meeting_rows", w, "CB2"), {f"{other.pk}-level": "HTXSNV"})
    assert fresh(other).state == S.REVIEWED and not fresh(other).proposed_level


# -- the member's own pages --------------------------------------------------------------------------


def test_a_member_cannot_write_or_submit_another_members_form(client):
    w = build_world()
    other = w.subject(member=w.members1[3])
    client = as_user(client, w.member_user)
    response = client.post(season_url("form-save", w, other.pk), {"key": "I.1", "text": "Giả mạo"})
    assert response.status_code == 404
    assert client.post(season_url("form-submit", w, other.pk)).status_code == 404
    assert client.get(season_url("form", w, other.pk)).status_code == 404
    assert fresh(other).state == S.DRAFT
    assert not hasattr(fresh(other), "form") or not (fresh(other).form.answers or {}).get("I.1")


def test_a_member_cannot_see_another_members_record_or_pledge(client):
    w = build_world()
    other = w.members1[3]
    give_pledge(other)
    client = as_user(client, w.member_user)
    assert client.get(reverse("members:detail", args=[other.uid])).status_code == 404
    assert client.get(reverse("members:pledge-detail", args=[other.uid, 2026])).status_code == 404


def test_notifications_of_another_user_are_not_marked_read(client):
    w = build_world()
    note = Notification.objects.create(user=w.secretary, kind=Notification.Kind.DEADLINE, text="Hạn")
    response = as_user(client, w.member_user).post(season_url("notification-read", w, note.pk))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


# -- committee staff deciding outside their subtree -----------------------------------------------


def test_a_base_cell_secretary_cannot_decide_another_committees_proposals_in_bulk(client):
    w = build_world()
    members = reviewed_cell1(w)
    workflow.propose(proposals=[workflow.ProposalInput(subject=members[3], level="HTTNV")], actor=w.secretary)
    assert fresh(members[3]).state == S.PROPOSED
    response = as_user(client, w.base_cell_secretary).post(
        season_url("queue_decide", w), {"subject": [members[3].pk], f"level-{members[3].pk}": "HTTNV"}
    )
    assert response.status_code == 404
    assert fresh(members[3]).state == S.PROPOSED


# -- ids of another subject's records posted through one's own subject ---------------------------


def test_a_member_cannot_update_another_subjects_remediation_item_through_their_own(client):
    w = build_world()
    own, other = w.subject(member=w.deputy), w.subject(member=w.members1[3])
    plan = RemediationPlan.objects.create(subject=other)
    item = RemediationItem.objects.create(plan=plan, text="Khắc phục")
    as_user(client, w.member_user).post(
        season_url("remediation-item", w, own.pk, item.pk), {"status": "done", "note": "Giả"}
    )
    item.refresh_from_db()
    assert (item.status, item.status_note) == (RemediationItem.Status.OPEN, "")


def test_a_member_cannot_answer_another_subjects_suggestion_through_their_own(client):
    w = build_world()
    own, other = w.subject(member=w.deputy), w.subject(member=w.members1[3])
    suggestion = Suggestion.objects.create(
        subject=other, issued_by_unit=other.decider, issued_by=w.base_staff, text="Làm rõ"
    )
    response = as_user(client, w.member_user).post(
        season_url("form-answer", w, own.pk, suggestion.pk), {"answer": "Giả"}
    )
    assert response.status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.answer == ""


def test_quarters_decided_in_bulk_are_only_those_the_user_decides(client):
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    self_assess(w, w.deputy, w.member_user)
    mine = evaluation(w, w.deputy)
    for user in (w.commune_staff, w.secretary2, w.base_cell_secretary):
        as_user(client, user).post(season_url("quarter-decide-bulk", w, 2), {"evaluation": [mine.pk]})
        assert evaluation(w, w.deputy).state == QuarterlyEvaluation.State.SUBMITTED, user.username


# -- documents ----------------------------------------------------------------------------------------


def test_documents_of_another_cell_or_member_are_not_requested_or_seen(client):
    w = build_world()
    other = w.subject(member=w.members1[3])
    client = as_user(client, w.member_user)
    request = reverse("reports:request", args=[w.season.pk, "individual"])
    assert client.post(request, {"subject": other.pk}).status_code == 404
    client = as_user(client, w.secretary2)
    assert client.post(request, {"subject": other.pk}).status_code == 404
    minutes = reverse("reports:request", args=[w.season.pk, "minutes"])
    assert client.post(minutes, {"code": "CB1"}).status_code == 404
    assert not ReportJob.objects.exists()
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.INDIVIDUAL,
        season=w.season,
        unit=other.unit,
        subject=other,
        requested_by=w.secretary,
    )
    for user in (w.secretary2, w.member_user, w.outsider, w.base_cell_secretary):
        client = as_user(client, user)
        assert client.get(reverse("reports:job", args=[job.uid])).status_code == 404, user.username
        assert client.get(reverse("reports:download", args=[job.uid])).status_code == 404, user.username
    for code in ("CB1", "CS1"):
        xlsx = reverse("reports:dashboard-xlsx", args=[w.season.pk, code])
        assert as_user(client, w.secretary2).get(xlsx).status_code == 404


# -- pages of another part of the tree ------------------------------------------------------------------


def test_unit_pages_of_another_cell_are_404(client):
    w = build_world()
    client = as_user(client, w.secretary2)
    for name in ("cell", "meeting", "quota_meter", "meeting_circulation", "merit", "affiliates", "dashboard"):
        assert client.get(season_url(name, w, "CB1")).status_code == 404, name
    for name in ("blockers", "attendance", "equivalents"):
        assert client.get(season_url(name, w, "CS1")).status_code == 404, name


def test_exports_and_tree_pages_of_another_subtree_are_404(client):
    w = build_world()
    client = as_user(client, w.secretary2)
    assert client.get(reverse("reports:equivalents-xlsx", args=[w.season.pk, "CS1"])).status_code == 404
    client = as_user(client, w.member_user)
    assert client.get(reverse("organizations:detail", args=["CB1"])).status_code == 404
    assert client.get(reverse("members:list", args=["CB1"])).status_code == 404
    assert client.get(reverse("reports:quarter-xlsx", args=[w.season.pk, 2])).status_code == 404


def test_a_viewer_may_not_mark_a_prerequisite_collective_reviewed(client):
    w = build_world()
    collective = AffiliatedCollective.objects.create(organization=w.base, name="Công đoàn trường")
    response = as_user(client, w.leader).post(
        season_url("affiliates", w, "CS1"), {"affiliate": collective.pk, "done_on": "2026-11-10"}
    )
    assert response.status_code == 403
    assert not AffiliateReview.objects.exists()


def test_the_equivalents_page_pins_no_subject_outside_its_group(client):
    w = build_world()
    outside = w.subject(member=w.members3[0])  # CS2, a base cell under the commune
    page = as_user(client, w.base_staff).get(season_url("equivalents", w, "CS1"), {"subject": outside.pk})
    assert page.status_code == 200
    assert outside.name not in page.content.decode()


def test_the_second_factor_pages_never_send_off_the_site(client):
    w = build_world()
    client = as_user(client, w.member_user)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"):
        response = client.get(reverse("otp_verify"), {"next": target})
        assert response.status_code == 302 and "evil.example" not in response["Location"], target


# -- a season of another province ------------------------------------------------------------------------


def member_of_another_province():
    province = make_org(Kind.PROVINCIAL_COMMITTEE, name="Tỉnh ủy Khác", code="TINH2")
    cell = make_org(Kind.BASE_CELL, province, name="Chi bộ Khác", code="CBK")
    member = make_member(cell, "Hồ", "Văn", "Khác")
    member.user = UserFactory(username="khac")
    member.save()
    Role.objects.create(user=member.user, organization=cell, kind=Role.Kind.MEMBER, starts_on=ROLES_FROM)
    return member.user


def test_a_member_of_another_province_does_not_see_the_seasons_quarters(client):
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    client = as_user(client, member_of_another_province())
    assert client.get(season_url("quarters", w)).status_code == 404
    for name in ("my-quarter", "quarter-decide-list"):
        assert client.get(season_url(name, w, 2)).status_code == 404, name
    for name in ("my-form", "my-result", "dashboard-start", "queue"):
        assert client.get(season_url(name, w)).status_code == 404, name
    assert client.get(reverse("reports:quarter-xlsx", args=[w.season.pk, 2])).status_code == 404
    # Still open to a member of the season's own province, for their own Mẫu 05.
    assert as_user(client, w.member_user).get(season_url("quarters", w)).status_code == 200


# -- cancelling a decided rating (R-STEP-3) ---------------------------------------------------------------


def test_only_the_directly_superior_committee_cancels_a_decision(client):
    w = build_world()
    decide_everything_below_the_commune(w)
    subject = fresh(w.subject(member=w.members1[3]))  # decided by the base committee CS1
    assert subject.state == S.DECIDED
    # The provincial board sees it, but is two levels above CS1: not the committee that cancels.
    client = as_user(client, w.board)
    assert "cancel" not in client.get(season_url("subject", w, subject.pk)).context["actions"]
    response = client.post(season_url("subject_cancel", w, subject.pk), {"cancel-reason": "Sai"})
    assert response.status_code == 403
    assert fresh(subject).state == S.DECIDED
    # The commune committee, directly above CS1, does.
    assert access.may_cancel(w.commune_staff, subject) is None
