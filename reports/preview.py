"""An HTML preview of the printable documents, for template work (staff users, within the part of
the tree their roles cover, like every other document page).

The browser shows the same HTML that WeasyPrint prints, without paged media (no margin boxes,
no page numbers): quick to iterate on content, while the PDF is the judge of layout.
`?subject=<id>` chooses the subject of an individual form or a collective report;
`?phu-luc=1` shows the first appendix chunk of a provincial summary instead.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import path

from reports.documents import (
    KINDS,
    DocumentUnavailable,
    build,
    build_summary_part,
    render_html,
    summary_parts,
    verification_for,
)
from reviews.views.common import get_season, get_subject, get_unit, id_from

PREVIEW_CODE = "XEM-TRUOC"  # not a real code: a preview is not a document
APPENDIX_CHUNK = 20


@login_required
def preview(request, kind: str, season: int, code: str):
    if not request.user.is_staff or kind not in KINDS:
        raise Http404
    season = get_season(season)
    unit = get_unit(request, season, code)  # 404 outside the user's subtree
    subject = None
    if "subject" in request.GET:
        subject = get_subject(request, season, id_from(request.GET["subject"]))
    verification = verification_for(PREVIEW_CODE, request.build_absolute_uri(f"/xac-thuc/{PREVIEW_CODE}"))
    try:
        if kind == "summary" and request.GET.get("phu-luc"):
            chunks = summary_parts(season, unit, APPENDIX_CHUNK)
            if not chunks:
                raise Http404
            document = build_summary_part(
                season=season, unit=unit, base_unit_ids=chunks[0], first_number=1, verification=verification
            )
        else:
            document = build(kind, season=season, unit=unit, subject=subject, verification=verification)
    except DocumentUnavailable as error:
        raise Http404(str(error)) from error
    return HttpResponse(render_html(document), content_type="text/html; charset=utf-8")


urlpatterns = [path("xem-truoc/<str:kind>/<id:season>/<str:code>/", preview, name="preview")]
