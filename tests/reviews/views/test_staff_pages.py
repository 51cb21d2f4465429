"""Committee staff pages: the approval queue, a subject's page, and who blocks whom."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from organizations.models import Kind
from reviews.models import Decision, Event, FormerCellComment, Subject, Suggestion
from tests.factories import UserFactory, make_org
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import complete_form, decide, fresh, propose, review

pytestmark = pytest.mark.django_db
S = Subject.State


# -- worlds ----------------------------------------------------------------------------------------


def reviewed(w, levels: dict | None = None):
    """CB1 and CB2 with all members submitted and reviewed; `levels` maps a member to the level
    they rate themselves (HTTNV by default), with grades that allow it."""
    levels = levels or {}
    for cell, secretary, members in ((w.cell1, w.secretary, w.members1), (w.cell2, w.secretary2, w.members2)):
        complete_form(w.subject(unit=cell), secretary)
        for member in members:
            level = levels.get(member, "HTTNV")
            task = "xuat_sac" if level == "HTXSNV" else None
            complete_form(w.subject(member=member), secretary, level=level, task_grade=task)
        review(w.subject(unit=cell), secretary, [w.subject(member=m) for m in members])


def proposed(w, levels: dict | None = None):
    """Members proposed by their secretaries, both cells proposed by the base committee's staff."""
    reviewed(w, levels)
    levels = levels or {}
    for members, secretary in ((w.members1, w.secretary), (w.members2, w.secretary2)):
        for level in sorted({levels.get(m, "HTTNV") for m in members}):
            propose(
                [w.subject(member=m) for m in members if levels.get(m, "HTTNV") == level], secretary, level
            )
    propose([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)


def base_proposed(w):
    """CS1 (the base committee) reviewed and proposed by the commune's staff; its cells are
    proposed, not yet rated."""
    proposed(w)
    complete_form(w.subject(unit=w.base), w.base_staff)
    review(w.subject(unit=w.base), w.base_staff)
    propose([w.subject(unit=w.base)], w.commune_staff)


def url(name, w, *args):
    return reverse(f"reviews:{name}", args=[w.season.pk, *args])


def as_user(client, user):
    client.force_login(user)
    return client


def shown(response) -> set[str]:
    return {row.subject.name for row in response.context["rows"]}


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- the approval queue ----------------------------------------------------------------------------


def test_queue_lists_the_proposals_this_user_decides(world, client):
    w = world
    proposed(w)
    response = as_user(client, w.base_staff).get(url("queue", w))
    assert response.status_code == 200
    names = shown(response)
    assert {"Chi bộ Tổ Toán", "Chi bộ Tổ Văn"} <= names
    assert {w.subject(member=m).name for m in w.members1 + w.members2} <= names
    # The base committee itself is decided by the commune, the base cell's members by the base cell.
    assert "Đảng bộ Trường An Bình" not in names
    assert not names & {w.subject(member=m).name for m in w.members3}
    assert all(row.subject.state == S.PROPOSED and row.can_decide for row in response.context["rows"])
    assert b'name="subject"' in response.content
    # The quota meter counts the proposals shown when none is ticked: each is a hidden field.
    html = response.content.decode()
    assert re.findall(r'<input type="hidden" name="shown" value="(\d+)">', html) == [
        str(row.subject.pk) for row in response.context["rows"]
    ]


def test_queue_of_the_commune_holds_its_base_organizations_not_their_members(world, client):
    w = world
    base_proposed(w)
    response = as_user(client, w.commune_staff).get(url("queue", w))
    assert shown(response) == {"Đảng bộ Trường An Bình"}


def test_queue_shows_other_states_only_when_asked(world, client):
    w = world
    reviewed(w)
    propose([w.subject(member=m) for m in w.members1], w.secretary)
    client = as_user(client, w.base_staff)
    names = shown(client.get(url("queue", w)))
    assert "Chi bộ Tổ Toán" not in names  # reviewed, not yet proposed
    assert w.subject(member=w.members1[2]).name in names
    everything = client.get(url("queue", w), {"state": "all"})
    assert "Chi bộ Tổ Toán" in shown(everything)
    assert w.subject(member=w.members2[0]).name in shown(everything)
    reviewed_only = client.get(url("queue", w), {"state": S.REVIEWED})
    assert {row.subject.state for row in reviewed_only.context["rows"]} == {S.REVIEWED}
    # Nothing but a proposal gets a checkbox.
    assert not any(row.can_decide for row in reviewed_only.context["rows"])


def test_a_superuser_s_queue_lists_every_subject_the_committee_s_staff_sees(world, client):
    """A superuser may see the whole tree (access.SeasonScope.everything): the list is not narrowed
    to their own member record, which an empty scope condition joined to it would do."""
    w = world
    reviewed(w)
    propose([w.subject(member=m) for m in w.members1], w.secretary)
    staff = shown(as_user(client, w.base_staff).get(url("queue", w), {"state": "all"}))
    root = shown(
        as_user(client, UserFactory(username="root", is_superuser=True)).get(
            url("queue", w), {"state": "all"}
        )
    )
    assert w.subject(member=w.members1[0]).name in staff and root >= staff


def test_queue_filters_by_organization_level_and_rule_flags(world, client):
    w = world
    giang = w.members1[6]
    proposed(w, {giang: "HTXSNV"})
    client = as_user(client, w.base_staff)
    cell2 = shown(client.get(url("queue", w), {"org": "CB2"}))
    assert cell2 == {"Chi bộ Tổ Văn"} | {w.subject(member=m).name for m in w.members2}
    top = shown(client.get(url("queue", w), {"level": "HTXSNV"}))
    assert top == {w.subject(member=giang).name}
    # Members wait for their cell's rating (R-ORDER-6): flagged; the cells themselves are not.
    flagged = client.get(url("queue", w), {"flagged": "on"})
    assert shown(flagged) == {w.subject(member=m).name for m in w.members1 + w.members2}
    assert "R-ORDER-6" in flagged.content.decode()
    # Sorting by organization keeps each cell before its members.
    by_org = [row.subject for row in client.get(url("queue", w), {"sort": "org"}).context["rows"]]
    assert by_org[0].name == "Chi bộ Tổ Toán"
    assert [s.unit.code for s in by_org] == sorted(s.unit.code for s in by_org)
    # By name: Vietnamese order (given name first), collectives before people.
    by_name = [row.subject for row in client.get(url("queue", w), {"sort": "name"}).context["rows"]]
    people = [s for s in by_name if s.is_member]
    assert [s.sort_key for s in people] == sorted(s.sort_key for s in people)


def test_queue_404_for_outsiders_and_users_who_decide_nothing(world, client):
    w = world
    assert as_user(client, w.outsider).get(url("queue", w)).status_code == 404
    assert as_user(client, w.secretary).get(url("queue", w)).status_code == 404
    assert as_user(client, w.member_user).get(url("queue", w)).status_code == 404


def test_queue_is_read_only_for_the_committee_leader(world, client):
    w = world
    proposed(w)
    client = as_user(client, w.leader)
    response = client.get(url("queue", w))
    assert response.status_code == 200
    assert "Chi bộ Tổ Toán" in shown(response)
    assert not any(row.can_decide for row in response.context["rows"])
    assert b'name="subject"' not in response.content
    cell = w.subject(unit=w.cell1)
    assert client.post(url("queue_decide", w), {"subject": [cell.pk]}).status_code == 403
    assert fresh(cell).state == S.PROPOSED


def test_bulk_decide_accepted(world, client):
    w = world
    proposed(w)
    cells = [w.subject(unit=w.cell1), w.subject(unit=w.cell2)]
    client = as_user(client, w.base_staff)
    response = client.post(
        url("queue_decide", w),
        {
            "subject": [c.pk for c in cells],
            f"level-{cells[1].pk}": "HTNV",
            "reason": "Chi bộ còn hạn chế trong sinh hoạt",  # lower than proposed: a reason (R-STEP-1)
            "query": "state=proposed&sort=org",
        },
    )
    assert response.status_code == 302
    assert response.url == url("queue", w) + "?state=proposed&sort=org"
    assert [fresh(c).decided_level for c in cells] == ["HTTNV", "HTNV"]
    assert Decision.objects.filter(subject__in=cells, decided_by=w.base_staff).count() == 2
    page = client.get(response.url)
    assert "2" in " ".join(message_texts(page))
    assert "Chi bộ Tổ Toán" not in shown(page)  # decided: no longer waiting
    # Now the members are free of R-ORDER-6 and can go in one batch.
    members = [w.subject(member=m) for m in w.members1]
    client.post(url("queue_decide", w), {"subject": [m.pk for m in members]})
    assert all(fresh(m).state == S.DECIDED for m in members)


def test_bulk_decide_over_the_quota_is_refused_whole_with_the_numbers(world, client):
    """R-RATE-2 on the page: 2 HTXSNV for 7 HTTNV (20 % → 1) refuses the whole batch; the
    engine's numbers are on the page after the POST and the ticked rows are still ticked."""
    w = world
    giang, hoa = w.members1[6], w.members2[0]
    proposed(w, {giang: "HTXSNV", hoa: "HTXSNV"})
    decide([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    others = [w.subject(member=m) for m in w.members1[1:] + w.members2]
    client = as_user(client, w.base_staff)
    before = client.get(url("queue", w))
    meters = {m.decided.label: m for m in before.context["meters"]}
    other = next(m for label, m in meters.items() if "đảng viên khác" in label)
    assert (other.planned.capped, other.planned.limit, other.planned.exceeded) == (2, 1, True)
    assert "HTXSNV 2/1" in before.content.decode()
    response = client.post(url("queue_decide", w), {"subject": [s.pk for s in others]}, follow=True)
    text = response.content.decode()
    assert (
        "HTXSNV 2/1" in text and "7 HTTNV" in text and "Vượt tỷ lệ mức xếp loại cao nhất" in text
    )  # R-RATE-2
    assert not Decision.objects.filter(subject__in=others).exists()
    assert all(fresh(s).state == S.PROPOSED for s in others)
    ticked = {row.subject.pk for row in response.context["rows"] if row.checked}
    assert ticked == {s.pk for s in others}
    # Deciding Hoa as HTTNV instead (a level chosen on the row) brings the batch within the quota.
    hoa_subject = w.subject(member=hoa)
    client.post(
        url("queue_decide", w),
        {
            "subject": [s.pk for s in others],
            f"level-{hoa_subject.pk}": "HTTNV",
            "reason": "Trong tỷ lệ cho phép",
        },
    )
    assert fresh(hoa_subject).decided_level == "HTTNV"
    assert fresh(w.subject(member=giang)).decided_level == "HTXSNV"


def test_quota_meter_counts_the_ticked_rows(world, client):
    w = world
    giang, hoa = w.members1[6], w.members2[0]
    proposed(w, {giang: "HTXSNV", hoa: "HTXSNV"})
    ids = [w.subject(member=m).pk for m in w.members1[1:] + w.members2]
    client = as_user(client, w.base_staff)
    one = client.get(url("queue_quota", w), {"shown": ids, "subject": [w.subject(member=giang).pk] + ids[:5]})
    assert one.status_code == 200
    assert "HTXSNV 1/1" in one.content.decode()
    lowered = client.get(
        url("queue_quota", w), {"shown": ids, "subject": ids, f"level-{w.subject(member=hoa).pk}": "HTTNV"}
    )
    assert "HTXSNV 1/1" in lowered.content.decode()
    assert as_user(client, w.outsider).get(url("queue_quota", w), {"shown": ids}).status_code == 404


def test_bulk_decide_refused_for_order_and_roles(world, client):
    w = world
    proposed(w)
    member = w.subject(member=w.members1[3])
    client = as_user(client, w.base_staff)
    response = client.post(url("queue_decide", w), {"subject": [member.pk]}, follow=True)
    assert "R-ORDER-6" in response.content.decode()
    assert fresh(member).state == S.PROPOSED
    # A secretary proposes but does not decide; another cell's secretary does not even see it.
    assert (
        as_user(client, w.secretary).post(url("queue_decide", w), {"subject": [member.pk]}).status_code == 403
    )
    assert (
        as_user(client, w.secretary2).post(url("queue_decide", w), {"subject": [member.pk]}).status_code
        == 404
    )
    assert (
        as_user(client, w.outsider).post(url("queue_decide", w), {"subject": [member.pk]}).status_code == 404
    )
    assert client.get(url("queue_decide", w)).status_code == 405
    assert fresh(member).state == S.PROPOSED


def test_r_order_5_blocker_shown_for_a_base_organization_whose_cells_are_not_rated(world, client):
    w = world
    base_proposed(w)
    client = as_user(client, w.commune_staff)
    row = client.get(url("queue", w)).context["rows"][0]
    text = " ".join(row.verdict.blockers)
    assert any(r.rule == "R-ORDER-5" for r in row.verdict.blockers)
    assert "Chi bộ Tổ Toán" in text and "Chi bộ Tổ Văn" in text and "(R-" not in text
    assert "R-ORDER-5" in client.get(url("queue", w)).content.decode()
    board = client.get(url("blockers", w, "XA1"))
    base_row = next(r for r in board.context["rows"] if r.unit.code == "CS1")
    assert any("chưa được xếp loại" in reason and "Chi bộ Tổ Văn" in reason for reason in base_row.holds)


# -- a subject's page ----------------------------------------------------------------------------------


def test_subject_page_shows_the_history_in_order(world, client):
    w = world
    proposed(w)
    member = w.subject(member=w.members1[2])
    response = as_user(client, w.base_staff).get(url("subject", w, member.pk))
    assert response.status_code == 200
    events = response.context["events"]
    assert [e.action for e in events] == ["submit", "review", "propose"]
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    text = response.content.decode()
    first = Event.objects.filter(subject=member).order_by("seq").first()
    local = first.at.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert local.strftime("%d/%m/%Y %H:%M") in text
    assert "bt" in text  # who: the secretary entered it
    assert member.name in text


def test_subject_page_visibility(world, client):
    w = world
    own = w.subject(member=w.deputy)
    other = w.subject(member=w.members1[3])
    assert as_user(client, w.member_user).get(url("subject", w, own.pk)).status_code == 200
    assert as_user(client, w.member_user).get(url("subject", w, other.pk)).status_code == 404
    assert as_user(client, w.secretary).get(url("subject", w, other.pk)).status_code == 200
    assert as_user(client, w.leader).get(url("subject", w, other.pk)).status_code == 200
    assert as_user(client, w.commune_staff).get(url("subject", w, other.pk)).status_code == 200
    assert as_user(client, w.secretary2).get(url("subject", w, other.pk)).status_code == 404
    assert as_user(client, w.outsider).get(url("subject", w, other.pk)).status_code == 404


def test_members_own_page_is_read_only(world, client):
    w = world
    proposed(w)
    own = w.subject(member=w.deputy)
    response = as_user(client, w.member_user).get(url("subject", w, own.pk))
    assert response.context["actions"] == {}
    assert b'method="post" action="/ky-kiem-diem' not in response.content
    assert client.post(url("subject_return_proposal", w, own.pk), {"return-reason": "x"}).status_code == 403


def test_return_a_proposal(world, client):
    w = world
    proposed(w)
    member = w.subject(member=w.members1[3])
    client = as_user(client, w.base_staff)
    page = client.get(url("subject", w, member.pk))
    assert "return_proposal" in page.context["actions"]
    # The engine asks for a reason.
    response = client.post(url("subject_return_proposal", w, member.pk), {"return-reason": " "}, follow=True)
    with translation.override("vi"):
        from django.utils.translation import gettext

        assert gettext("Say why the proposal is returned.") in message_texts(response)
    assert fresh(member).state == S.PROPOSED
    client.post(url("subject_return_proposal", w, member.pk), {"return-reason": "Xem lại mức đề xuất"})
    assert fresh(member).state == S.REVIEWED
    event = Event.objects.filter(subject=member).order_by("-seq").first()
    assert (event.action, event.reason, event.actor) == (
        "return_proposal",
        "Xem lại mức đề xuất",
        w.base_staff,
    )


def test_return_a_proposal_permissions(world, client):
    w = world
    proposed(w)
    member = w.subject(member=w.members1[3])
    data = {"return-reason": "Xem lại"}
    assert (
        as_user(client, w.secretary).post(url("subject_return_proposal", w, member.pk), data).status_code
        == 403
    )
    assert (
        as_user(client, w.leader).post(url("subject_return_proposal", w, member.pk), data).status_code == 403
    )
    assert (
        as_user(client, w.outsider).post(url("subject_return_proposal", w, member.pk), data).status_code
        == 404
    )
    assert (
        as_user(client, w.secretary2).post(url("subject_return_proposal", w, member.pk), data).status_code
        == 404
    )
    assert client.get(url("subject_return_proposal", w, member.pk)).status_code == 405
    assert fresh(member).state == S.PROPOSED


def test_reopen_a_decision(world, client):
    """R-STEP-4: the deciding level reopens with a reason; the old decision stays, marked."""
    w = world
    proposed(w)
    cell = w.subject(unit=w.cell1)
    decide([cell], w.base_staff)
    assert (
        as_user(client, w.secretary)
        .post(url("subject_reopen", w, cell.pk), {"reopen-reason": "x"})
        .status_code
        == 403
    )
    assert (
        as_user(client, w.leader).post(url("subject_reopen", w, cell.pk), {"reopen-reason": "x"}).status_code
        == 403
    )
    client = as_user(client, w.base_staff)
    assert "reopen" in client.get(url("subject", w, cell.pk)).context["actions"]
    client.post(url("subject_reopen", w, cell.pk), {"reopen-reason": "Sai sót khi tổng hợp"})
    assert fresh(cell).state == S.PROPOSED
    old = Decision.objects.get(subject=cell)
    assert (old.status, old.end_reason, old.ended_by) == (
        Decision.Status.REOPENED,
        "Sai sót khi tổng hợp",
        w.base_staff,
    )
    page = client.get(url("subject", w, cell.pk))
    assert "Sai sót khi tổng hợp" in page.content.decode()
    assert [e.action for e in page.context["events"]][-2:] == ["decide", "reopen"]
    # Reopening again is refused by the engine: it is no longer decided.
    response = client.post(url("subject_reopen", w, cell.pk), {"reopen-reason": "Lần nữa"}, follow=True)
    assert any("Chỉ mở lại hoặc hủy được kết quả đã quyết định" in m for m in message_texts(response))
    assert Decision.objects.filter(subject=cell).count() == 1


def test_cancel_a_decision(world, client):
    """R-STEP-3: the committee directly above the deciding level cancels; the base committee that
    decided may not."""
    w = world
    proposed(w)
    cell = w.subject(unit=w.cell1)
    decide([cell], w.base_staff)
    assert "cancel" not in as_user(client, w.base_staff).get(url("subject", w, cell.pk)).context["actions"]
    assert client.post(url("subject_cancel", w, cell.pk), {"cancel-reason": "x"}).status_code == 403
    client = as_user(client, w.commune_staff)
    assert "cancel" in client.get(url("subject", w, cell.pk)).context["actions"]
    empty = client.post(url("subject_cancel", w, cell.pk), {"cancel-reason": ""}, follow=True)
    assert [m for m in message_texts(empty)]
    assert fresh(cell).state == S.DECIDED
    client.post(
        url("subject_cancel", w, cell.pk),
        {"cancel-reason": "Kết quả chưa phản ánh đúng", "cancel-commendation_review": "on"},
    )
    old = Decision.objects.get(subject=cell)
    assert old.status == Decision.Status.CANCELLED and old.needs_commendation_review
    assert fresh(cell).state == S.PROPOSED


def test_issue_a_review_suggestion(world, client):
    w = world
    member = w.subject(member=w.members3[0])  # in the base cell CS2, under the commune
    data = {"suggest-text": "x"}
    assert (
        as_user(client, w.base_cell_secretary).post(url("subject_suggest", w, member.pk), data).status_code
        == 403
    )
    assert as_user(client, w.leader).post(url("subject_suggest", w, member.pk), data).status_code == 404
    assert as_user(client, w.base_staff).post(url("subject_suggest", w, member.pk), data).status_code == 404
    client = as_user(client, w.commune_staff)
    assert "suggest" in client.get(url("subject", w, member.pk)).context["actions"]
    client.post(url("subject_suggest", w, member.pk), {"suggest-text": "Làm rõ việc chậm nộp báo cáo"})
    suggestion = Suggestion.objects.get(subject=member)
    assert (suggestion.text, suggestion.issued_by) == ("Làm rõ việc chậm nộp báo cáo", w.commune_staff)
    page = client.get(url("subject", w, member.pk))
    assert "Làm rõ việc chậm nộp báo cáo" in page.content.decode()
    # After the review meeting suggestions come too late: the engine says so.
    reviewed(w)
    later = w.subject(member=w.members1[4])
    client = as_user(client, w.base_staff)
    assert "suggest" not in client.get(url("subject", w, later.pk)).context["actions"]
    response = client.post(url("subject_suggest", w, later.pk), {"suggest-text": "Muộn"}, follow=True)
    assert any(later.name in m for m in message_texts(response))
    assert not Suggestion.objects.filter(subject=later).exists()
    assert as_user(client, w.leader).post(url("subject_suggest", w, later.pk), data).status_code == 403


def test_attach_comments_from_the_former_cell(world, client):
    """R-SCOPE-4: offered when the subject needs them; the secretary or staff attaches them."""
    w = world
    member = w.subject(member=w.members1[3])
    assert (
        "outside_comment"
        not in as_user(client, w.secretary).get(url("subject", w, member.pk)).context["actions"]
    )
    Subject.objects.filter(pk=member.pk).update(needs_former_cell_comment=True)
    page = client.get(url("subject", w, member.pk))
    assert "outside_comment" in page.context["actions"]
    data = {
        "comment-source": "former",
        "comment-from_name": "Chi bộ Tổ Lý",
        "comment-text": "Hoàn thành tốt nhiệm vụ",
        "comment-received_on": "2026-11-10",
    }
    assert (
        as_user(client, w.leader).post(url("subject_outside_comment", w, member.pk), data).status_code == 403
    )
    assert (
        as_user(client, w.outsider).post(url("subject_outside_comment", w, member.pk), data).status_code
        == 404
    )
    client = as_user(client, w.secretary)
    # No cell named: the engine refuses.
    response = client.post(
        url("subject_outside_comment", w, member.pk), data | {"comment-from_name": ""}, follow=True
    )
    assert message_texts(response) and not FormerCellComment.objects.exists()
    client.post(url("subject_outside_comment", w, member.pk), data)
    comment = FormerCellComment.objects.get(subject=member)
    assert (comment.from_name, comment.received_on) == ("Chi bộ Tổ Lý", datetime.date(2026, 11, 10))
    page = client.get(url("subject", w, member.pk))
    assert "Hoàn thành tốt nhiệm vụ" in page.content.decode()
    assert page.context["missing_outside"] == []


def test_staff_propose_a_collective_on_its_page(world, client):
    w = world
    reviewed(w)
    cell = w.subject(unit=w.cell1)
    assert (
        as_user(client, w.secretary)
        .post(url("subject_propose", w, cell.pk), {"propose-level": "HTTNV"})
        .status_code
        == 403
    )
    client = as_user(client, w.base_staff)
    assert "propose" in client.get(url("subject", w, cell.pk)).context["actions"]
    # R-RATE-7: HTXSNV for a cell needs its members rated first: the engine's reason is shown.
    response = client.post(url("subject_propose", w, cell.pk), {"propose-level": "HTXSNV"}, follow=True)
    assert any("Để xếp loại HTXSNV" in m for m in message_texts(response))
    client.post(url("subject_propose", w, cell.pk), {"propose-level": "HTTNV"})
    assert (fresh(cell).state, fresh(cell).proposed_level) == (S.PROPOSED, "HTTNV")


# -- who blocks whom --------------------------------------------------------------------------------------


def test_blockers_board_shows_each_organizations_step_and_what_holds_it(world, client):
    w = world
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for member in w.members1:
        complete_form(w.subject(member=member), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    client = as_user(client, w.base_staff)
    response = client.get(url("blockers", w, "CS1"))
    assert response.status_code == 200
    rows = {r.unit.code: r for r in response.context["rows"]}
    assert set(rows) == {"CB1", "CB2"}
    assert rows["CB1"].organization.state == S.REVIEWED
    assert dict((state, n) for state, _label, n in rows["CB1"].member_states) == {S.REVIEWED: 7}
    assert rows["CB2"].organization.state == S.DRAFT
    assert dict((state, n) for state, _label, n in rows["CB2"].member_states) == {S.DRAFT: 3}
    assert any("Chi bộ Tổ Văn" in reason for reason in rows["CB2"].holds)  # its review is not recorded
    # The base organization itself waits for its cells (R-ORDER-5).
    assert any("chưa được xếp loại" in reason for reason in response.context["own_holds"])


def test_blockers_board_drills_down_and_shows_prerequisite_collectives(world, client):
    from organizations.models import AffiliatedCollective

    w = world
    AffiliatedCollective.objects.create(organization=w.base, name="Ban Giám hiệu", kind="professional")
    client = as_user(client, w.commune_staff)
    response = client.get(url("blockers", w, "XA1"))
    rows = {r.unit.code: r for r in response.context["rows"]}
    assert set(rows) == {"CS1", "CS2"}
    assert rows["CS1"].has_children and not rows["CS2"].has_children
    assert any("Phải kiểm điểm trước" in reason and "Ban Giám hiệu" in reason for reason in rows["CS1"].holds)
    assert url("blockers", w, "CS1") in response.content.decode()
    assert [c["name"] for c in client.get(url("blockers", w, "CS1")).context["crumbs"]] == [
        "Đảng ủy xã An Bình",
        "Đảng bộ Trường An Bình",
    ]


def test_blockers_board_scope(world, client):
    w = world
    assert as_user(client, w.secretary).get(url("blockers", w, "CB1")).status_code == 200
    assert as_user(client, w.leader).get(url("blockers", w, "CS1")).status_code == 200
    assert as_user(client, w.secretary2).get(url("blockers", w, "CB1")).status_code == 404
    assert as_user(client, w.outsider).get(url("blockers", w, "CS1")).status_code == 404
    assert as_user(client, w.base_staff).get(url("blockers", w, "XA1")).status_code == 404
    assert as_user(client, w.base_staff).get(url("blockers", w, "NOPE")).status_code == 404


# -- fixed query counts -----------------------------------------------------------------------------------


def everyone_proposed(w):
    """Every member and cell of CS1 at the proposal, as a queue would see it after a busy week."""
    Subject.objects.filter(
        season=w.season, path__startswith=w.subject(unit=w.base).path, out_of_scope=""
    ).exclude(unit__organization=w.base).update(state=S.PROPOSED, self_level="HTTNV", proposed_level="HTTNV")


QUEUE_QUERIES = 33
BOARD_QUERIES = 26


@pytest.mark.parametrize("extra", [0, 190])
def test_queue_queries_do_not_grow_with_the_subjects(db, client, django_assert_max_num_queries, extra):
    w = build_world(extra_members=extra)
    everyone_proposed(w)
    client = as_user(client, w.base_staff)
    assert Subject.objects.filter(season=w.season, state=S.PROPOSED).count() == 12 + extra
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(url("queue", w))
    assert len(response.context["rows"]) == min(50, 12 + extra)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        flagged = client.get(url("queue", w), {"flagged": "on"})  # the rules run on every row
    # No form was written, so R-RATE-1 cannot check any level: every row is flagged.
    assert flagged.context["page"].paginator.count == 12 + extra


@pytest.mark.parametrize("extra", [0, 190])
def test_board_queries_do_not_grow_with_the_subjects(db, client, django_assert_max_num_queries, extra):
    w = build_world(extra_members=extra)
    everyone_proposed(w)
    client = as_user(client, w.commune_staff)
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get(url("blockers", w, "XA1"))
    cs1 = next(r for r in response.context["rows"] if r.unit.code == "CS1")
    assert cs1.members_in_scope == 10 + extra
    with django_assert_max_num_queries(BOARD_QUERIES):
        client.get(url("blockers", w, "CS1"))


@pytest.mark.parametrize("cells", [2, 30])
def test_board_queries_do_not_grow_with_the_organizations(db, client, django_assert_max_num_queries, cells):
    w = build_world(open_now=False)
    for n in range(cells):
        make_org(
            Kind.CELL, w.base, name=f"Chi bộ Thêm {n:02d}", code=f"TH{n:02d}", has_leadership_collective=False
        )
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    client = as_user(client, w.base_staff)
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get(url("blockers", w, "CS1"))
    assert len(response.context["rows"]) == 2 + cells
