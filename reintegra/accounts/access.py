"""Who may see what: the one place that turns memberships into scopes (DESIGN.md §3).

Every selector of case data builds on `access_for(user)`. Supervisory roles reach the
office and its sub-offices; case managers reach their own office only.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from reintegra.accounts.models import Membership, Office, Role

TREE_ROLES = {Role.SUPERVISOR, Role.PROGRAMME_MANAGER, Role.ME_OFFICER, Role.CHILD_PROTECTION, Role.ADMINISTRATOR}


@dataclass(frozen=True)
class Access:
    """A user's reach, as sets of office ids per kind of access."""

    user_id: int | None
    manage: frozenset[int] = field(default_factory=frozenset)  # supervisors, programme managers: all cases
    casework: frozenset[int] = field(default_factory=frozenset)  # case managers: own and unassigned cases
    child: frozenset[int] = field(default_factory=frozenset)  # child-protection specialists: child cases
    pseudonymised: frozenset[int] = field(default_factory=frozenset)  # M&E officers: no identities
    administer: frozenset[int] = field(default_factory=frozenset)  # administrators: users, no case files
    partner: frozenset[int] = field(default_factory=frozenset)  # partners: referrals to their organisation

    @property
    def identifying(self) -> frozenset[int]:
        return self.manage | self.casework | self.child

    @property
    def sees_cases(self) -> bool:
        return bool(self.identifying or self.pseudonymised)

    @property
    def case_offices(self) -> frozenset[int]:
        return self.identifying | self.pseudonymised

    def case_filter(self) -> Q:
        """A filter on Case rows; matches nothing when the user has no case role."""
        q = Q(pk__in=[])
        if self.manage or self.pseudonymised:
            q |= Q(office_id__in=self.manage | self.pseudonymised)
        if self.casework:
            q |= Q(office_id__in=self.casework, assigned_to_id=self.user_id)
            q |= Q(office_id__in=self.casework, assigned_to__isnull=True, is_child=False)
        if self.child:
            q |= Q(office_id__in=self.child, is_child=True) | Q(office_id__in=self.child, assigned_to_id=self.user_id)
        return q

    def may_identify(self, office_id: int) -> bool:
        """True when the user may see names, phones, documents and addresses in this office."""
        return office_id in self.identifying

    def may_supervise(self, office_id: int) -> bool:
        return office_id in self.manage

    def may_work_on(self, office_id: int) -> bool:
        """True when the user may write casework (notes, tasks, consent) in this office."""
        return office_id in self.identifying

    def may_administer(self, office_id: int) -> bool:
        return office_id in self.administer


_ROLE_FIELD = {
    Role.SUPERVISOR: "manage",
    Role.PROGRAMME_MANAGER: "manage",
    Role.CASE_MANAGER: "casework",
    Role.CHILD_PROTECTION: "child",
    Role.ME_OFFICER: "pseudonymised",
    Role.ADMINISTRATOR: "administer",
    Role.PARTNER: "partner",
}


def _descendants(office_ids: set[int]) -> set[int]:
    ids = set(office_ids)
    frontier = set(office_ids)
    while frontier:
        frontier = set(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def compute_access(user) -> Access:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Access(user_id=None)
    sets: dict[str, set[int]] = {name: set() for name in set(_ROLE_FIELD.values())}
    tree_roots: dict[str, set[int]] = {name: set() for name in sets}
    for office_id, role in Membership.objects.filter(user=user).values_list("office_id", "role"):
        target = _ROLE_FIELD[Role(role)]
        (tree_roots if role in TREE_ROLES else sets)[target].add(office_id)
    roots = set().union(*tree_roots.values())
    if roots:
        # One walk of the tree per root set is enough; offices are few.
        for name, ids in tree_roots.items():
            if ids:
                sets[name] |= _descendants(ids)
    return Access(user_id=user.pk, **{name: frozenset(ids) for name, ids in sets.items()})


def access_for(user) -> Access:
    """The user's access, computed once per request (cached on the user object)."""
    cached = getattr(user, "_reintegra_access", None)
    if cached is None:
        cached = compute_access(user)
        if getattr(user, "is_authenticated", False):
            user._reintegra_access = cached
    return cached
