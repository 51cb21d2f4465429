from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes under a Vietnamese name in the admin (the package names its app "Axes")."""

    verbose_name = _("Login protection")
