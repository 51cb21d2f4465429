"""Regulation 366-QĐ/TW with Guidance 43-HD/BTCTW (rule set "QĐ 366 / HD 43 (2025)", regime
`qd366`): how a level is derived and checked, and in which order subjects are rated.

How a level is decided (R366-RATE-1..3):
1. Points out of 100 — 30 for the general criteria, 70 for the results of the tasks — give a band:
   HTXSNV from 90, HTTNV from 70, HTNV from 50, KHTNV below 50 (the rule set's `scoring.bands`).
2. A KHTNV case (R366-RATE-4 collectives, R366-RATE-5 leaders, R366-RATE-6 other members: the
   rule set's `scoring.profiles[*].cases`, ticked by the appraiser, or found in the record — tasks
   not done, discipline decided in the year, R366-RATE-7) makes the level KHTNV, unless the deciding
   level waives it case by case with a reason.
3. Otherwise the level is the highest one, at or below the band, whose conditions hold
   (R366-RATE-2): HTXSNV — every task on time, at least 30 % exceeded, every shortcoming named at
   the last review remedied, and for a collective no subordinate unit or leadership member
   disciplined, for a leader the fields and units they lead likewise; HTTNV — every task on time;
   HTNV — every task done, at most 20 % late.
4. If no level's conditions hold although the points reach 50 (e.g. 90 % of the tasks done), the
   text is silent (R366-RATE-3): the product says so, and the deciding level chooses, with a
   reason, between HTNV and KHTNV (the conditions of HTTNV and HTXSNV include those of HTNV, so a
   subject who fails HTNV's cannot meet theirs).

Order (R366-ORDER-3): a leadership collective before its members; a party organization after all
its members, its subordinate organizations and its own leadership collective — so a cell is rated
after its members, the reverse of R-ORDER-6.

The modules: levels.py (the pure level logic), standing.py (a subject's standing from its record),
checks.py (guards on a level and on a form), order.py (review and rating order).
"""

from django.utils.translation import gettext as _

from reviews.models import Subject
from reviews.regimes.base import Regime
from reviews.regimes.qd366.checks import form_problems, level_problems
from reviews.regimes.qd366.levels import P
from reviews.regimes.qd366.order import decision_order_problems, head_above_collective, review_order_problems
from reviews.regimes.qd366.standing import record_outcome, standings_kept


class QD366(Regime):
    code = "qd366"
    uses_points = True
    reopens_year_of_violation = False  # R366-RATE-7

    def past_violation_note(self, record, lowest: str) -> str:
        """R366-RATE-7: a violation of an earlier year disciplined later is weighed in the rating of
        the year of the discipline; the year of the violation is not reopened for it."""
        return _(
            "Under Regulation 366-QĐ/TW this violation of %(year)s, disciplined on %(date)s, is weighed "
            "in the rating of %(now)s; the rating of %(year)s is not reopened for it."
        ) % {
            "year": record.violation_year,
            "date": record.decided_on.strftime("%d/%m/%Y"),
            "now": record.decided_on.year,
        }

    def rerating_basis(self) -> str:
        """R366-STEP-2: a result that proves wrong is cancelled and re-rated (Mẫu 03)."""
        return _(
            "Articles 13 and 15 of Regulation 366-QĐ/TW: a result that proves wrong or dishonest, or "
            "draws complaints, is cancelled and re-rated by the directly superior committee, with a "
            "decision on form 03."
        )

    checks_before_decision = True
    weighs_every_child = False  # R366-ORDER-3 only asks which subordinate collectives are not yet rated
    member_forms = ("2A", "2B", "2C")
    # R366-ORDER-3: the cell committee, then the members, then the cell after all of them.
    cell_rating_order = (Subject.Kind.LEADERSHIP, Subject.Kind.MEMBER, Subject.Kind.ORGANIZATION)

    def member_profile_sql(self) -> str:
        """The profile from posts and status at opening (changeable per member, with a reason):
        leaders and managers LĐ; cadres, civil servants and public employees KLĐ; others NHT."""
        return "CASE WHEN m.is_leader THEN 'LD' WHEN m.is_civil_servant THEN 'KLD' ELSE 'NHT' END"

    def member_form_sql(self) -> str:
        """R366-FORM-LETTERS: the template follows the profile, never a letter: leaders 2A
        (R366-FORM-2A), members without a leading post in the political system 2B (R366-FORM-2B),
        members outside it 2C (R366-FORM-2C)."""
        return "CASE WHEN m.is_leader THEN '2A' WHEN m.is_civil_servant THEN '2B' ELSE '2C' END"

    def collective_profile(self) -> str:
        return P.COLLECTIVE

    def form_problems(self, subject, facts):
        return form_problems(subject, facts)

    def level_problems(self, subject, level, facts):
        return level_problems(subject, level, facts)

    def review_order_problems(self, subject, facts, reviewed_now):
        return review_order_problems(subject, facts, reviewed_now)

    def decision_order_problems(self, subject, facts, decided_now):
        return decision_order_problems(subject, facts, decided_now)

    def head_above_collective(self, subject, level, facts, levels_now):
        return head_above_collective(subject, level, facts, levels_now)

    def record_outcome(self, subject, facts):
        record_outcome(subject, facts)

    def one_verdict(self):
        """A subject's standing is computed once per verdict (the gap note and the level check)."""
        return standings_kept()

    def decision_sort_key(self, subject):
        """R366-ORDER-3: leadership collectives, then members, then organizations, lower first."""
        rank = {Subject.Kind.LEADERSHIP: 0, Subject.Kind.MEMBER: 1, Subject.Kind.ORGANIZATION: 2}
        return (rank[subject.kind], -len(subject.path))


REGIME = QD366()
