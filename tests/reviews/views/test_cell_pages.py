"""The cell secretary's pages: the cell dashboard, the review meeting and the quota meter."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from members.models import Pledge
from reviews import workflow
from reviews.models import Meeting, MeetingEntry, Subject
from reviews.views.cell.quota import quota_meters
from tests.factories import make_member
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import CIRCULATED, MEETING_DAY, complete_form, fresh, give_pledge, review

pytestmark = pytest.mark.django_db
S = Subject.State


# -- helpers --------------------------------------------------------------------------------------


def client_for(user) -> Client:
    """A logged-in client that reads the pages in English (the msgids), whatever the catalogue."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name, w, code="CB1", *args):
    return reverse(f"reviews:{name}", args=[w.season.pk, code, *args])


def header_data(**overrides):
    data = {
        "held_on": MEETING_DAY.isoformat(),
        "draft_circulated_on": CIRCULATED.isoformat(),
        "present": "6",
        "total": "7",
        "notes": "Họp đủ thành phần.",
    }
    data.update(overrides)
    return data


def row_data(subject, **fields):
    return {f"{subject.pk}-{name}": value for name, value in fields.items()}


def submit_cell1(w, members=None):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for member in members if members is not None else w.members1:
        complete_form(w.subject(member=member), w.secretary)


def text_of(response) -> str:
    return response.content.decode()


def link_or_none(name, *args):
    try:
        return reverse(f"reviews:{name}", args=args)
    except NoReverseMatch:  # the page of another area, not built yet
        return None


# -- the dashboard ---------------------------------------------------------------------------------


def test_dashboard_rows_in_vietnamese_order_with_counts_blockers_and_out_of_scope(db):
    w = build_world(open_now=False)
    newcomer = make_member(
        w.cell1, "Hà", "Thị", "Yến", admitted_on=datetime.date(2026, 9, 1), official_on=None
    )
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    submit_cell1(w, members=[w.members1[2], w.members1[3]])

    response = client_for(w.secretary).get(url("cell", w))

    assert response.status_code == 200
    page = text_of(response)
    rows = response.context["rows"]
    assert [r.subject.member_id for r in rows] == [
        s.member_id
        for s in Subject.objects.filter(
            season=w.season, unit__code="CB1", kind="member", out_of_scope=""
        ).order_by("sort_key")
    ]
    assert newcomer.pk not in [r.subject.member_id for r in rows]
    counts = {state: n for state, _label, n, _tone in response.context["state_counts"]}
    assert counts == {S.DRAFT: 5, S.SUBMITTED: 2}
    # What blocks each next step comes from the engine, with the rule's ID; a reason that holds
    # several members is said once above the table, not on each of their rows.
    submitted = next(r for r in rows if r.subject.member_id == w.members1[2].pk)
    assert submitted.step == "review"
    shared = dict(response.context["shared_blockers"])
    order_2 = [reason for reason in shared if getattr(reason, "rule", "") == "R-ORDER-2"]
    assert len(order_2) == 1 and shared[order_2[0]] == 2
    assert not any(getattr(r, "rule", "") == "R-ORDER-2" for row in rows for r in row.verdict.blockers)
    assert 'id="shared-blockers"' in page
    assert submitted.shared_blockers >= 1
    assert any(getattr(r, "rule", "") == "R-ORDER-3" for r in [*submitted.verdict.blockers, *shared])
    drafting = next(r for r in rows if r.subject.member_id == w.head.pk)
    assert drafting.step == "submit" and (drafting.verdict.blockers or drafting.shared_blockers)
    assert "Review at the meeting — waits (see above)" in page or "Next: Review at the meeting" in page
    assert "R-ORDER-3" in page
    # R-SCOPE-2: out-of-scope members are listed apart, with the reason.
    assert "Not reviewed this season (1)" in page
    assert "Yến" in page and "Admitted less than 6 months before the reference date" in page
    # The cell's own report, with its state and its form.
    assert "The cell's own report" in page and "Submitted" in page
    # Links to the pages of the other areas, when they exist.
    collective = w.subject(unit=w.cell1)
    form_url = link_or_none("form", w.season.pk, collective.pk)
    if form_url:
        assert f'href="{form_url}"' in page
        head_form = link_or_none("form", w.season.pk, w.subject(member=w.head).pk)
        assert f'href="{head_form}"' in page and "Enter on their behalf" in page
    subject_url = link_or_none("subject", w.season.pk, submitted.subject.pk)
    if subject_url:
        assert f'href="{subject_url}"' in page
    assert "Return with reason" in page


def test_dashboard_scope_other_cells_secretary_and_outsider_get_404(world):
    w = world
    assert client_for(w.secretary2).get(url("cell", w)).status_code == 404
    assert client_for(w.outsider).get(url("cell", w)).status_code == 404
    assert client_for(w.member_user).get(url("cell", w)).status_code == 404
    assert client_for(w.base_staff).get(url("cell", w)).status_code == 200


def test_dashboard_is_read_only_for_a_committee_leader(world):
    w = world
    give_pledge(w.members1[2], acknowledged=False)
    complete_form(w.subject(member=w.members1[3]), w.secretary)
    response = client_for(w.leader).get(url("cell", w))
    assert response.status_code == 200
    page = text_of(response)
    pledge = Pledge.objects.get(member=w.members1[2])
    assert url("cell_acknowledge_pledge", w, "CB1", pledge.pk) not in page
    assert url("cell_return_pledge", w, "CB1", pledge.pk) not in page
    assert "Return with reason" not in page
    assert "Enter on their behalf" not in page


def test_dashboard_needs_login(world):
    response = Client().get(url("cell", world))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_acknowledge_a_submitted_pledge(world):
    w = world
    pledge = give_pledge(w.members1[2], acknowledged=False)
    client = client_for(w.secretary)
    page = text_of(client.get(url("cell", w)))
    assert url("cell_acknowledge_pledge", w, "CB1", pledge.pk) in page

    response = client.post(url("cell_acknowledge_pledge", w, "CB1", pledge.pk), follow=True)

    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.ACKNOWLEDGED and pledge.acknowledged_by == w.secretary
    assert "Pledge of Nguyễn Văn An acknowledged." in text_of(response)
    # Acknowledged already: refused, with the reason.
    again = client.post(url("cell_acknowledge_pledge", w, "CB1", pledge.pk), follow=True)
    assert "Only a submitted pledge can be acknowledged." in text_of(again)


def test_return_a_submitted_pledge(world):
    w = world
    pledge = give_pledge(w.members1[2], acknowledged=False)
    response = client_for(w.secretary).post(url("cell_return_pledge", w, "CB1", pledge.pk))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.DRAFT


def test_pledge_actions_are_refused_outside_the_cell(world):
    w = world
    pledge = give_pledge(w.members2[0], acknowledged=False)  # a member of cell 2
    assert (
        client_for(w.secretary).post(url("cell_acknowledge_pledge", w, "CB1", pledge.pk)).status_code == 404
    )
    assert (
        client_for(w.secretary2).post(url("cell_acknowledge_pledge", w, "CB1", pledge.pk)).status_code == 404
    )
    assert client_for(w.leader).post(url("cell_acknowledge_pledge", w, "CB2", pledge.pk)).status_code == 403
    assert client_for(w.secretary).get(url("cell_acknowledge_pledge", w, "CB1", pledge.pk)).status_code == 405
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.SUBMITTED


def test_return_a_form_with_a_reason(world):
    w = world
    member = w.members1[2]
    complete_form(w.subject(member=member), w.secretary)
    subject = w.subject(member=member)
    response = client_for(w.secretary).post(
        url("cell_return_form", w, "CB1", subject.pk), {"reason": "Bổ sung mục II."}, follow=True
    )
    assert fresh(subject).state == S.RETURNED
    assert "was returned for rework" in text_of(response)
    assert w.season.events.filter(subject=subject, action="return", reason="Bổ sung mục II.").exists()


def test_returning_a_form_without_a_reason_is_refused(world):
    w = world
    complete_form(w.subject(member=w.members1[2]), w.secretary)
    subject = w.subject(member=w.members1[2])
    response = client_for(w.secretary).post(
        url("cell_return_form", w, "CB1", subject.pk), {"reason": "  "}, follow=True
    )
    assert fresh(subject).state == S.SUBMITTED
    assert "Say why the review is returned." in text_of(response)


def test_returning_a_draft_shows_the_engines_reason(world):
    w = world
    subject = w.subject(member=w.members1[2])
    response = client_for(w.secretary).post(
        url("cell_return_form", w, "CB1", subject.pk), {"reason": "Sai"}, follow=True
    )
    assert fresh(subject).state == S.DRAFT
    assert "is not possible now" in text_of(response)


def test_a_committee_leader_may_not_act(world):
    w = world
    complete_form(w.subject(member=w.members1[2]), w.secretary)
    subject = w.subject(member=w.members1[2])
    leader = client_for(w.leader)
    assert leader.post(url("cell_return_form", w, "CB1", subject.pk), {"reason": "x"}).status_code == 403
    assert leader.post(url("meeting", w), header_data()).status_code == 403
    assert leader.post(url("meeting_rows", w), {}).status_code == 403
    assert leader.post(url("meeting_row", w, "CB1", subject.pk), {}).status_code == 403
    assert fresh(subject).state == S.SUBMITTED
    assert not Meeting.objects.exists()


# -- the meeting page ------------------------------------------------------------------------------


def test_meeting_page_scope(world):
    w = world
    assert client_for(w.secretary).get(url("meeting", w)).status_code == 200
    assert client_for(w.secretary2).get(url("meeting", w)).status_code == 404
    assert client_for(w.outsider).get(url("meeting", w)).status_code == 404
    page = client_for(w.leader).get(url("meeting", w))
    assert page.status_code == 200
    assert "Save row" not in text_of(page) and "Save the meeting record" not in text_of(page)


def test_meeting_rows_head_first_then_deputies_then_others(world):
    w = world
    rows = client_for(w.secretary).get(url("meeting", w)).context["rows"]
    assert [r.subject.member_id for r in rows[:2]] == [w.head.pk, w.deputy.pk]
    others = [r.subject.sort_key for r in rows[2:]]
    assert others == sorted(others)


def test_save_the_meeting_record_with_the_cells_own_entry(world):
    w = world
    complete_form(w.subject(unit=w.cell1), w.secretary)
    data = header_data(comments="Báo cáo đầy đủ", votes_HTTNV="6", draft_circulated_on="2026-11-18")
    response = client_for(w.secretary).post(url("meeting", w), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(unit__code="CB1")
    assert (meeting.held_on, meeting.present, meeting.total) == (MEETING_DAY, 6, 7)
    assert "1 working day before the meeting" in meeting.circulation_warning  # R-ORDER-8
    collective = w.subject(unit=w.cell1)
    assert collective.state == S.REVIEWED
    entry = MeetingEntry.objects.get(subject=collective)
    assert entry.votes == {"HTTNV": 6} and entry.comments == "Báo cáo đầy đủ"
    page = text_of(client_for(w.secretary).get(url("meeting", w)))
    assert "1 working day before the meeting" in page
    # Saved again later: the record changes, the cell's review stays as it was.
    client_for(w.secretary).post(url("meeting", w), header_data(present="7"))
    meeting.refresh_from_db()
    assert meeting.present == 7 and meeting.circulation_warning == ""


def test_meeting_record_refused_while_the_cells_report_is_a_draft(world):
    w = world
    response = client_for(w.secretary).post(url("meeting", w), header_data())
    assert response.status_code == 200
    assert "review report (Form 01) is not submitted yet" in text_of(response)
    assert not Meeting.objects.exists()


def test_meeting_record_form_errors(world):
    w = world
    complete_form(w.subject(unit=w.cell1), w.secretary)
    response = client_for(w.secretary).post(url("meeting", w), header_data(present="9", total="7"))
    assert response.status_code == 200
    assert "No more can be present than were summoned." in text_of(response)
    assert not Meeting.objects.exists()


def test_circulation_warning_live(world):
    w = world
    client = client_for(w.secretary)
    check = url("meeting_circulation", w)
    late = client.get(check, {"held_on": "2026-11-20", "draft_circulated_on": "2026-11-18"})
    assert "working day before the meeting" in text_of(late)  # R-ORDER-8
    early = client.get(check, {"held_on": "2026-11-20", "draft_circulated_on": "2026-11-13"})
    assert "working day before the meeting" not in text_of(early)
    assert text_of(client.get(check, {"held_on": "2026-11-20"})).strip() == ""
    assert client_for(w.outsider).get(check).status_code == 404


def record_header(w):
    collective = w.subject(unit=w.cell1)
    if collective.state == S.DRAFT:
        complete_form(collective, w.secretary)
    assert client_for(w.secretary).post(url("meeting", w), header_data()).status_code == 302


def test_save_all_rows_reviewed_and_absent(world):
    w = world
    submit_cell1(w, members=[w.head, w.deputy])
    record_header(w)
    head, deputy = w.subject(member=w.head), w.subject(member=w.deputy)
    data = {
        **row_data(head, outcome="reviewed", comments="Gương mẫu", votes_HTTNV="5", votes_HTXSNV="1"),
        **row_data(deputy, outcome="absent", absent_reason="Đi công tác"),
    }
    response = client_for(w.secretary).post(url("meeting_rows", w), data, follow=True)
    assert fresh(head).state == S.REVIEWED and fresh(deputy).state == S.ABSENT
    assert MeetingEntry.objects.get(subject=head).votes == {"HTTNV": 5, "HTXSNV": 1}
    assert fresh(deputy).absent_reason == "Đi công tác"
    assert "2 review results recorded." in text_of(response)


def test_absent_without_a_reason_is_refused_with_the_engines_reason(world):
    w = world
    submit_cell1(w, members=[w.head])
    record_header(w)
    head = w.subject(member=w.head)
    response = client_for(w.secretary).post(url("meeting_rows", w), row_data(head, outcome="absent"))
    assert response.status_code == 200  # the page again, with what was typed
    assert "Say why the subject was not reviewed." in text_of(response)  # R-SCOPE-6
    assert fresh(head).state == S.SUBMITTED


def test_rows_before_the_meeting_record_are_refused(world):
    w = world
    submit_cell1(w, members=[w.head])
    head = w.subject(member=w.head)
    response = client_for(w.secretary).post(url("meeting_rows", w), row_data(head, outcome="reviewed"))
    assert "Save the meeting record (date and attendance) first." in text_of(response)
    assert fresh(head).state == S.SUBMITTED


def test_r_order_3_refusal_is_shown_in_the_row(world):
    w = world
    submit_cell1(w, members=[w.head, w.deputy, w.members1[2]])
    record_header(w)
    member = w.subject(member=w.members1[2])
    response = client_for(w.secretary).post(
        url("meeting_row", w, "CB1", member.pk),
        row_data(member, outcome="reviewed", comments="Tốt"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = text_of(response)
    assert page.lstrip().startswith(f'<tbody id="row-{member.pk}"')  # the member's rows
    assert "R-ORDER-3" in page and "js-refused" in page
    assert "Tốt" in page  # what was typed is still there
    assert fresh(member).state == S.SUBMITTED
    # The same through the whole-page save.
    page = text_of(
        client_for(w.secretary).post(
            url("meeting_rows", w), row_data(member, outcome="reviewed"), follow=True
        )
    )
    assert "R-ORDER-3" in page


def test_save_one_row_with_htmx_updates_the_others_and_the_meter(world):
    w = world
    submit_cell1(w, members=[w.head, w.deputy])
    record_header(w)
    head, deputy = w.subject(member=w.head), w.subject(member=w.deputy)
    response = client_for(w.secretary).post(
        url("meeting_row", w, "CB1", head.pk),
        row_data(head, outcome="reviewed", votes_HTTNV="6"),
        HTTP_HX_REQUEST="true",
    )
    page = text_of(response)
    assert fresh(head).state == S.REVIEWED
    assert "js-refused" not in page and "1 review result recorded." in page
    assert f'id="status-{deputy.pk}" class="mt-1" data-hx-swap-oob="true"' in page
    assert 'id="quota-meter"' in page and 'data-hx-swap-oob="true"' in page
    # The deputy is next in order: no R-ORDER-3 left in its blockers.
    deputy_status = page.split(f'id="status-{deputy.pk}"')[1].split("</div>\n")[0]
    assert "R-ORDER-3" not in deputy_status
    # Without htmx, the same save redirects back to the row.
    response = client_for(w.secretary).post(
        url("meeting_row", w, "CB1", deputy.pk), row_data(deputy, outcome="reviewed")
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#row-{deputy.pk}")
    assert fresh(deputy).state == S.REVIEWED


def test_a_reviewed_row_can_be_corrected_until_the_proposal(world):
    w = world
    submit_cell1(w, members=[w.head])
    record_header(w)
    head = w.subject(member=w.head)
    client = client_for(w.secretary)
    client.post(url("meeting_row", w, "CB1", head.pk), row_data(head, outcome="reviewed", comments="Tôt"))
    assert fresh(head).state == S.REVIEWED
    page = text_of(client.get(url("meeting", w)))
    row = page.split(f'id="row-{head.pk}"')[1].split("</tr>")[0]
    comments = re.search(rf'<textarea[^>]*name="{head.pk}-comments"[^>]*>', row).group(0)
    assert "disabled" not in comments
    response = client.post(
        url("meeting_row", w, "CB1", head.pk),
        row_data(head, outcome="reviewed", comments="Tốt"),
        HTTP_HX_REQUEST="true",
    )
    assert "js-refused" not in text_of(response)
    assert MeetingEntry.objects.get(subject=head).comments == "Tốt"
    assert fresh(head).state == S.REVIEWED
    response = client.post(
        url("meeting_row", w, "CB1", head.pk),
        row_data(head, outcome="absent", absent_reason="Ốm"),
        HTTP_HX_REQUEST="true",
    )
    assert "can be corrected but not changed to absent" in text_of(response)
    assert fresh(head).state == S.REVIEWED


def test_propose_reviewed_members(world):
    w = world
    submit_cell1(w, members=[w.head, w.deputy])
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=w.head), w.subject(member=w.deputy)])
    head, deputy = w.subject(member=w.head), w.subject(member=w.deputy)
    client = client_for(w.secretary)
    response = client.post(
        url("meeting_rows", w), {**row_data(head, level="HTTNV"), **row_data(deputy, level="HTTNV")}
    )
    assert response.status_code == 302
    assert (fresh(head).state, fresh(head).proposed_level) == (S.PROPOSED, "HTTNV")
    assert fresh(deputy).state == S.PROPOSED
    page = text_of(client.get(url("meeting", w)))
    assert "Save row" not in page.split(f'id="row-{head.pk}"')[1].split("</tr>")[0]  # nothing left to save


def test_review_and_propose_in_one_row_save(world):
    w = world
    submit_cell1(w, members=[w.head])
    record_header(w)
    head = w.subject(member=w.head)
    response = client_for(w.secretary).post(
        url("meeting_row", w, "CB1", head.pk),
        row_data(head, outcome="reviewed", level="HTTNV"),
        HTTP_HX_REQUEST="true",
    )
    assert "1 rating proposed." in text_of(response)
    assert fresh(head).state == S.PROPOSED


def test_a_proposal_before_the_review_is_refused_with_the_engines_reason(world):
    w = world
    submit_cell1(w, members=[w.head])
    record_header(w)
    head = w.subject(member=w.head)
    response = client_for(w.secretary).post(
        url("meeting_row", w, "CB1", head.pk), row_data(head, level="HTTNV"), HTTP_HX_REQUEST="true"
    )
    page = text_of(response)
    assert "js-refused" in page and "The review meeting is not recorded yet" in page
    assert fresh(head).state == S.SUBMITTED


def test_a_proposal_the_grades_do_not_allow_is_refused(world):
    w = world
    submit_cell1(w, members=[w.head, w.deputy])
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=w.head), w.subject(member=w.deputy)])
    deputy = w.subject(member=w.deputy)
    response = client_for(w.secretary).post(
        url("meeting_row", w, "CB1", deputy.pk), row_data(deputy, level="HTXSNV"), HTTP_HX_REQUEST="true"
    )
    assert "The grades of the criteria allow at most" in text_of(response)  # R-RATE-1
    assert fresh(deputy).state == S.REVIEWED


def test_meeting_row_of_another_cell_is_404(world):
    w = world
    other = w.subject(member=w.members2[0])
    assert client_for(w.secretary).post(url("meeting_row", w, "CB1", other.pk), {}).status_code == 404


# -- the quota meter -----------------------------------------------------------------------------------


def decided_httnv_world(extra):
    """Cell 2's members decided HTTNV: the 'other members' group of the base has that many."""
    w = build_world(extra_members=extra)
    Subject.objects.filter(season=w.season, unit__code="CB2", kind="member").update(
        state=S.DECIDED, decided_level="HTTNV", proposed_level="HTTNV"
    )
    return w


def cell1_members(w):
    subjects = list(
        Subject.objects.filter(season=w.season, unit__code="CB1", kind="member").select_related("season")
    )
    return subjects


@translation.override("en")  # the meter's words are compared with their msgids
def test_quota_meter_counts_decided_levels_and_this_cells_proposals(db):
    w = decided_httnv_world(extra=7)  # 10 decided HTTNV in the group of other members
    members = cell1_members(w)
    others = [s for s in members if not s.is_leader]
    meter = next(m for m in quota_meters(w.season, members) if m.key.endswith(":other"))
    assert (meter.count.capped, meter.count.limit, meter.count.base) == (0, 2, 10)
    assert meter.tone == "success"
    assert meter.headline == "HTXSNV 0 / at most 2 (20% × 10 HTTNV)"
    # One HTXSNV being proposed: the next one would reach the limit.
    meter = next(
        m for m in quota_meters(w.season, members, {others[0].pk: "HTXSNV"}) if m.key.endswith(":other")
    )
    assert (meter.count.capped, meter.tone, meter.from_here) == (1, "warning", 1)
    # Two: at the limit; three: over it.
    two = {others[0].pk: "HTXSNV", others[1].pk: "HTXSNV"}
    meter = next(m for m in quota_meters(w.season, members, two) if m.key.endswith(":other"))
    assert (meter.count.capped, meter.tone, meter.badge, meter.status) == (
        2,
        "warning",
        "At the limit",
        "No place left.",
    )
    three = {**two, others[2].pk: "HTXSNV"}
    meter = next(m for m in quota_meters(w.season, members, three) if m.key.endswith(":other"))
    assert (meter.count.capped, meter.tone, meter.status) == (3, "danger", "Over the quota by 1 case.")
    assert meter.headline == "HTXSNV 3, over by 1 case (at most 2 = 20% × 10 HTTNV)"
    # Proposals of this cell count as if decided; HTTNV proposals raise the base.
    Subject.objects.filter(pk__in=[s.pk for s in others[:5]]).update(state=S.PROPOSED, proposed_level="HTTNV")
    members = cell1_members(w)
    meter = next(m for m in quota_meters(w.season, members) if m.key.endswith(":other"))
    assert (meter.count.base, meter.count.limit, meter.tone) == (15, 3, "success")


def test_quota_meter_view_follows_the_levels_chosen_on_the_page(db):
    w = decided_httnv_world(extra=7)
    others = [s for s in cell1_members(w) if not s.is_leader]
    client = client_for(w.secretary)
    chosen = {f"{s.pk}-level": "HTXSNV" for s in others[:3]}
    response = client.get(url("quota_meter", w), chosen)
    page = text_of(response)
    assert "HTXSNV 3, over by 1 case (at most 2 = 20% × 10 HTTNV)" in page
    assert "border-danger" in page and "Over the quota" in page
    response = client.get(url("quota_meter", w), {f"{others[0].pk}-level": "HTXSNV"})
    assert "HTXSNV 1 / at most 2 (20% × 10 HTTNV)" in text_of(response) and "border-warning" in text_of(
        response
    )
    response = client.get(url("quota_meter", w))
    assert "HTXSNV 0 / at most 2 (20% × 10 HTTNV)" in text_of(response) and "border-success" in text_of(
        response
    )
    assert client_for(w.secretary2).get(url("quota_meter", w)).status_code == 404


def test_meeting_page_shows_the_meter_and_hooks_it_to_the_level_selects(db):
    w = decided_httnv_world(extra=7)
    page = text_of(client_for(w.secretary).get(url("meeting", w)))
    assert "HTXSNV 0 / at most 2 (20% × 10 HTTNV)" in page
    assert f'data-hx-get="{url("quota_meter", w)}"' in page and "js-level" in page


# -- fixed query counts ----------------------------------------------------------------------------------

QUERY_BOUND = 30  # 27 today, for 10 members as for 200


def staged_world(extra):
    """Cell 2 with 10 or 200 members at various steps."""
    w = build_world(extra_members=extra)
    complete_form(w.subject(unit=w.cell2), w.secretary2)
    first, second, third = (w.subject(member=m) for m in w.members2)
    for subject in (first, second):
        complete_form(subject, w.secretary2)
    give_pledge(w.members2[2], acknowledged=False)
    review(w.subject(unit=w.cell2), w.secretary2, [fresh(first), fresh(second)])
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=fresh(first), level="HTTNV")], actor=w.secretary2
    )
    crowd = Subject.objects.filter(season=w.season, member__in=w.crowd)
    crowd.filter(member__in=w.crowd[::2]).update(state=S.SUBMITTED, self_level="HTTNV")
    for member in w.crowd[::3]:
        Pledge.objects.create(member=member, year=2026, state=Pledge.State.SUBMITTED)
    return w


@pytest.mark.parametrize("extra", [7, 197])
def test_dashboard_queries_do_not_grow_with_the_cell(db, django_assert_max_num_queries, extra):
    w = staged_world(extra)
    client = client_for(w.secretary2)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url("cell", w, "CB2"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3 + extra


@pytest.mark.parametrize("extra", [7, 197])
def test_meeting_page_queries_do_not_grow_with_the_cell(db, django_assert_max_num_queries, extra):
    w = staged_world(extra)
    client = client_for(w.secretary2)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url("meeting", w, "CB2"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3 + extra


def test_a_refused_row_without_htmx_shows_the_page_again_with_the_reason(world):
    w = world
    submit_cell1(w, members=[w.head, w.members1[2]])
    record_header(w)
    member = w.subject(member=w.members1[2])
    response = client_for(w.secretary).post(
        url("meeting_row", w, "CB1", member.pk), row_data(member, outcome="reviewed", comments="Giữ lại")
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "R-ORDER-3" in page and "Giữ lại" in page
    assert fresh(member).state == S.SUBMITTED
