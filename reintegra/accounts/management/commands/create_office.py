"""`manage.py create_office --name N --code C --country CC [--kind country|sub] [--parent-id N | --parent CC-CODE]
[--language fr|en]`: the server operator creates an office (the first country office cannot come from a page).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reintegra.accounts.management.commands._setup import command_error, office_by_id, office_by_reference
from reintegra.accounts.models import Office
from reintegra.accounts.services import office_create


class Command(BaseCommand):
    help = "Create a country office or a sub-office (audited as done by the system)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--code", required=True, help="2-10 capital letters or digits, used in case numbers.")
        parser.add_argument("--country", required=True, help="ISO 3166 alpha-2, e.g. SN.")
        parser.add_argument("--kind", choices=Office.Kind.values, help="Default: sub with a parent, else country.")
        parents = parser.add_mutually_exclusive_group()
        parents.add_argument("--parent-id", type=int, help="The parent office's id.")
        parents.add_argument("--parent", help="The parent office as COUNTRY-CODE, e.g. SN-DKR.")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default="fr")

    def handle(self, *args, name, code, country, kind, parent_id, parent, language, **options):
        parent_office = None
        if parent_id is not None:
            parent_office = office_by_id(parent_id)
        elif parent:
            parent_office = office_by_reference(parent)
        if kind == Office.Kind.SUB and parent_office is None:
            raise CommandError(_("A sub-office needs a parent office (--parent or --parent-id)."))
        try:
            office = office_create(
                actor=None, name=name, code=code, country=country, language=language, kind=kind, parent=parent_office
            )
        except (ValidationError, PermissionDenied) as error:
            raise command_error(error) from error
        self.stdout.write(
            _("Office %(name)s created: %(reference)s, id %(id)s.")
            % {"name": office.name, "reference": f"{office.country}-{office.code}", "id": office.pk}
        )
