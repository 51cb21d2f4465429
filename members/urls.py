from django.urls import path

from members import import_views, views
from members.pledge_views import pledge, pledge_current, pledge_detail, pledge_save

app_name = "members"
urlpatterns = [
    path("cua-toi/", views.my_record, name="me"),
    path("to-chuc/<str:code>/", views.member_list, name="list"),
    path("<uuid:uid>/", views.member_detail, name="detail"),
    path("nhap-danh-sach/", import_views.roster_import, name="import"),
    path("nhap-danh-sach/mau.xlsx", import_views.roster_template_xlsx, name="import-template-xlsx"),
    path("nhap-danh-sach/mau.csv", import_views.roster_template_csv, name="import-template-csv"),
    path("cam-ket/", pledge_current, name="pledge-current"),
    path("cam-ket/<int:year>/", pledge, name="pledge"),
    path("cam-ket/<int:year>/luu/", pledge_save, name="pledge-save"),
    path("<uuid:uid>/cam-ket/<int:year>/", pledge_detail, name="pledge-detail"),
]
