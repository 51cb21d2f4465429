"""Drive subjects through the workflow in tests, the way the pages do."""

import datetime
import html
import re

from members.models import Pledge, PledgeItem
from reviews import workflow
from reviews.models import Subject
from reviews.rules import form_items

MEETING_DAY = datetime.date(2026, 11, 20)
CIRCULATED = datetime.date(2026, 11, 13)


def give_pledge(member, year=2026, acknowledged=True):
    pledge, _created = Pledge.objects.get_or_create(
        member=member,
        year=year,
        defaults={"state": Pledge.State.ACKNOWLEDGED if acknowledged else Pledge.State.SUBMITTED},
    )
    if not pledge.items.exists():
        for n, category in enumerate(PledgeItem.Category.values):
            PledgeItem.objects.create(pledge=pledge, category=category, text=f"Cam kết {n + 1}", order=n)
    return pledge


def complete_form(subject: Subject, actor, level="HTTNV", grade="tot", task_grade=None, civil_level=None):
    """Fill every item of the subject's form and submit it."""
    template = subject.season.rule_set.template(subject.form_code)
    for item in form_items(template):
        value = {}
        if item["type"] in ("text", "graded_text", "remediation"):
            value["text"] = f"Nội dung mục {item['key']}"
        if item.get("criterion"):
            value["grade"] = task_grade if (task_grade and item.get("task_results")) else grade
        if item["type"] == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            value["level"] = civil_level or level if item.get("scope") == "civil_service" else level
        if item["type"] == "pledge":
            pledge = give_pledge(subject.member, subject.season.year)
            for pledge_item in pledge.items.all():
                workflow.save_answer(
                    subject=subject,
                    actor=actor,
                    key=f"pledge:{pledge_item.pk}",
                    value={"fulfilment": "Đã thực hiện", "assessment": "done"},
                )
            continue
        if value:
            workflow.save_answer(subject=subject, actor=actor, key=item["key"], value=value)
    return workflow.submit_form(subject=subject, actor=actor)


def review(collective: Subject, actor, subjects=(), absent=(), held_on=MEETING_DAY):
    entries = [workflow.EntryInput(subject=s, comments="Đồng ý", votes={"HTTNV": 5}) for s in subjects]
    entries += [workflow.EntryInput(subject=s, reviewed=False, absent_reason="Ốm nằm viện") for s in absent]
    return workflow.record_meeting(
        collective=collective,
        actor=actor,
        meeting=workflow.MeetingInput(held_on=held_on, present=5, total=6, draft_circulated_on=CIRCULATED),
        entries=entries,
    )


def propose(subjects, actor, level="HTTNV", civil_level="HTTNV"):
    return workflow.propose(
        proposals=[
            workflow.ProposalInput(
                subject=s, level=level, civil_service_level=civil_level if s.is_civil_servant else ""
            )
            for s in subjects
        ],
        actor=actor,
    )


def decide(subjects, actor, level="", reason=""):
    return workflow.decide(
        decisions=[workflow.DecisionInput(subject=s, level=level) for s in subjects],
        actor=actor,
        reason=reason,
    )


def fresh(subject: Subject) -> Subject:
    return Subject.objects.select_related("season__rule_set", "unit", "decider", "member").get(pk=subject.pk)


def decide_everything_below_the_commune(w):
    """Run the world's season until the cells, base organizations and all members are decided."""
    for cell, secretary, members in (
        (w.cell1, w.secretary, w.members1),
        (w.cell2, w.secretary2, w.members2 + w.crowd),
        (w.base_cell, w.base_cell_secretary, w.members3),
    ):
        collective = w.subject(unit=cell)
        complete_form(collective, secretary)
        subjects = [w.subject(member=m) for m in members]
        for subject in subjects:
            complete_form(subject, secretary)
        review(collective, secretary, [w.subject(member=m) for m in members])
        propose([w.subject(member=m) for m in members], secretary)
    base = w.subject(unit=w.base)
    complete_form(base, w.base_staff)
    review(base, w.base_staff)
    propose([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    decide([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    decide([w.subject(member=m) for m in w.members1 + w.members2 + w.crowd], w.base_staff)
    propose([w.subject(unit=w.base), w.subject(unit=w.base_cell)], w.commune_staff)
    decide([w.subject(unit=w.base), w.subject(unit=w.base_cell)], w.commune_staff)
    decide([w.subject(member=m) for m in w.members3], w.base_cell_secretary)


def task_rows(on_time=6, exceeded=4, late=0, not_done=0) -> list[dict]:
    """A task list for part B of a QĐ 366 form (R366-SCORE-4)."""
    rows = []
    for status, count in (
        ("on_time", on_time),
        ("exceeded", exceeded),
        ("late", late),
        ("not_done", not_done),
    ):
        rows += [
            {"text": f"Nhiệm vụ {len(rows) + n + 1}", "status": status, "products": "Báo cáo"}
            for n in range(count)
        ]
    return rows


def complete_366(
    subject: Subject, actor, points=None, tasks=None, level="HTTNV", units_led=False, submit=True
):
    """Fill a QĐ 366 form (part A, the task list, the points, the self-rating) and submit it.
    `points`: item key → typed value; by default 27/30 and 60/70 (87 points, HTTNV)."""
    template = subject.season.rule_set.template(subject.form_code)
    points = points if points is not None else {"general": "27", "tasks": "60"}
    for item in form_items(template):
        kind = item["type"]
        if kind in ("text", "remediation"):
            workflow.save_answer(
                subject=subject, actor=actor, key=item["key"], value={"text": f"Nội dung {item['key']}"}
            )
        elif kind == "pledge":
            pledge = give_pledge(subject.member, subject.season.year)
            for pledge_item in pledge.items.all():
                workflow.save_answer(
                    subject=subject,
                    actor=actor,
                    key=f"pledge:{pledge_item.pk}",
                    value={"fulfilment": "Đã thực hiện", "assessment": "done"},
                )
        elif kind == "tasks":
            value = {"tasks": tasks if tasks is not None else task_rows(), "units_led": units_led}
            workflow.save_answer(subject=subject, actor=actor, key=item["key"], value=value)
        elif kind == "scores":
            workflow.save_answer(subject=subject, actor=actor, key=item["key"], value={"points": points})
        elif kind == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            workflow.save_answer(subject=subject, actor=actor, key=item["key"], value={"level": level})
    return workflow.submit_form(subject=subject, actor=actor) if submit else fresh(subject)


def textareas(page: str, name: str) -> list[str]:
    """The text of each textarea `name` as a browser reads it: a newline right after the start tag
    is not part of it (HTML, "textarea" element), so a text that begins with one needs two."""
    found = re.findall(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return [html.unescape(v.removeprefix("\n")) for v in found]


def seated_with_login(member, organization, username: str, *, position: int = 2):
    """`member` seated on `organization`'s committee since ROLES_FROM (a seat, no role in the
    application), with a login of their own: the user, e.g. for an attendee of a review meeting."""
    from members.models import CommitteeSeat
    from tests.clock import ROLES_FROM
    from tests.factories import UserFactory

    CommitteeSeat.objects.create(
        member=member, organization=organization, position=position, starts_on=ROLES_FROM
    )
    member.user = UserFactory(username=username)
    member.save()
    return member.user
