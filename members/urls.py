from django.urls import path

from members import import_views, views

app_name = "members"
urlpatterns = [
    path("cua-toi/", views.my_record, name="me"),
    path("to-chuc/<str:code>/", views.member_list, name="list"),
    path("<uuid:uid>/", views.member_detail, name="detail"),
    path("nhap-danh-sach/", import_views.roster_import, name="import"),
    path("nhap-danh-sach/mau.xlsx", import_views.roster_template_xlsx, name="import-template-xlsx"),
    path("nhap-danh-sach/mau.csv", import_views.roster_template_csv, name="import-template-csv"),
]
