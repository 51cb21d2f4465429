"""The small interface every regime implements (reviews/regimes/qd124/, qd366/)."""

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext

from reviews.facts import Facts
from reviews.models import Subject


class Regime(ABC):
    """What differs between rule regimes. Guards return reasons (sentences for the user), never
    bare booleans; they read their values from the season's rule set, never from settings."""

    code = ""
    uses_points = False
    checks_before_decision = False  # R366-ORDER-4
    member_forms: tuple[str, ...] = ()
    # A violation of an earlier year disciplined later: True when it reopens that year's rating
    # (R-RATE-4), False when it is weighed in the rating of the year of the discipline (R366-RATE-7).
    reopens_year_of_violation = False
    # The order in which a cell's subjects are rated, by kind (the cell's checklist follows it).
    cell_rating_order: tuple[str, ...] = ()
    # Whether the rules weigh every subordinate collective of a collective (their levels, their
    # share: Facts.children), or only ask which are not yet rated (Facts.waiting_children).
    weighs_every_child = True

    @abstractmethod
    def member_form_sql(self) -> str:
        """SQL expression over the member row `m` giving the form code at season opening."""

    def member_profile_sql(self) -> str:
        """SQL expression over the member row `m` giving the scoring profile at season opening."""
        return "''"

    def collective_profile(self) -> str:
        return ""

    @abstractmethod
    def form_problems(self, subject: Subject, facts: Facts) -> list[str]:
        """What keeps a form from being submitted."""

    @abstractmethod
    def level_problems(self, subject: Subject, level: str, facts: Facts) -> list[str]:
        """What keeps `level` from being proposed or decided for the subject."""

    def review_order_problems(
        self, subject: Subject, facts: Facts, reviewed_now: frozenset[int]
    ) -> list[str]:
        """Review-order rules of this regime on top of the shared ones (reviews/rules.py)."""
        return []

    @abstractmethod
    def decision_order_problems(
        self, subject: Subject, facts: Facts, decided_now: frozenset[int]
    ) -> list[str]:
        """The rating-order rules of this regime (which subjects must be decided first)."""

    def head_above_collective(
        self, subject: Subject, level: str, facts: Facts, levels_now: dict
    ) -> str | None:
        return None

    @abstractmethod
    def decision_sort_key(self, subject: Subject) -> tuple:
        """The order a batch is checked and decided in, so one batch may hold what the order rules
        ask for (the page's order must not decide it)."""

    def one_verdict(self) -> AbstractContextManager:
        """What lives for one verdict of `workflow.blockers` (nothing by default)."""
        return nullcontext()

    def record_outcome(self, subject: Subject, facts: Facts) -> None:
        """Keep on the subject what the figures count about its level (nothing by default)."""
        return None

    @abstractmethod
    def past_violation_note(self, record, lowest: str) -> str:
        """What the re-rating page says of discipline decided later for a violation of this year."""

    def past_violation_levels(self, record, level_codes: list[str]) -> list[str]:
        """The levels the earlier year may be re-rated at on the ground of that discipline (none
        when the discipline does not reopen the year)."""
        return []

    @abstractmethod
    def rerating_basis(self) -> str:
        """The article that lets the directly superior committee cancel a result and re-rate it."""
