"""`manage.py create_administrator --username U --office SN-DKR [--email E] [--language fr|en]`.

The server operator creates an office's first administrator, who then adds sub-offices,
programmes and users from the pages. The password is read twice without echo, or from the
environment variable REINTEGRA_ADMIN_PASSWORD (for scripts), and checked by the password validators.
"""

import getpass
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reintegra.accounts.management.commands._setup import command_error, office_by_reference
from reintegra.accounts.models import User
from reintegra.accounts.services import administrator_create

PASSWORD_VARIABLE = "REINTEGRA_ADMIN_PASSWORD"  # noqa: S105 -- the variable's name, not a password


class Command(BaseCommand):
    help = "Create an administrator of an office (password from a prompt or REINTEGRA_ADMIN_PASSWORD)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--office", required=True, help="The office as COUNTRY-CODE, e.g. SN-DKR.")
        parser.add_argument("--email", default="")
        parser.add_argument("--language", choices=["", *(code for code, _name in settings.LANGUAGES)], default="")

    def handle(self, *args, username, office, email, language, **options):
        target = office_by_reference(office)
        if User.objects.filter(username=username.strip()).exists():
            raise CommandError(_("A user named %(username)s already exists.") % {"username": username})
        password = self._password()
        try:
            user = administrator_create(
                actor=None, username=username, password=password, office=target, email=email, language=language
            )
        except (ValidationError, PermissionDenied) as error:
            raise command_error(error) from error
        self.stdout.write(
            _("Administrator %(username)s created for %(office)s.") % {"username": user.username, "office": target}
        )

    def _password(self) -> str:
        from_env = os.environ.get(PASSWORD_VARIABLE)
        if from_env:
            return from_env
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The two passwords differ."))
        if not password:
            raise CommandError(_("Give a password."))
        return password
