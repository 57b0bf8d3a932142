"""Who may read and change structural records, built on `access_for` (DESIGN.md §3).

- Supervisors and programme managers change the records of their offices (and sub-offices:
  `access_for` walks the tree for them).
- Case managers, child-protection specialists and M&E officers read the records of their offices.
  There is no case data here, so nothing is pseudonymised.
- Partners, administrators without a case role, and other offices: 404.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from reintegra.accounts.access import access_for


def readable_offices(user) -> frozenset[int]:
    return access_for(user).case_offices


def editable_offices(user) -> frozenset[int]:
    return access_for(user).manage


def may_read(user) -> bool:
    return bool(readable_offices(user))


def may_edit(user, office_id: int) -> bool:
    return office_id in editable_offices(user)


def require_editor(user, office_id: int) -> None:
    if not may_edit(user, office_id):
        raise PermissionDenied(gettext("You may not change the structural records of this office."))
