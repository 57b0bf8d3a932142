import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def install_provisional_profile(sender, using="default", **kwargs) -> None:
    """After `migrate` (and test database set-up): load the shipped provisional RSS profile.

    Idempotent: loading the same code and version again changes nothing, and it becomes the
    default only when the RSS has no default profile yet (an M&E officer's choice stays).
    Skipped while the scoring tables do not exist (migrating backwards or partially).
    """
    from django.core.exceptions import ValidationError
    from django.db import connections

    from reintegra.scoring.models import ScoringProfile
    from reintegra.scoring.services import provisional_profile_install

    if using != "default":
        return
    tables = connections[using].introspection.table_names()
    if ScoringProfile._meta.db_table not in tables or "instruments_instrument" not in tables:
        return
    try:
        provisional_profile_install()
    except ValidationError as error:  # e.g. the shipped file changed without a new version: never break migrate
        logger.warning("The provisional scoring profile was not loaded: %s", "; ".join(error.messages))


class ScoringConfig(AppConfig):
    name = "reintegra.scoring"
    verbose_name = _("RSS scoring")

    def ready(self) -> None:
        post_migrate.connect(install_provisional_profile, sender=self, dispatch_uid="scoring-provisional-profile")
