from django.urls import include, path

from reviews.views import cell, dashboard, followup, member, notifications, quarters, staff
from reviews.views.index import season_index

app_name = "reviews"
urlpatterns = [
    path("", season_index, name="index"),
    path("", include("reviews.views.criteria")),
    path("<int:season>/", include(member.urlpatterns)),
    path("<int:season>/", include(cell.urlpatterns)),
    path("<int:season>/", include(staff.urlpatterns)),
    path("<int:season>/", include(dashboard.urlpatterns)),
    path("<int:season>/", include(notifications.urlpatterns)),
    path("<int:season>/", include(followup.urlpatterns)),
    path("<int:season>/", include(quarters.urlpatterns)),
]
