from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("cua-toi/", views.my_record, name="me"),
    path("to-chuc/<str:code>/", views.member_list, name="list"),
    path("<uuid:uid>/", views.member_detail, name="detail"),
]
