"""R-FORM: what the forms hold, drafts, suggestions, pledges."""

import datetime

import pytest

from members.models import Pledge, PledgeItem
from members.services import PledgeError, acknowledge_pledge, save_pledge, submit_pledge
from reviews import workflow
from reviews.models import ReferenceItem, RemediationItem, Subject
from reviews.rules import form_items
from reviews.services import (
    answer_suggestion,
    issue_suggestion,
    previous_shortcomings,
    submit_remediation_plan,
)
from tests.reviews.conftest import open_season_124
from tests.reviews.helpers import complete_form, decide, fresh, give_pledge, propose, review

pytestmark = pytest.mark.django_db
S = Subject.State


def keys(template, kind=None):
    return [i["key"] for i in form_items(template) if kind is None or i["type"] == kind]


def test_r_form_1_the_collective_report_has_its_seven_sections(world):
    template = world.season.rule_set.template("01")
    assert [s["key"] for s in template["sections"]] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert [i["key"] for i in template["sections"][0]["items"]] == ["I.1", "I.2", "I.3", "I.4"]
    assert all(i["type"] == "graded_text" for i in template["sections"][0]["items"])
    assert keys(template, "remediation") == ["III"] and keys(template, "suggestions") == ["IV"]
    assert keys(template, "self_rating") == ["VII"]


def test_r_form_2_the_02a_form_and_its_two_self_ratings(world):
    template = world.season.rule_set.template("02A")
    assert keys(template)[:3] == ["I.1", "I.2", "I.3"]
    assert [i["type"] for i in template["sections"][0]["items"]] == ["graded_text", "graded_text", "pledge"]
    ratings = [i for i in form_items(template) if i["type"] == "self_rating"]
    assert [(r["key"], r["scope"]) for r in ratings] == [("VII.1", "civil_service"), ("VII.2", "party")]
    # The civil-service self-rating is asked of civil servants only.
    w = world
    subject = w.subject(member=w.members1[2])
    assert not subject.is_civil_servant
    complete_form(subject, w.secretary)
    assert fresh(subject).civil_service_level == ""


def test_r_form_3_the_02b_form_has_six_items_and_is_chosen_per_member(world):
    """R-FORM-3: section I of 02B holds six items, the last the annual pledge. Leaders write 02B;
    for anyone else the secretary chooses it per member (here a cell secretary with no post)."""
    template = world.season.rule_set.template("02B")
    assert keys(template)[:6] == ["I.1", "I.2", "I.3", "I.4", "I.5", "I.6"]
    assert [i["type"] for i in template["sections"][0]["items"]] == ["graded_text"] * 5 + ["pledge"]
    w = world
    assert w.subject(member=w.head).form_code == "02B"
    secretary_without_post = w.subject(member=w.members1[2])
    assert secretary_without_post.form_code == "02A"
    workflow.choose_form(subject=secretary_without_post, actor=w.secretary, form_code="02B")
    assert fresh(secretary_without_post).form_code == "02B"
    with pytest.raises(workflow.NotAllowed):
        workflow.choose_form(subject=secretary_without_post, actor=w.member_user, form_code="02A")
    complete_form(fresh(secretary_without_post), w.secretary)
    assert fresh(secretary_without_post).form.template_code == "02B"


def test_r_form_4_suggestions_must_be_answered_before_submission(world):
    w = world
    subject = w.subject(member=w.deputy)
    complete_form(subject, w.member_user)
    suggestion = issue_suggestion(
        subject=fresh(subject), actor=w.base_staff, text="Làm rõ việc chậm nộp đảng phí"
    )
    assert fresh(subject).state == S.RETURNED  # goes back to its author to answer
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.submit_form(subject=fresh(subject), actor=w.member_user)
    assert "IV" in " ".join(refused.value.reasons)
    answer_suggestion(
        suggestion=suggestion, actor=w.member_user, answer="Do đi công tác dài ngày; đã nộp đủ."
    )
    workflow.submit_form(subject=fresh(subject), actor=w.member_user)
    assert fresh(subject).state == S.SUBMITTED
    # Suggestions come from an upper level only.
    with pytest.raises(workflow.NotAllowed):
        issue_suggestion(subject=fresh(subject), actor=w.secretary, text="x")


@pytest.mark.parametrize("issuer", ["base_staff", "commune_staff", "board"])
def test_r366_scope_8_a_suggestion_is_issued_in_the_name_of_the_issuers_own_level(world, issuer):
    """Found by a review (2026-12-08): every suggestion was credited to the subject's base
    committee, the nearest unit the issuer's scope covers, whoever issued it."""
    w = world
    subject = w.subject(member=w.deputy)
    suggestion = issue_suggestion(subject=subject, actor=getattr(w, issuer), text="Làm rõ")
    own = {"base_staff": w.base, "commune_staff": w.commune, "board": w.province}[issuer]
    assert suggestion.issued_by_unit.organization_id == own.pk


def test_r_form_5_every_pledge_item_is_assessed_before_submission(world):
    w = world
    subject = w.subject(member=w.members1[3])
    complete_form(subject, w.secretary)  # fills and assesses everything
    workflow.return_form(subject=fresh(subject), actor=w.secretary, reason="Bổ sung")
    pledge = Pledge.objects.get(member=w.members1[3], year=2026)
    extra = PledgeItem.objects.create(
        pledge=pledge, category="party", text="Tham gia sinh hoạt đầy đủ", order=9
    )
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.submit_form(subject=fresh(subject), actor=w.secretary)
    assert "6" in " ".join(refused.value.reasons)
    workflow.save_answer(
        subject=fresh(subject),
        actor=w.secretary,
        key=f"pledge:{extra.pk}",
        value={"fulfilment": "Đầy đủ", "assessment": "done"},
    )
    workflow.submit_form(subject=fresh(subject), actor=w.secretary)


def test_r_form_5_no_pledge_means_the_form_cannot_be_submitted(world):
    w = world
    subject = w.subject(member=w.members1[4])
    complete_form(subject, w.secretary)
    workflow.return_form(subject=fresh(subject), actor=w.secretary, reason="x")
    Pledge.objects.filter(member=w.members1[4]).delete()
    verdict = workflow.blockers(fresh(subject), "submit", actor=w.secretary)
    assert any("2026" in reason for reason in verdict.blockers)


def test_r_form_6_section_iii_starts_from_last_seasons_shortcomings(world):
    w = world
    last = open_season_124(top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15))
    w.season, this_season = last, w.season
    old = w.subject(member=w.members3[0])
    complete_form(w.subject(unit=w.base_cell), w.base_cell_secretary)
    complete_form(old, w.base_cell_secretary)
    workflow.return_form(subject=fresh(old), actor=w.base_cell_secretary, reason="x")
    workflow.save_answer(
        subject=fresh(old), actor=w.base_cell_secretary, key="II.1", value={"text": "Chưa chủ động"}
    )
    workflow.submit_form(subject=fresh(old), actor=w.base_cell_secretary)
    review(w.subject(unit=w.base_cell), w.base_cell_secretary, [fresh(old)])
    submit_remediation_plan(
        subject=fresh(old),
        actor=w.base_cell_secretary,
        items=[
            {
                "text": "Chủ động đề xuất sáng kiến",
                "owner": "Vũ Văn Khoa",
                "due_on": datetime.date(2026, 6, 30),
            }
        ],
    )
    w.season = this_season
    now = previous_shortcomings(w.subject(member=w.members3[0]))
    assert now["year"] == 2025 and now["shortcomings"] == "Chưa chủ động"
    assert [i.text for i in now["items"]] == ["Chủ động đề xuất sáng kiến"]
    assert now["items"][0].status == RemediationItem.Status.OPEN


def test_r_form_7_the_reference_lists_are_data(db):
    assert ReferenceItem.objects.filter(list="manifestation").count() == 27
    assert ReferenceItem.objects.filter(list="prohibition").count() == 19
    assert ReferenceItem.objects.filter(list="manifestation", verified=True).exists()
    assert ReferenceItem.objects.filter(list="prohibition", verified=False).exists()
    item = ReferenceItem.objects.get(list="prohibition", number=8)
    item.label, item.verified = "Nội dung đã đối chiếu", True
    item.save()
    assert ReferenceItem.objects.get(pk=item.pk).verified


def test_r_form_7_the_author_ticks_reference_items_on_the_form(world):
    w = world
    subject = w.subject(member=w.deputy)
    ids = list(ReferenceItem.objects.filter(list="manifestation").values_list("pk", flat=True)[:2])
    workflow.save_answer(subject=subject, actor=w.member_user, key="refs", value={"ticked": ids})
    assert fresh(subject).form.answers["refs"]["ticked"] == ids


def test_r_form_8_signature_blocks_follow_the_forms(world):
    rules = world.season.rule_set
    assert rules.template("02A")["signatures"] == [
        "NGƯỜI TỰ KIỂM ĐIỂM",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "T/M CHI ỦY (CHI BỘ)",
        "T/M ĐẢNG ỦY (CHI ỦY)",
    ]
    assert rules.template("01")["signatures"][0].startswith("T/M")


def test_drafts_merge_one_item_at_a_time(world):
    w = world
    subject = w.subject(member=w.deputy)
    workflow.save_answer(subject=subject, actor=w.member_user, key="II.1", value={"text": "Hạn chế"})
    workflow.save_answer(subject=subject, actor=w.member_user, key="I.1", value={"text": "Ưu điểm"})
    workflow.save_answer(subject=subject, actor=w.member_user, key="I.1", value={"grade": "tot"})
    form = fresh(subject).form
    assert form.answers == {"II.1": {"text": "Hạn chế"}, "I.1": {"text": "Ưu điểm", "grade": "tot"}}
    assert form.version == 3 and not form.entered_on_behalf


def test_a_submitted_form_is_not_edited(world):
    w = world
    subject = w.subject(member=w.deputy)
    complete_form(subject, w.member_user)
    with pytest.raises(workflow.WorkflowError):
        workflow.save_answer(subject=fresh(subject), actor=w.member_user, key="II.1", value={"text": "đổi"})


def test_the_pledge_is_written_submitted_acknowledged_and_locked(world):
    w = world
    member = w.members1[5]
    items = [{"category": c, "text": f"Cam kết {c}", "target": "100%"} for c in PledgeItem.Category.values]
    with pytest.raises(PledgeError):
        submit_pledge(pledge=save_pledge(member=member, year=2026, items=items[:2]))
    pledge = save_pledge(member=member, year=2026, items=items)
    submit_pledge(pledge=pledge)
    with pytest.raises(PledgeError):
        save_pledge(member=member, year=2026, items=items[:1])
    acknowledge_pledge(pledge=pledge, actor=w.secretary)
    pledge.refresh_from_db()
    assert pledge.is_locked and pledge.acknowledged_by == w.secretary
    assert pledge.items.count() == 5
    with pytest.raises(PledgeError):
        acknowledge_pledge(pledge=pledge, actor=w.secretary)


def test_the_self_review_lists_the_pledge_items_with_a_fulfilment_field(world):
    w = world
    pledge = give_pledge(w.members1[6])
    subject = w.subject(member=w.members1[6])
    first = pledge.items.first()
    workflow.save_answer(
        subject=subject,
        actor=w.secretary,
        key=f"pledge:{first.pk}",
        value={"fulfilment": "Hoàn thành 95% chỉ tiêu", "assessment": "partly"},
    )
    assert fresh(subject).form.answers[f"pledge:{first.pk}"]["fulfilment"] == "Hoàn thành 95% chỉ tiêu"


def test_a_decided_members_result_keeps_its_forms(world):
    w = world
    complete_form(w.subject(unit=w.base_cell), w.base_cell_secretary)
    complete_form(w.subject(member=w.members3[0]), w.base_cell_secretary)
    review(w.subject(unit=w.base_cell), w.base_cell_secretary, [w.subject(member=w.members3[0])])
    propose([w.subject(member=w.members3[0])], w.base_cell_secretary)
    propose([w.subject(unit=w.base_cell)], w.commune_staff)
    decide([w.subject(unit=w.base_cell)], w.commune_staff)
    decide([w.subject(member=w.members3[0])], w.base_cell_secretary)
    assert fresh(w.subject(member=w.members3[0])).form.submitted_at is not None
