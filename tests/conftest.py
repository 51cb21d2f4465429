import pytest
from django.db import connection

from tests.factories import make_tree


@pytest.fixture(autouse=True, scope="session")
def _postgres_only(django_db_setup, django_db_blocker):
    """The suite proves behaviour on PostgreSQL, the production database."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.exit("The tests run on PostgreSQL: set DATABASE_URL or use `make test`.", returncode=2)


@pytest.fixture
def tree(db):
    return make_tree()
