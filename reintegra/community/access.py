"""Who may read and change community records, built on `access_for` (DESIGN.md §3).

- Case-working roles (supervisors, programme managers, case managers, child-protection specialists)
  read and change the communities of their offices; supervisory roles reach sub-offices too
  (`access_for` already walks the tree for them).
- M&E officers read the communities of their offices, pseudonymised: participants by pseudonym
  and counts only, residents' names hidden.
- Partners, administrators without a case role, and other offices: 404.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from reintegra.accounts.access import access_for


def readable_offices(user) -> frozenset[int]:
    return access_for(user).case_offices


def editable_offices(user) -> frozenset[int]:
    return access_for(user).identifying


def may_read(user) -> bool:
    return bool(readable_offices(user))


def may_edit(user, office_id: int) -> bool:
    return office_id in editable_offices(user)


def may_identify(user, office_id: int) -> bool:
    return access_for(user).may_identify(office_id)


def require_editor(user, office_id: int) -> None:
    if not may_edit(user, office_id):
        raise PermissionDenied(gettext("You may not change the communities of this office."))
