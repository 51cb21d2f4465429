import pytest
import time_machine
from django.db import connection

from tests.clock import MOMENT
from tests.factories import make_tree

_travel = time_machine.travel(MOMENT, tick=True)


def pytest_configure(config):
    """The whole test process runs on the day under test (tests/clock.py)."""
    _travel.start()


def pytest_unconfigure(config):
    _travel.stop()


@pytest.fixture(autouse=True, scope="session")
def _postgres_only(django_db_setup, django_db_blocker):
    """The suite proves behaviour on PostgreSQL, the production database."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.exit("The tests run on PostgreSQL: set DATABASE_URL or use `make test`.", returncode=2)


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Each test starts in the site's language: a page fetched in English by an earlier test
    leaves its language active in the thread (LocaleMiddleware does not reset it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture(autouse=True)
def _shipped_data(request):
    """The rule set and reference lists come from a data migration; a transactional test's flush
    empties them, so put them back for the tests that use the database."""
    if not {"db", "transactional_db"} & set(request.fixturenames) and not request.node.get_closest_marker(
        "django_db"
    ):
        yield
        return
    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    from reviews.defaults import default_rule_set
    from reviews.views.form_references import forget_reference_items

    default_rule_set()
    yield
    forget_reference_items()  # an item the test changed is rolled back: read them again


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
