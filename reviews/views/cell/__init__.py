"""Pages: the cell secretary's (bí thư chi bộ) work in a season.

- the cell dashboard (dashboard.py), with the pledge steps (pledges.py);
- the review meeting (meeting.py), its forms (forms.py) and the quota meter (quota.py);
- what every one of them knows about the cell (common.py).
"""

from django.urls import path

from reviews.views.cell.dashboard import cell_dashboard, return_form_view
from reviews.views.cell.meeting import circulation_check, meeting_page, meeting_row, meeting_rows, quota_meter
from reviews.views.cell.pledges import acknowledge_pledge_view, return_pledge_view

urlpatterns = [
    path("chi-bo/<str:code>/", cell_dashboard, name="cell"),
    path(
        "chi-bo/<str:code>/cam-ket/<id:pk>/xac-nhan/",
        acknowledge_pledge_view,
        name="cell_acknowledge_pledge",
    ),
    path("chi-bo/<str:code>/cam-ket/<id:pk>/tra-lai/", return_pledge_view, name="cell_return_pledge"),
    path("chi-bo/<str:code>/tra-lai/<id:pk>/", return_form_view, name="cell_return_form"),
    path("chi-bo/<str:code>/hop/", meeting_page, name="meeting"),
    path("chi-bo/<str:code>/hop/ghi/", meeting_rows, name="meeting_rows"),
    path("chi-bo/<str:code>/hop/<id:pk>/", meeting_row, name="meeting_row"),
    path("chi-bo/<str:code>/hop/dinh-muc/", quota_meter, name="quota_meter"),
    path("chi-bo/<str:code>/hop/canh-bao/", circulation_check, name="meeting_circulation"),
]
