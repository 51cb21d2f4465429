from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews and ratings")

    def ready(self):
        from reviews import (
            checks,  # noqa: F401  (registers the deploy checks)
            open_seasons,  # noqa: F401  (a request that writes a season reads it again)
        )
        from reviews.views import form_references  # noqa: F401  (forgets the kept reference items on a change)
