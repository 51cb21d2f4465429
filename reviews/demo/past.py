"""The years before the season under review: results decided on paper, and last year's
remediation plans in the login cell."""

import datetime
import random

from django.utils import timezone

from members.models import DisciplineRecord
from reviews import workflow
from reviews.demo.cast import Cast
from reviews.demo.forms import TEXTS
from reviews.models import Season, Subject
from reviews.rules import quota_limit
from reviews.services import submit_remediation_plan


def _decided_levels(season: Season, rng: random.Random) -> dict[int, str]:
    """A plausible distribution that respects R-RATE-2 and R-RATE-3 in every quota group."""
    disciplined = set(
        DisciplineRecord.objects.filter(
            decided_on__year=season.year, violation_year=season.year, self_found_and_remedied=False
        ).values_list("member_id", flat=True)
    )
    subjects = Subject.objects.filter(season=season, out_of_scope="").exclude(decider=None)
    levels: dict[int, str] = {}
    groups: dict[str, list[int]] = {}
    for pk, member_id, key in subjects.order_by("pk").values_list("pk", "member_id", "quota_key"):
        if member_id in disciplined:
            levels[pk] = "KHTNV"
            continue
        roll = rng.random()
        levels[pk] = (
            "HTXSNV" if roll < 0.14 else "HTTNV" if roll < 0.9 else "HTNV" if roll < 0.98 else "KHTNV"
        )
        groups.setdefault(key, []).append(pk)
    quota = season.rule_set.quota
    for members in groups.values():
        excellent = [pk for pk in members if levels[pk] == "HTXSNV"]
        allowed = quota_limit(sum(1 for pk in members if levels[pk] == "HTTNV"), quota)
        for pk in excellent[allowed:]:
            levels[pk] = "HTTNV"
    return levels


def _remediation(season: Season, cast: Cast, rng: random.Random) -> None:
    """Last year's shortcomings and plans for the login cell (section III starts from them)."""
    for subject in Subject.objects.filter(season=season, unit__organization=cast.login_cell).select_related(
        "season__rule_set", "unit", "member"
    ):
        form = workflow.get_form(subject)
        form.answers = {"II.1": {"text": TEXTS["II.1"]}, "VI": {"text": TEXTS["VI"]}}
        form.submitted_at = timezone.now()
        form.save(update_fields=["answers", "submitted_at"])
        if subject.member_id == cast.dangvien.pk or rng.random() < 0.6:
            submit_remediation_plan(
                subject=subject,
                actor=cast.admin,
                items=[
                    {
                        "text": "Dành ít nhất 2 giờ mỗi tuần tự học văn bản mới",
                        "owner": subject.name,
                        "due_on": datetime.date(season.year + 1, 6, 30),
                    },
                    {
                        "text": "Chủ động báo cáo tiến độ công việc hằng tháng",
                        "owner": subject.name,
                        "due_on": datetime.date(season.year + 1, 12, 31),
                    },
                ],
            )
