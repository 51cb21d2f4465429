from django.urls import include, path

from reviews.views import cell, dashboard, followup, member, notifications, quarters, staff
from reviews.views.index import season_index

app_name = "reviews"
urlpatterns = [
    path("", season_index, name="index"),
    path("", include("reviews.views.criteria")),
    path("<id:season>/", include(member.urlpatterns)),
    path("<id:season>/", include(cell.urlpatterns)),
    path("<id:season>/", include(staff.urlpatterns)),
    path("<id:season>/", include(dashboard.urlpatterns)),
    path("<id:season>/", include(notifications.urlpatterns)),
    path("<id:season>/", include(followup.urlpatterns)),
    path("<id:season>/", include(quarters.urlpatterns)),
]
