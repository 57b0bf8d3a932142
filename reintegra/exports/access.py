"""Who may export, and when an export may carry identities (docs/exports.md).

Every role that sees cases may export them, always within `cases_for(user)`. Exports are
pseudonymised by default; an identifiable export needs the user to ask for it and every case of
the export to be in an office where the user may identify (`Access.may_identify`). An M&E
officer's offices are never such offices, so M&E officers never receive identities; a user who is
also, say, a supervisor elsewhere gets identities only for an export limited to that office.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from reintegra.accounts.access import Access


def may_export(access: Access) -> bool:
    return access.sees_cases


def may_ask_identifiable(access: Access) -> bool:
    """Whether the form offers the identifiable option at all."""
    return bool(access.identifying)


def identifiable_refusal(access: Access, cases: QuerySet) -> str:
    """Why this export may not be identifiable ("" when it may). `cases` is the scoped, filtered set."""
    if not may_ask_identifiable(access):
        return _("Your role gives pseudonymised exports only.")
    if cases.exclude(office_id__in=access.identifying).exists():
        return _(
            "Some cases of this export are in an office where you may not see identities. "
            "Choose an office where you may, or export pseudonymised data."
        )
    return ""
