from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from accounts.policy import is_verified, second_factor_required

# The pages an unverified session may still reach: the second-factor pages themselves, signing
# out, the language switch, and what pages load (static files, the JavaScript catalogue).
_OPEN_URL_NAMES = ("otp_verify", "otp_enrol", "logout", "set_language", "javascript-catalog", "healthz")


class SecondFactorMiddleware:
    """Until the session proves a second factor, a user who needs one (accounts.policy) is sent
    to the code page, or to enrolment when they have no phone app yet. Covers the administration
    (/quan-tri/) too. Runs after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def __call__(self, request):
        if settings.OTP_REQUIRED and self._guarded(request) and self._unverified(request.user):
            target = f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request") == "true":  # a fragment: the whole page goes
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _unverified(user) -> bool:
        return second_factor_required(user) and not is_verified(user)

    def _guarded(self, request) -> bool:
        if not request.user.is_authenticated:
            return False
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in _OPEN_URL_NAMES)
        path = request.path
        return path not in self._open_paths and not path.startswith((settings.STATIC_URL, settings.MEDIA_URL))
