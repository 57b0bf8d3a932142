from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildrenConfig(AppConfig):
    name = "reintegra.children"
    verbose_name = _("Children: best-interests procedure")

    def ready(self) -> None:
        from reintegra.cases.services import TRANSFER_CHECKS
        from reintegra.children.rules import return_needs_determination

        if return_needs_determination not in TRANSFER_CHECKS:
            TRANSFER_CHECKS.append(return_needs_determination)
