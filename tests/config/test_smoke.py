import datetime

from django.utils import timezone

from tests.clock import DAY_UNDER_TEST


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "in-process"}


def test_the_suite_runs_on_the_day_under_test_whatever_the_calendar():
    """tests/clock.py: the product's today, in this process, is the day the fixtures are dated by."""
    assert timezone.localdate() == datetime.date.today() == DAY_UNDER_TEST
