import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
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


class SignInAgainMiddleware:
    """An htmx request (an item of a form saving itself, a row of the meeting saved in place) whose
    session has ended is answered 401, not sent to the sign-in page. The browser would follow that
    redirect and htmx would put the sign-in page where the save's answer goes, and the page would
    count the item as saved while nothing was (what was typed then lost when the page is left).
    On a 401 the pages keep what was typed and say to sign in again (static/js/app.js). Runs
    outside the middleware and views that send a visitor to sign in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") == "true" and _to_sign_in(response):
            said = _("Your session has ended: this was not saved. Sign in again, then save it.")
            return HttpResponse(said, status=401, content_type="text/plain; charset=utf-8")
        return response


def _to_sign_in(response) -> bool:
    """A redirect to the sign-in pages (the password, or the second factor beside it)."""
    if response.status_code not in (301, 302, 303, 307, 308) or "Location" not in response:
        return False
    return urlsplit(response["Location"]).path.startswith(resolve_url(settings.LOGIN_URL))


class RequestSizeLimitMiddleware:
    """Answer 413 with a page that says why to a request whose body is larger than
    MAX_REQUEST_BYTES, before anything reads it: Django would otherwise write any upload, however
    large, to a temporary file before a view could look at its size."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            reason = _("What was sent is larger than %(size)s MB, the most this site accepts at once.") % {
                "size": limit // (1024 * 1024)
            }
            body = render_to_string("400.html", {"reason": reason}, request=request)
            return HttpResponse(body, status=413)
        return self.get_response(request)


class RefuseNulBytesMiddleware:
    """Answer 400 with a page that says why to a request with a NUL byte in its path, or in a name
    or value of its query or form fields. No browser sends one; PostgreSQL refuses to store or
    compare text holding one, so without this check any view that looks such a value up fails
    with a server error. Runs after the locale, authentication and messages middleware: the page
    is the site's own, in the user's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or _holds_nul(request.GET) or _holds_nul(_form_fields(request)):
            body = render_to_string(
                "400.html",
                {"reason": _("The address or the form sent holds a character that is not allowed (NUL).")},
                request=request,
            )
            return HttpResponseBadRequest(body)
        return self.get_response(request)


def _form_fields(request) -> QueryDict | None:
    if request.method != "POST":
        return None
    try:
        return request.POST
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
        return None  # Django answers these itself when the view reads the form


def _holds_nul(fields) -> bool:
    if not fields:
        return False
    return any("\x00" in key or any("\x00" in value for value in fields.getlist(key)) for key in fields)
