from django.urls import path

from reports import job_views, preview, views

app_name = "reports"
urlpatterns = [
    path("<id:season>/thong-ke/<str:code>.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("<id:season>/tuong-duong/<str:code>.xlsx", views.equivalents_xlsx, name="equivalents-xlsx"),
    path("<id:season>/quy/<int:number>.xlsx", views.quarter_xlsx, name="quarter-xlsx"),
    path("<id:season>/yeu-cau/<str:kind>/", job_views.request_job, name="request"),
    path("cua-toi/", job_views.job_list, name="jobs"),
    path("<uuid:uid>/", job_views.job_page, name="job"),
    path("<uuid:uid>/tai-ve/", job_views.download, name="download"),
    *preview.urlpatterns,
]
