"""Where a form may send its user back to: a path of this site, never a URL name or another site.

`redirect()` takes any string that is not a URL for the name of a view to reverse: a `next` of
"abc" or "0" was a server error (NoReverseMatch), and "//evil.example" another site."""

from django.utils.http import url_has_allowed_host_and_scheme


def site_path(request, candidate: str | None) -> str | None:
    """`candidate` if it is a path of this site, else None."""
    candidate = candidate or ""
    if not candidate.startswith("/") or candidate.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return candidate
