"""Issue "Province-scale speed": every signed-in request reads its user with their member record,
unread count and meeting attendance (accounts/backends.py). The statement is compiled once per
process (a kept read); each request still reads the rows afresh."""

from accounts import backends
from accounts.backends import SignedInUserBackend
from tests.reviews.conftest import world  # noqa: F401
from tests.reviews.views.test_dashboard_pages import note


def test_the_users_read_is_built_once_a_process_and_reads_each_user_afresh(world, monkeypatch):  # noqa: F811
    w = world
    built = []
    read = backends._SIGNED_IN_POSTGRESQL  # the suite runs on PostgreSQL
    build = read.build
    monkeypatch.setattr(read, "build", lambda *values: built.append(values) or build(*values))
    monkeypatch.setattr(read, "_compiled", {})
    backend = SignedInUserBackend()

    member = backend.get_user(w.member_user.pk)
    compiled = len(built)  # stand-in values, when first compiled
    assert compiled
    assert member == w.member_user and member.member == w.deputy and member.member.cell_id == w.deputy.cell_id
    assert not member.kd_unread
    note(w.secretary, "Một")
    note(w.secretary, "Hai")
    secretary = backend.get_user(w.secretary.pk)
    assert secretary == w.secretary and secretary.kd_unread == 2
    assert backend.get_user(str(w.secretary.pk)).kd_unread == 2  # as a session may hold it
    assert len(built) == compiled  # not built again for another user or another request


def test_no_user_for_an_id_that_names_none_or_an_inactive_one(world):  # noqa: F811
    backend = SignedInUserBackend()
    assert backend.get_user(None) is None and backend.get_user("abc") is None
    assert backend.get_user(10**9) is None
    world.secretary.is_active = False
    world.secretary.save(update_fields=["is_active"])
    assert backend.get_user(world.secretary.pk) is None
