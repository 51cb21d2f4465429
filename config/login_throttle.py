"""Sign-in throttling by pair and by address: AXES_USERNAME_FAILURE_LIMIT failures of one username
from one IP address lock that pair; AXES_IP_FAILURE_LIMIT failures from one IP address, whatever
the usernames tried, lock the address (one computer trying a password against every username).

django-axes counts the failures for each set of AXES_LOCKOUT_PARAMETERS and compares the largest
count (the address's, which includes the pair's) with one limit, AXES_FAILURE_LIMIT. So the limit
given to it is the pair's once the pair has reached it, and the address's otherwise."""

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings


def failure_limit(request, credentials) -> int:
    """The limit that applies to this sign-in (AXES_FAILURE_LIMIT names this function)."""
    per_pair = settings.AXES_USERNAME_FAILURE_LIMIT
    pair = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    )
    failures = sum(pair.values_list("failures_since_start", flat=True))
    return per_pair if failures >= per_pair else settings.AXES_IP_FAILURE_LIMIT
