import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from config.kept_reads import KeptRead
from config.request_memo import note


def _signed_in_user(user_id: int, **extra):
    from reviews.models import MeetingAttendance, Notification

    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        get_user_model()
        ._default_manager.select_related("member__cell")
        .annotate(
            kd_unread=Subquery(unread),
            kd_attends=Exists(MeetingAttendance.objects.filter(member__user=OuterRef("pk"))),
            **extra,
        )
        .filter(Q(pk=user_id))
        .order_by()[:1]
    )


def _signed_in_user_postgresql(user_id: int, day: datetime.date):
    from reviews.open_seasons import STAMP_SQL
    from reviews.signed_in_roles import roles_annotation

    return _signed_in_user(
        user_id, kd_seasons=RawSQL(STAMP_SQL, (), TextField()), kd_roles=roles_annotation(day)
    )


# Every signed-in request reads its user: the statement is compiled once per process (building
# it, with its two subqueries, took Django 1.6 of the read's 2.2 ms; config/kept_reads.py).
_SIGNED_IN = KeptRead(_signed_in_user, int)
_SIGNED_IN_POSTGRESQL = KeptRead(_signed_in_user_postgresql, int, datetime.date)


class SignedInUserBackend(ModelBackend):
    """Django's model backend, whose per-request read of the signed-in user also brings what every
    page's navigation needs: their member record with its cell and their unread notifications (one
    query in place of three; issue "Province-scale speed"), whether they attend any review meeting
    for the level above (reviews/access.py asks which only then), and on PostgreSQL the stamp of the
    open seasons' rows (reviews/open_seasons.py), noted for the request, and their roles today
    (reviews/signed_in_roles.py)."""

    def get_user(self, user_id):
        from reviews.open_seasons import STAMP_KEY
        from reviews.signed_in_roles import give_roles

        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        if connection.vendor == "postgresql":
            user = _SIGNED_IN_POSTGRESQL.first(user_id, timezone.localdate())
        else:
            user = _SIGNED_IN.first(user_id)
        if user is not None:
            note(STAMP_KEY, getattr(user, "kd_seasons", None))
            give_roles(user, getattr(user, "kd_roles", None))
        return user if user is not None and self.user_can_authenticate(user) else None
