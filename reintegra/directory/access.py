"""Who may read and who may change the service directory.

The directory is programme configuration, not case data, so the rules differ from case scopes:
- every staff user with a membership (any role but partner) reads every entry;
- a partner user with a PartnerProfile reads the entries of their own organisation only;
- programme managers and administrators change the entries managed by their offices (and
  sub-offices); administrators also change entries that no office manages.
Outsiders get 404 for an entry, and 403 for the directory pages as a whole.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Membership, Office, Role


@dataclass(frozen=True)
class DirectoryAccess:
    staff: bool = False
    partner_organisation_id: int | None = None
    manage_offices: frozenset[int] = field(default_factory=frozenset)
    administrator: bool = False

    @property
    def can_read(self) -> bool:
        return self.staff or self.partner_organisation_id is not None

    @property
    def can_manage(self) -> bool:
        return bool(self.manage_offices)

    def organisation_filter(self, field: str = "pk") -> Q:
        """A filter on rows whose `field` is an organisation id ("pk" on Organisation, "organisation_id" else)."""
        if self.staff:
            return Q()
        if self.partner_organisation_id is not None:
            return Q(**{field: self.partner_organisation_id})
        return Q(pk__in=[])

    def may_manage_office(self, office_id: int | None) -> bool:
        """May create or keep entries managed by this office (None: entries no office manages)."""
        if office_id is None:
            return self.administrator
        return office_id in self.manage_offices

    def may_manage(self, organisation) -> bool:
        return self.may_manage_office(organisation.office_id)


def _with_sub_offices(roots: set[int]) -> set[int]:
    ids, frontier = set(roots), set(roots)
    while frontier:
        frontier = set(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def compute_directory_access(user) -> DirectoryAccess:
    access = access_for(user)
    if access.user_id is None:
        return DirectoryAccess()
    staff = bool(access.identifying or access.pseudonymised or access.administer)
    pm_memberships = Membership.objects.filter(user=user, role=Role.PROGRAMME_MANAGER)
    pm_roots = set(pm_memberships.values_list("office_id", flat=True))
    manage = _with_sub_offices(pm_roots) | set(access.administer)
    partner_org = None
    if access.partner and not staff:
        from reintegra.directory.models import PartnerProfile

        partner_org = PartnerProfile.objects.filter(user=user).values_list("organisation_id", flat=True).first()
    return DirectoryAccess(
        staff=staff,
        partner_organisation_id=partner_org,
        manage_offices=frozenset(manage),
        administrator=bool(access.administer),
    )


def directory_access(user) -> DirectoryAccess:
    """The user's directory rights, computed once per request (cached on the user object)."""
    cached = getattr(user, "_reintegra_directory_access", None)
    if cached is None:
        cached = compute_directory_access(user)
        if getattr(user, "is_authenticated", False):
            user._reintegra_directory_access = cached
    return cached
