from django.urls import path

from accounts import views

urlpatterns = [
    path("ma-xac-minh/", views.verify, name="otp_verify"),
    path("cai-dat-xac-minh/", views.enrol, name="otp_enrol"),
    path("ma-du-phong/", views.recovery_codes, name="otp_recovery_codes"),
]
