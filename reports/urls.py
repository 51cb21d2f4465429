from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("<int:season>/thong-ke/<str:code>.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
]
