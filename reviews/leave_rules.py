"""The rules of leave in the rating year (R-RATE-10, R366-RATE-11): a level capped after long sick
leave where the rule set caps it, and the notes that say a member is rated on the work done."""

from django.utils.translation import gettext as _

from members.models import LeaveRecord
from reviews.facts import Facts
from reviews.models import Subject
from reviews.refusals import Reason


def leave_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R-RATE-10: sick leave of 3 months or more in the year caps the level (configurable; no cap
    under QĐ 366, R366-RATE-11)."""
    rules = facts.rules
    sick = facts.leave_days.get((subject.member_id, LeaveRecord.Kind.SICK), 0)
    cap = rules.switch("sick_leave_max_level")
    if sick >= rules.switch("sick_leave_days") and cap and rules.level_rank(level) < rules.level_rank(cap):
        return [
            Reason(
                _("%(days)d days of sick leave in %(year)s: the level cannot be above %(cap)s.")
                % {"days": sick, "year": facts.season.year, "cap": cap},
                rule="R-RATE-10",
            )
        ]
    return []


def leave_notes(subject: Subject, facts: Facts) -> list[str]:
    """R-RATE-10 / R366-RATE-11: sick leave of 3 months or more (`sick_leave_days`) and maternity
    leave are rated on the work actually done: a note (the cap, where a rule set sets one, is
    leave_problems')."""
    notes = []
    sick = facts.leave_days.get((subject.member_id, LeaveRecord.Kind.SICK), 0)
    if sick and sick >= facts.rules.switch("sick_leave_days"):
        notes.append(
            Reason(
                _("%(days)d days of sick leave in %(year)s: rate on the work actually done.")
                % {"days": sick, "year": facts.season.year},
                rule="R366-RATE-11" if facts.rules.regime == "qd366" else "R-RATE-10",
            )
        )
    days = facts.leave_days.get((subject.member_id, LeaveRecord.Kind.MATERNITY), 0)
    if days:
        return notes + [
            Reason(
                _("%(days)d days of maternity leave: rate on the time actually worked.") % {"days": days},
                rule="R-RATE-10",
            )
        ]
    return notes
