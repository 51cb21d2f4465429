import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

_STARTED = "kd_started_at"
_SEEN = "kd_last_seen"


class SessionLifetimeMiddleware:
    """End a session after SESSION_IDLE_SECONDS without a request, or SESSION_ABSOLUTE_SECONDS in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(_STARTED, now)
            seen = request.session.get(_SEEN, now)
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            too_old = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            request.session.setdefault(_STARTED, started)
            # Writing the session on every request costs a query; a minute of slack is enough.
            if now - seen >= 60 or _SEEN not in request.session:
                request.session[_SEEN] = now
        return self.get_response(request)


class VietnameseFirstMiddleware:
    """The site speaks Vietnamese unless the user chose another language with the language form
    (its cookie). A browser's Accept-Language is ignored: many Vietnamese users run browsers set
    to English, and the product is written for them in Vietnamese. Runs before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
