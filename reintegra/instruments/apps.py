from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "reintegra.instruments"
    verbose_name = _("Assessments and instruments")

    def ready(self):
        from reintegra.instruments.loading import load_after_migrate

        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="reintegra.instruments.load")
