from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "reintegra.dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from reintegra.dashboards import signals

        signals.connect()
