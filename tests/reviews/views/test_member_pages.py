"""The member's pages: the annual pledge, the self-review form (autosave, submit, on behalf,
suggestions, reference lists, print) and the member's result."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from members.models import Pledge, PledgeItem
from members.services import PledgeError, acknowledge_pledge, save_pledge, submit_pledge
from organizations.models import Role
from reviews import workflow
from reviews.models import ReferenceItem, Subject, Suggestion
from reviews.rules import form_items
from reviews.services import import_decided_results, issue_suggestion
from tests.clock import ROLES_FROM
from tests.factories import UserFactory
from tests.reviews.conftest import build_world
from tests.reviews.helpers import complete_form, decide, fresh, give_pledge, propose, review

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
S = Subject.State


def url(name: str, w, subject=None, **kwargs) -> str:
    kwargs["season"] = w.season.pk
    if subject is not None:
        kwargs["subject"] = subject.pk
    return reverse(f"reviews:{name}", kwargs=kwargs)


def login(client, user):
    client.force_login(user)
    return client


def fill_through_the_page(client, w, subject, level="HTTNV", grade="tot"):
    """Write every item of the subject's form the way the page does: one autosave per field."""
    save = url("form-save", w, subject)
    for item in form_items(subject.season.rule_set.template(subject.form_code)):
        key = item["key"]
        if item["type"] in ("text", "graded_text", "remediation"):
            assert client.post(save, {"key": key, "text": f"Nội dung {key}"}, headers=HTMX).status_code == 200
        if item.get("criterion"):
            client.post(save, {"key": key, "grade": grade}, headers=HTMX)
        if item["type"] == "self_rating" and (
            item.get("only_for") != "civil_servant" or subject.is_civil_servant
        ):
            client.post(save, {"key": key, "level": level}, headers=HTMX)
        if item["type"] == "pledge":
            for pledge_item in give_pledge(subject.member, subject.season.year).items.all():
                client.post(
                    save,
                    {"key": f"pledge:{pledge_item.pk}", "fulfilment": "Đã làm", "assessment": "done"},
                    headers=HTMX,
                )


# -- the form: open, autosave, refusals -------------------------------------------------------------------


def test_the_member_opens_their_own_form(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    assert client.get(url("my-form", w)).url == url("form", w, subject)
    response = client.get(url("form", w, subject))
    assert response.status_code == 200
    content = response.content.decode()
    template = w.season.rule_set.template(subject.form_code)
    for section in template["sections"]:
        assert escape(section["title"]) in content
    for grade in w.season.rule_set.grades:
        assert grade["label"] in content
    assert 'name="level" value="HTTNV"' in content
    assert "Xếp loại cán bộ, công chức, viên chức" not in content  # only for civil servants
    assert "data-on-behalf" not in content
    assert 'data-hx-trigger="input changed delay:800ms, change"' in content


def test_a_civil_servant_also_rates_themself_as_a_civil_servant(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    Subject.objects.filter(pk=subject.pk).update(is_civil_servant=True)
    content = login(client, w.member_user).get(url("form", w, subject)).content.decode()
    assert "Xếp loại cán bộ, công chức, viên chức" in content


def test_autosave_merges_one_item_and_shows_when_it_was_saved(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    save = url("form-save", w, subject)
    response = client.post(save, {"key": "II.1", "text": "Còn chậm cập nhật văn bản"}, headers=HTMX)
    assert response.status_code == 200
    form = fresh(subject).form
    assert form.answers == {"II.1": {"text": "Còn chậm cập nhật văn bản"}}
    content = response.content.decode()
    assert 'data-save-state="saved"' in content
    assert timezone.localtime(form.saved_at).strftime("%H:%M") in content
    assert "<html" not in content  # a partial, not the page

    client.post(save, {"key": "I.1", "grade": "tot"}, headers=HTMX)
    client.post(save, {"key": "I.1", "text": "Giữ vững lập trường"}, headers=HTMX)
    assert fresh(subject).form.answers["I.1"] == {"grade": "tot", "text": "Giữ vững lập trường"}
    assert fresh(subject).form.version == 3
    assert not fresh(subject).form.entered_on_behalf


def test_without_htmx_a_save_returns_to_the_item(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    response = login(client, w.member_user).post(
        url("form-save", w, subject), {"key": "VI", "text": "Tự học"}
    )
    assert response.status_code == 302 and response.url.endswith("#item-VI")
    assert fresh(subject).form.answers["VI"] == {"text": "Tự học"}


@pytest.mark.parametrize(
    "data",
    [
        {"key": "I.1", "grade": "very-good"},
        {"key": "VII.2", "level": "BEST"},
        {"key": "X.9", "text": "?"},
        {"key": "IV", "text": "suggestions are answered one by one"},
        {"key": "refs", "ticked": ["999999"]},
        {"key": "pledge:999999", "assessment": "done"},
    ],
)
def test_values_the_form_does_not_offer_are_refused_beside_the_field(world, client, data):
    w = world
    subject = w.subject(member=w.deputy)
    response = login(client, w.member_user).post(url("form-save", w, subject), data, headers=HTMX)
    assert response.status_code == 200
    assert 'data-save-state="error"' in response.content.decode()
    assert not hasattr(fresh(subject), "form") or fresh(subject).form.answers == {}


def test_a_save_on_a_submitted_form_shows_the_engines_reason(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    complete_form(subject, w.member_user)
    before = fresh(subject).form.answers
    with pytest.raises(workflow.WorkflowError) as refusal:
        workflow.save_answer(subject=fresh(subject), actor=w.member_user, key="II.1", value={"text": "x"})
    login(client, w.member_user)
    response = client.post(url("form-save", w, subject), {"key": "II.1", "text": "Sửa lại"}, headers=HTMX)
    content = response.content.decode()
    assert 'data-save-state="error"' in content
    assert escape(refusal.value.reasons[0]) in content
    assert fresh(subject).form.answers == before
    page = client.post(url("form-save", w, subject), {"key": "II.1", "text": "Sửa lại"}, follow=True)
    assert escape(refusal.value.reasons[0]) in page.content.decode()


# -- submit --------------------------------------------------------------------------------------------------


def shown_parts(reason) -> list[str]:
    """What of a reason the page must show: the sentence; for one that lists things, the words
    before the list and each thing's name, linked to its place on the form."""
    if not getattr(reason, "items", ()):
        return [escape(reason)]
    return [escape(reason.lead.rstrip())] + [f'href="{escape(u)}">{escape(n)}</a>' for n, u in reason.items]


def test_submitting_with_items_missing_is_refused_with_the_reasons(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    client.post(url("form-save", w, subject), {"key": "II.1", "text": "Một hạn chế"}, headers=HTMX)
    reasons = workflow.blockers(fresh(subject), "submit", actor=w.member_user).blockers
    assert len(reasons) > 1
    page = client.get(url("form", w, subject)).content.decode()
    for reason in reasons:  # shown before pressing
        for part in shown_parts(reason):
            assert part in page
    partial = client.get(url("form-blockers", w, subject), headers=HTMX).content.decode()
    assert f'data-blockers="{len(reasons)}"' in partial
    # The button does not invite a submission the engine would refuse: it says what is left.
    assert 'disabled aria-describedby="submit-waits"' in partial and "data-confirm" not in partial
    assert f"Còn {len(reasons)} mục cần hoàn thành trước khi nộp." in partial
    assert 'id="submit-missing" data-hx-swap-oob="true"' in partial  # the tab's count, refreshed too
    # A submission posted anyway (a page left open) is refused: the reasons once, in one alert.
    response = client.post(url("form-submit", w, subject), follow=True)
    content = response.content.decode()
    alert = content[
        content.index('<div class="messages"') : content.index("</ul>", content.index("data-reasons"))
    ]
    assert alert.count("alert-danger") == 1 and "Chưa nộp được, vì:" in alert
    for reason in reasons:
        assert escape(" ".join(reason.split())) in alert
    assert alert.count("<li>") == len(reasons)
    assert fresh(subject).state == S.DRAFT


def test_the_missing_items_link_to_their_place_on_the_form(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    partial = client.get(url("form-blockers", w, subject), headers=HTMX).content.decode()
    form = url("form", w, subject)
    page = client.get(form).content.decode()
    (empty,) = [r for r in workflow.blockers(fresh(subject), "submit").blockers if "II.1" in r]
    assert ("II.1", f"{form}#item-II-1") in empty.items
    for _name, place in empty.items:
        assert f'href="{place}"' in partial
        assert f'id="{place.split("#")[1]}"' in page  # the card the link opens


def test_a_complete_form_is_submitted_and_then_read_only(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    fill_through_the_page(client, w, subject)
    assert workflow.blockers(fresh(subject), "submit", actor=w.member_user).blockers == []
    partial = client.get(url("form-blockers", w, subject), headers=HTMX).content.decode()
    assert 'data-blockers="0"' in partial
    # Nothing left: the button is back, and asks before the step that cannot be undone.
    assert "disabled" not in partial and "data-confirm=" in partial and "data-submit-waits" not in partial
    response = client.post(url("form-submit", w, subject))
    assert response.status_code == 302
    subject = fresh(subject)
    assert subject.state == S.SUBMITTED and subject.self_level == "HTTNV"
    content = client.get(url("form", w, subject)).content.decode()
    assert "data-read-only" in content and "data-hx-post" not in content
    assert "Nội dung II.1" in content


def test_the_cell_secretary_enters_a_review_on_the_members_behalf(world, client):
    w = world
    subject = w.subject(member=w.members1[3])
    login(client, w.secretary)
    content = client.get(url("form", w, subject)).content.decode()
    assert "data-on-behalf" in content and escape(subject.name) in content
    fill_through_the_page(client, w, subject)
    form = fresh(subject).form
    assert form.entered_on_behalf and form.entered_by == w.secretary
    client.post(url("form-submit", w, subject))
    assert fresh(subject).state == S.SUBMITTED
    assert subject.events.get(action="submit").data == {"on_behalf": True}


# -- section IV and the reference lists -----------------------------------------------------------------


def test_a_review_suggestion_is_shown_and_answered_in_section_iv(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    suggestion = issue_suggestion(
        subject=subject, actor=w.base_staff, text="Làm rõ việc chậm báo cáo quý III"
    )
    login(client, w.member_user)
    content = client.get(url("form", w, subject)).content.decode()
    assert (
        f'id="item-suggestion-{suggestion.pk}"' in content and "Làm rõ việc chậm báo cáo quý III" in content
    )
    response = client.post(
        url("form-answer", w, subject, suggestion=suggestion.pk), {"answer": "Do ốm 2 tuần"}, headers=HTMX
    )
    assert 'data-save-state="saved"' in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.answer == "Do ốm 2 tuần" and suggestion.answered_at
    other = issue_suggestion(subject=w.subject(member=w.members1[3]), actor=w.base_staff, text="Khác")
    assert (
        client.post(url("form-answer", w, subject, suggestion=other.pk), {"answer": "x"}).status_code == 404
    )


def test_reference_items_are_ticked_and_unchecked_ones_are_marked(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    content = client.get(url("form", w, subject)).content.decode()
    assert content.count('name="ticked"') == ReferenceItem.objects.count()
    unverified = ReferenceItem.objects.filter(verified=False).count()
    assert unverified and content.count('fst-italic" title=') == unverified
    picked = sorted(ReferenceItem.objects.values_list("pk", flat=True)[:2])
    response = client.post(
        url("form-save", w, subject), {"key": "refs", "ticked": [str(pk) for pk in picked]}, headers=HTMX
    )
    assert 'data-save-state="saved"' in response.content.decode()
    assert fresh(subject).form.answers["refs"] == {"ticked": picked}
    content = client.get(url("form", w, subject)).content.decode()
    assert f'value="{picked[0]}" id="ref-{picked[0]}" checked' in content
    client.post(url("form-save", w, subject), {"key": "refs"}, headers=HTMX)  # untick all
    assert fresh(subject).form.answers["refs"] == {"ticked": []}


def test_a_submitted_form_lists_only_the_ticked_reference_items_and_reads_none_when_none_is_ticked(
    world, client
):
    # R-FORM-7: the read-only form shows what was ticked; with nothing ticked it does not read the lists.
    w = world
    ticked, bare = w.subject(member=w.deputy), w.subject(member=w.members1[3])
    picked = sorted(ReferenceItem.objects.values_list("pk", flat=True)[:2])
    workflow.save_answer(subject=ticked, actor=w.member_user, key="refs", value={"ticked": picked})
    complete_form(ticked, w.member_user)
    complete_form(bare, w.secretary)
    login(client, w.secretary)
    content = client.get(url("form", w, ticked)).content.decode()
    assert "data-read-only" in content and 'name="ticked"' not in content
    for item in ReferenceItem.objects.filter(pk__in=picked):
        assert f"<li>{item.number}. {escape(item.label)}</li>" in content
    for item in ReferenceItem.objects.exclude(pk__in=picked):
        assert f"<li>{item.number}. {escape(item.label)}</li>" not in content  # only the ticked ones
    with CaptureQueriesContext(connection) as reads:
        content = client.get(url("form", w, bare)).content.decode()
    assert "data-read-only" in content and "Chưa chọn nội dung nào." in content
    assert not [q for q in reads.captured_queries if "reviews_referenceitem" in q["sql"]]


# -- who may see and act ------------------------------------------------------------------------------------


def _member_of_cell2(w):
    user = UserFactory(username="dv2")
    member = w.members2[0]
    member.user = user
    member.save()
    Role.objects.create(user=user, organization=w.cell2, kind=Role.Kind.MEMBER, starts_on=ROLES_FROM)
    return user


@pytest.mark.parametrize("who", ["secretary2", "member_of_cell2", "outsider", "member_user"])
def test_outsiders_get_404(world, client, who):
    w = world
    user = _member_of_cell2(w) if who == "member_of_cell2" else getattr(w, who)
    subject = w.subject(member=w.members1[3])  # not the member_user's own form either
    suggestion = Suggestion.objects.create(
        subject=subject, issued_by_unit=subject.unit, issued_by=w.base_staff, text="?"
    )
    login(client, user)
    assert client.get(url("form", w, subject)).status_code == 404
    assert client.get(url("form-print", w, subject)).status_code == 404
    assert client.get(url("form-blockers", w, subject), headers=HTMX).status_code == 404
    assert client.post(url("form-save", w, subject), {"key": "II.1", "text": "x"}).status_code == 404
    assert client.post(url("form-submit", w, subject)).status_code == 404
    assert (
        client.post(url("form-answer", w, subject, suggestion=suggestion.pk), {"answer": "x"}).status_code
        == 404
    )
    assert not hasattr(fresh(subject), "form")


def test_a_read_only_role_may_look_but_not_act(world, client):
    w = world
    subject = w.subject(member=w.members1[3])
    suggestion = issue_suggestion(subject=subject, actor=w.base_staff, text="?")
    login(client, w.leader)
    response = client.get(url("form", w, subject))
    assert response.status_code == 200 and "data-hx-post" not in response.content.decode()
    assert client.post(url("form-save", w, subject), {"key": "II.1", "text": "x"}).status_code == 403
    assert client.post(url("form-submit", w, subject)).status_code == 403
    assert (
        client.post(url("form-answer", w, subject, suggestion=suggestion.pk), {"answer": "x"}).status_code
        == 403
    )


def test_mutations_need_post(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    assert client.get(url("form-save", w, subject)).status_code == 405
    assert client.get(url("form-submit", w, subject)).status_code == 405
    assert client.get(reverse("members:pledge-save", kwargs={"year": 2026})).status_code == 405


def test_the_printable_copy_has_the_party_form_headers_and_sections(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    client.post(url("form-save", w, subject), {"key": "II.1", "text": "Hạn chế in ra"}, headers=HTMX)
    response = client.get(url("form-print", w, subject))
    assert response.status_code == 200
    content = response.content.decode()
    template = w.season.rule_set.template(subject.form_code)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in content
    assert template["form_number"] in content and template["title"] in content
    for section in template["sections"]:
        assert escape(section["title"]) in content
    for signature in template["signatures"]:
        assert escape(signature) in content
    assert "Hạn chế in ra" in content and escape(subject.member.full_name) in content
    collective = w.subject(unit=w.cell1)
    content = login(client, w.secretary).get(url("form-print", w, collective)).content.decode()
    assert "BÁO CÁO KIỂM ĐIỂM TẬP THỂ" in content


def test_the_form_page_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    w = world
    subject = w.subject(member=w.deputy)
    login(client, w.member_user)
    pledge = give_pledge(w.deputy)
    issue_suggestion(subject=subject, actor=w.base_staff, text="Gợi ý 1")
    bound = 20  # 18 today: session, user, season, subject, scope, form, pledge, items, …
    with django_assert_max_num_queries(bound):
        assert client.get(url("form", w, subject)).status_code == 200
    PledgeItem.objects.bulk_create(
        PledgeItem(pledge=pledge, category=PledgeItem.Category.PROFESSIONAL, text=f"Việc {n}", order=10 + n)
        for n in range(40)
    )
    for pledge_item in pledge.items.all():
        workflow.save_answer(
            subject=subject, actor=w.member_user, key=f"pledge:{pledge_item.pk}", value={"assessment": "done"}
        )
    for n in range(15):
        issue_suggestion(subject=subject, actor=w.base_staff, text=f"Gợi ý {n + 2}")
    with django_assert_max_num_queries(bound):
        response = client.get(url("form", w, subject))
    assert response.content.decode().count('name="fulfilment"') == 45
    assert response.content.decode().count('name="answer"') == 16


# -- the pledge ---------------------------------------------------------------------------------------------


def pledge_post(rows, action="save"):
    data = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "action": action,
    }
    for n, row in enumerate(rows):
        for field, value in row.items():
            data[f"items-{n}-{field}"] = value
    return data


ALL_FIVE = [
    {"category": value, "text": f"Cam kết {value}", "target": "100%" if value == "professional" else ""}
    for value in PledgeItem.Category.values
]


def test_the_member_writes_and_saves_their_pledge(world, client):
    w = world
    login(client, w.member_user)
    assert client.get(reverse("members:pledge-current")).url == reverse(
        "members:pledge", kwargs={"year": 2026}
    )
    page = client.get(reverse("members:pledge", kwargs={"year": 2026}))
    assert page.status_code == 200
    content = page.content.decode()
    for value in PledgeItem.Category.values:
        assert f'data-pledge-rows="{value}"' in content
    rows = [
        {"category": "politics", "text": "Học tập nghị quyết", "target": ""},
        {"category": "professional", "text": "Hoàn thành đề án", "target": "Xong trước 30/9"},
        {"category": "professional", "text": "Bỏ đi", "target": "", "DELETE": "on"},
        {"category": "ethics", "text": "   ", "target": ""},
    ]
    response = client.post(reverse("members:pledge-save", kwargs={"year": 2026}), pledge_post(rows))
    assert response.status_code == 302
    pledge = Pledge.objects.get(member=w.deputy, year=2026)
    assert pledge.state == Pledge.State.DRAFT
    assert list(pledge.items.values_list("category", "text", "target")) == [
        ("politics", "Học tập nghị quyết", ""),
        ("professional", "Hoàn thành đề án", "Xong trước 30/9"),
    ]
    content = client.get(reverse("members:pledge", kwargs={"year": 2026})).content.decode()
    assert "Hoàn thành đề án" in content and "Xong trước 30/9" in content


def test_a_pledge_missing_an_area_is_not_submitted_and_says_why(world, client):
    w = world
    login(client, w.member_user)
    rows = ALL_FIVE[:2]
    response = client.post(
        reverse("members:pledge-save", kwargs={"year": 2026}), pledge_post(rows, "submit"), follow=True
    )
    pledge = Pledge.objects.get(member=w.deputy, year=2026)
    assert pledge.state == Pledge.State.DRAFT and pledge.items.count() == 2
    with pytest.raises(PledgeError) as refusal:
        submit_pledge(pledge=pledge)
    assert escape(refusal.value.messages[0]) in response.content.decode()


def test_a_submitted_pledge_is_read_only_and_an_acknowledged_one_locked(world, client):
    w = world
    login(client, w.member_user)
    save = reverse("members:pledge-save", kwargs={"year": 2026})
    client.post(save, pledge_post(ALL_FIVE, "submit"))
    pledge = Pledge.objects.get(member=w.deputy, year=2026)
    assert pledge.state == Pledge.State.SUBMITTED and pledge.items.count() == 5
    content = client.get(reverse("members:pledge", kwargs={"year": 2026})).content.decode()
    assert 'data-pledge-state="submitted"' in content and "items-0-text" not in content
    assert "Cam kết professional" in content
    response = client.post(save, pledge_post([{"category": "party", "text": "Thay hết"}]), follow=True)
    with pytest.raises(PledgeError) as refusal:
        save_pledge(member=w.deputy, year=2026, items=[])
    assert escape(refusal.value.messages[0]) in response.content.decode()
    assert pledge.items.count() == 5
    acknowledge_pledge(pledge=pledge, actor=w.secretary)
    content = client.get(reverse("members:pledge", kwargs={"year": 2026})).content.decode()
    assert 'data-pledge-state="acknowledged"' in content and "items-0-text" not in content


def test_only_the_member_writes_their_pledge_others_may_read_it(world, client):
    w = world
    give_pledge(w.deputy, acknowledged=False)
    mine = reverse("members:pledge", kwargs={"year": 2026})
    save = reverse("members:pledge-save", kwargs={"year": 2026})
    detail = reverse("members:pledge-detail", kwargs={"uid": w.deputy.uid, "year": 2026})
    for user in (w.secretary, w.outsider):  # no member record: no pledge of their own
        login(client, user)
        assert client.get(mine).status_code == 404
        assert client.post(save, pledge_post(ALL_FIVE)).status_code == 404
    login(client, w.secretary)
    content = client.get(detail).content.decode()
    assert "Cam kết 1" in content and "items-0-text" not in content
    assert login(client, w.leader).get(detail).status_code == 200
    assert login(client, w.secretary2).get(detail).status_code == 404
    assert login(client, w.outsider).get(detail).status_code == 404
    assert login(client, w.member_user).get(detail).url == mine
    assert (
        login(client, w.member_user).get(reverse("members:pledge", kwargs={"year": 1990})).status_code == 404
    )


# -- my result ----------------------------------------------------------------------------------------------


def _decide_cell(w, cell, secretary, members, leave_out=()):
    complete_form(w.subject(unit=cell), secretary)
    for member in members:
        complete_form(w.subject(member=member), secretary)
    review(w.subject(unit=cell), secretary, [w.subject(member=m) for m in members])
    propose([w.subject(member=m) for m in members], secretary)
    propose([w.subject(unit=cell)], w.base_staff)
    decide([w.subject(unit=cell)], w.base_staff)
    decide([w.subject(member=m) for m in members if m not in leave_out], w.base_staff)


def test_my_result_shows_my_level_and_only_my_cells_decided_results(world, client):
    w = world
    waiting = w.members1[-1]
    _decide_cell(w, w.cell1, w.secretary, w.members1, leave_out=[waiting])
    _decide_cell(w, w.cell2, w.secretary2, w.members2)
    login(client, w.member_user)
    response = client.get(url("my-result", w))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-decided="HTTNV"' in content
    for member in w.members1:
        assert (escape(member.full_name) in content) == (member != waiting)
    for member in w.members2:
        assert escape(member.full_name) not in content
    assert login(client, w.outsider).get(url("my-result", w)).status_code == 404


def test_my_result_before_the_decision(world, client):
    w = world
    complete_form(w.subject(member=w.deputy), w.member_user)
    content = login(client, w.member_user).get(url("my-result", w)).content.decode()
    assert "data-decided" not in content and "data-published" not in content
    assert "HTTNV" in content  # the self-rating


@pytest.mark.parametrize("extra", [0, 190])
def test_my_result_runs_a_fixed_number_of_queries(db, client, django_assert_max_num_queries, extra):
    w = build_world(extra_members=extra)
    user = _member_of_cell2(w)
    cell2 = Subject.objects.filter(season=w.season, unit__organization=w.cell2, kind=Subject.Kind.MEMBER)
    import_decided_results(
        season=w.season,
        levels={pk: "HTTNV" for pk in cell2.values_list("pk", flat=True)},
        actor=w.board,
        source="?",
    )
    login(client, user)
    with django_assert_max_num_queries(15):
        response = client.get(url("my-result", w))
    assert response.content.decode().count("<tr>") == 1 + 3 + extra  # the header row, then each member
