"""A whole season for a small province, from opening to the provincial decision."""

import pytest

from reviews.audit import verify_chain
from reviews.models import Decision, Subject
from tests.reviews.helpers import complete_form, decide, fresh, propose, review

pytestmark = pytest.mark.django_db
S = Subject.State


def test_a_season_runs_from_opening_to_the_provincial_decision(world):
    w = world
    cell1, cell2 = w.subject(unit=w.cell1), w.subject(unit=w.cell2)
    base, base_cell, commune = w.subject(unit=w.base), w.subject(unit=w.base_cell), w.subject(unit=w.commune)
    province = w.subject(unit=w.province)
    assert province.out_of_scope == Subject.OutOfScope.DECIDED_ABOVE

    # Forms: collectives by their secretaries or staff, members by themselves or on their behalf.
    for collective, actor in [
        (cell1, w.secretary),
        (cell2, w.secretary2),
        (base_cell, w.base_cell_secretary),
        (base, w.base_staff),
        (commune, w.commune_staff),
    ]:
        complete_form(collective, actor)
    for member in w.members1:
        actor = w.member_user if member == w.deputy else w.secretary
        complete_form(w.subject(member=member), actor)
    for member in w.members2:
        complete_form(w.subject(member=member), w.secretary2)
    for member in w.members3:
        complete_form(w.subject(member=member), w.base_cell_secretary)

    # Meetings: collective first, then head, deputy, members (the engine orders one meeting).
    review(cell1, w.secretary, [w.subject(member=m) for m in w.members1])
    review(cell2, w.secretary2, [w.subject(member=m) for m in w.members2])
    review(base_cell, w.base_cell_secretary, [w.subject(member=m) for m in w.members3])
    review(base, w.base_staff)
    review(commune, w.commune_staff)

    # Proposals: the cell proposes for members, the deciding committee's staff for collectives.
    propose([w.subject(member=m) for m in w.members1], w.secretary)
    propose([w.subject(member=m) for m in w.members2], w.secretary2)
    propose([w.subject(member=m) for m in w.members3], w.base_cell_secretary)
    propose([fresh(cell1), fresh(cell2)], w.base_staff)
    propose([fresh(base), fresh(base_cell)], w.commune_staff)
    propose([fresh(commune)], w.board)

    # Decisions, bottom-up: cells and their members by the base committee, base organizations by
    # the commune committee, the commune by the province.
    decide(
        [fresh(cell1), fresh(cell2)] + [w.subject(member=m) for m in w.members1 + w.members2], w.base_staff
    )
    decide([fresh(base), fresh(base_cell)], w.commune_staff)
    decide([w.subject(member=m) for m in w.members3], w.base_cell_secretary)
    decide([fresh(commune)], w.board)

    in_scope = Subject.objects.filter(season=w.season, out_of_scope="")
    assert set(in_scope.values_list("state", flat=True)) == {S.DECIDED}
    assert (
        Decision.objects.filter(subject__season=w.season, status=Decision.Status.VALID).count()
        == in_scope.count()
    )
    assert verify_chain(w.season) is None
