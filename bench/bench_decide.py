"""The queue's bulk decision at province scale: the POST of 1, 20 and 191 ticked proposals of
scored members (QĐ 366) in a 500,000-member season, served through the real view; its queries and
time, and the time per subject.

    uv run python bench/bench_decide.py [--members 500000]

Uses the bench database and the 2097 season of bench_points.py (seeded and opened there first if
missing). The members are put straight into "proposed" with points; each batch is decided in a
transaction that is rolled back, so the season is the same for every run. The POST is made by
"bench_decider", committee staff of the base organization that decides those members (the user and
the role are created once and kept).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_points import prepared_season, proposed_members  # noqa: E402
from common import province_of, setup  # noqa: E402

SIZES = (1, 20, 191)


def signed_in_decider(organization_id: int):
    """A client signed in as committee staff of the organization (user and role kept)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from organizations.models import Role

    user, _created = get_user_model().objects.get_or_create(username="bench_decider")
    Role.objects.get_or_create(user=user, organization_id=organization_id, kind=Role.Kind.COMMITTEE_STAFF)
    client = Client()
    client.force_login(user)
    return client


def deciding_organization(season) -> int:
    """The organization that decides the members proposed_members() picks."""
    from django.db import transaction

    with transaction.atomic():
        organization_id = proposed_members(season, max(SIZES))[0].decider.organization_id
        transaction.set_rollback(True)
    return organization_id


def post_decision(client, season, count: int) -> tuple[int, float]:
    """Queries and seconds of one bulk decision POST of `count` proposals, rolled back afterwards."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from reviews.models import Subject

    url = reverse("reviews:queue_decide", args=[season.pk])
    with transaction.atomic():
        subjects = proposed_members(season, count)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(url, {"subject": [s.pk for s in subjects]}, HTTP_HOST="localhost")
            seconds = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        decided = Subject.objects.filter(pk__in=[s.pk for s in subjects], state="decided").count()
        assert decided == len(subjects), f"{decided} of {len(subjects)} decided: the POST was refused"
        transaction.set_rollback(True)
    return len(queries), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup("kiemdiem_bench_seed")
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As Django's TestCase does: a request must not close the connection of the open transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    season = prepared_season(province_of(args.members))
    client = signed_in_decider(deciding_organization(season))
    found = {}
    for count in SIZES:
        best = None
        for _n in range(args.rounds):
            queries, seconds = post_decision(client, season, count)
            best = seconds if best is None else min(best, seconds)
        found[count] = (queries, best)
        print(
            f"decide {count:>3} in one POST: {queries} queries, best {1000 * best:.0f} ms "
            f"({1000 * best / count:.1f} ms a subject)"
        )
    (q_one, t_one), (q_big, t_big) = found[SIZES[0]], found[SIZES[-1]]
    print(
        f"{SIZES[-1]} ÷ 1: queries {q_big - q_one:+d}, time {t_big / t_one:.1f}× "
        f"for {SIZES[-1]}× the subjects ({1000 * (t_big - t_one) / (SIZES[-1] - 1):.1f} ms each added subject)"
    )


if __name__ == "__main__":
    main()
