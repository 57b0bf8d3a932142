from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "reintegra.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from reintegra.lib.db import analyze_after_migrate

        post_migrate.connect(analyze_after_migrate, sender=self)
