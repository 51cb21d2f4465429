"""Everything the rules need about a set of subjects, loaded in a fixed number of queries.

Guards in reviews/rules.py are pure functions of (subject, facts). A page that shows blockers
for 200 subjects and a bulk decision of 200 subjects both build one `Facts` for the whole set;
each family of facts is loaded on first use with one query for all subjects at once. Families
that read the same table share one read: the committee seats (`_seat_rows`), the discipline
records (`_discipline_records`) and the season's subjects around the given ones (`_around`).
"""

import datetime

from reviews.facts.collectives import CollectiveFacts
from reviews.facts.members import MemberFacts
from reviews.facts.records import RecordFacts
from reviews.models import Season, Subject

RATED_STATES = (Subject.State.REVIEWED, Subject.State.PROPOSED, Subject.State.DECIDED)
REVIEW_DONE = (*RATED_STATES, Subject.State.ABSENT)


class Facts(RecordFacts, MemberFacts, CollectiveFacts):
    def __init__(self, season: Season, subjects, *, loaded: tuple[str, ...] = ()):
        """`loaded` names the one-to-one records ("form", "meeting_entry") the caller has just read
        with the subjects (select_related), so that they are not read again. Only a page that builds
        its Facts right after reading its subjects says so: a step that changes records reads them."""
        self.season = season
        self.rules = season.rule_set
        self.subjects = {s.pk: s for s in subjects}
        self._loaded = frozenset(loaded)
        self.year_start = datetime.date(season.year, 1, 1)
        self.year_end = datetime.date(season.year, 12, 31)

    # -- helpers -------------------------------------------------------------------------------

    def collective_of(self, unit_id: int, kind: str = Subject.Kind.ORGANIZATION) -> Subject | None:
        return self.collectives.get((unit_id, kind))

    def level_of(self, subject: Subject) -> str:
        """The level that counts for thresholds: decided if any, otherwise proposed."""
        return subject.decided_level or subject.proposed_level
