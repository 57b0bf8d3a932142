"""Shared by create_office and create_administrator: office look-up and error messages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from reintegra.accounts.models import Office


def office_by_reference(reference: str) -> Office:
    """An office by COUNTRY-CODE (e.g. SN-DKR), as in case numbers."""
    country, _sep, code = reference.strip().upper().partition("-")
    office = Office.objects.filter(country=country, code=code).first() if code else None
    if office is None:
        raise CommandError(
            _("There is no office %(reference)s (give it as COUNTRY-CODE, e.g. SN-DKR).") % {"reference": reference}
        )
    return office


def office_by_id(office_id: int) -> Office:
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise CommandError(_("There is no office with the id %(id)s.") % {"id": office_id})
    return office


def command_error(error: ValidationError | PermissionDenied) -> CommandError:
    """A CommandError with a service's messages, one a line (they name what is wrong)."""
    lines = error.messages if isinstance(error, ValidationError) else [str(error)]
    return CommandError("\n".join(lines))
