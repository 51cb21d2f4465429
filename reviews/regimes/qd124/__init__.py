"""Regulation 124-QĐ/TW with Guidance 25-HD/BTCTW (rule set "QĐ 124 / HD 25 (2023)", regime
`qd124`): how a level is derived and checked, and in which order subjects are rated.

A level comes from per-criterion grades (Xuất sắc, Tốt, Trung bình, Kém): R-RATE-1 gives the
highest level the grades allow. Discipline in the rating year for a violation of that year means
KHTNV (R-RATE-3); an earlier year's violation reopens that year (R-RATE-4, reviews/services.py).
A cell is rated before its members (R-ORDER-6), a unit before its head (R-ORDER-7).

The rules both regimes share (pledges, comments from other cells, the civil-service link, leave,
the quota, the review order) are in reviews/rules.py.

The modules: grades.py (a level from the grades), checks.py (guards on a form and on a level),
order.py (the rating order).
"""

from django.utils.translation import gettext as _

from reviews.facts import Facts
from reviews.models import Subject
from reviews.regimes.base import Regime
from reviews.regimes.qd124.checks import form_problems, level_problems
from reviews.regimes.qd124.order import decision_order_problems, head_above_collective


class QD124(Regime):
    code = "qd124"
    uses_points = False
    member_forms = ("02A", "02B")
    reopens_year_of_violation = True  # R-RATE-4

    def past_violation_note(self, record, lowest: str) -> str:
        """R-RATE-4: the year of the violation is reopened and re-rated KHTNV by the directly
        superior committee, case by case when the member found the violation and remedied it."""
        values = {
            "year": record.violation_year,
            "date": record.decided_on.strftime("%d/%m/%Y"),
            "lowest": lowest,
        }
        if record.self_found_and_remedied:
            return (
                _(
                    "Under Article 12 of Regulation 124-QĐ/TW this violation of %(year)s, disciplined on "
                    "%(date)s, reopens the rating of %(year)s. The member found it and remedied it: the "
                    "directly superior committee weighs the level case by case."
                )
                % values
            )
        return (
            _(
                "Under Article 12 of Regulation 124-QĐ/TW this violation of %(year)s, disciplined on "
                "%(date)s, reopens the rating of %(year)s: the directly superior committee re-rates it "
                "%(lowest)s."
            )
            % values
        )

    def past_violation_levels(self, record, level_codes: list[str]) -> list[str]:
        return list(level_codes) if record.self_found_and_remedied else level_codes[-1:]

    def rerating_basis(self) -> str:
        return _(
            "Article 13 of Regulation 124-QĐ/TW: the directly superior committee may cancel a "
            "decided result and re-rate it, with the reason written down."
        )

    # R-ORDER-6: the cell, then its committee, then the members.
    cell_rating_order = (Subject.Kind.ORGANIZATION, Subject.Kind.LEADERSHIP, Subject.Kind.MEMBER)

    def member_form_sql(self) -> str:
        return "CASE WHEN m.is_leader THEN '02B' ELSE '02A' END"

    def form_problems(self, subject: Subject, facts: Facts) -> list[str]:
        return form_problems(subject, facts)

    def level_problems(self, subject: Subject, level: str, facts: Facts) -> list[str]:
        return level_problems(subject, level, facts)

    def decision_order_problems(
        self, subject: Subject, facts: Facts, decided_now: frozenset[int]
    ) -> list[str]:
        return decision_order_problems(subject, facts, decided_now)

    def head_above_collective(
        self, subject: Subject, level: str, facts: Facts, levels_now: dict
    ) -> str | None:
        return head_above_collective(subject, level, facts, levels_now)

    def decision_sort_key(self, subject: Subject) -> tuple:
        """R-ORDER-5/6: collectives before members, lower organizations before higher ones, and an
        organization before its leadership collective (same path)."""
        return (subject.is_member, -len(subject.path), subject.kind != Subject.Kind.ORGANIZATION)


REGIME = QD124()
