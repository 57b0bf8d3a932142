from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StructuralConfig(AppConfig):
    name = "reintegra.structural"
    verbose_name = _("Structural level")
