from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config import views
from reports.verify_views import verify, verify_lookup

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-nhap/", include("accounts.urls")),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("to-chuc/", include("organizations.urls")),
    path("dang-vien/", include("members.urls")),
    path("ky-kiem-diem/", include("reviews.urls")),
    path("bao-cao/", include("reports.urls")),
    path("xac-thuc/", verify_lookup, name="verify-lookup"),
    path("xac-thuc/<str:code>", verify, name="verify"),
    path("quan-tri/", admin.site.urls),
]
