"""Scoped reads of users, memberships and tokens.

User management is for administrators only (`access.administer`, which reaches sub-offices).
Supervisors do not browse users: they see who did what in the audit trail, and the people
they work with in case assignment lists; keeping the user directory to administrators keeps
e-mail addresses and organisations out of casework screens. Everyone else gets 404.

The set-up pages (offices, programmes) follow the same rule. The read-only API lists offices and
programmes in reach of any of the user's roles, so that clients can find ids.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from reintegra.accounts.access import access_for
from reintegra.accounts.models import ApiToken, Membership, Office, Programme, User


@dataclass(frozen=True)
class UserFilters:
    office_id: int | None = None
    role: str = ""
    active: bool | None = None
    text: str = ""


def administered_offices(actor: User) -> QuerySet[Office]:
    """The offices the actor administers (sub-offices included), for choices and filters."""
    return Office.objects.filter(pk__in=access_for(actor).administer).order_by("country", "name")


def users_for(actor: User) -> QuerySet[User]:
    """Users holding a membership in an office the actor administers; none for non-administrators."""
    offices = access_for(actor).administer
    if not offices:
        return User.objects.none()
    return User.objects.filter(Exists(Membership.objects.filter(user=OuterRef("pk"), office_id__in=offices)))


def user_list(actor: User, filters: UserFilters) -> QuerySet[User]:
    """The administrator's users, filtered, with their in-scope memberships prefetched."""
    offices = access_for(actor).administer
    qs = users_for(actor)
    if filters.office_id is not None or filters.role:
        narrowed = Membership.objects.filter(user=OuterRef("pk"), office_id__in=offices)
        if filters.office_id is not None:
            narrowed = narrowed.filter(office_id=filters.office_id)
        if filters.role:
            narrowed = narrowed.filter(role=filters.role)
        qs = qs.filter(Exists(narrowed))
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    for word in filters.text.split():
        qs = qs.filter(Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word))
    in_scope = Membership.objects.filter(office_id__in=offices).select_related("office").order_by("office__name")
    return qs.prefetch_related(Prefetch("memberships", queryset=in_scope, to_attr="scoped_memberships")).order_by(
        "last_name", "first_name", "username"
    )


def user_for(actor: User, pk: int) -> User:
    """One user of the actor's offices, with all memberships; 404 for anyone else."""
    memberships = Membership.objects.select_related("office").order_by("office__name", "role")
    user = users_for(actor).prefetch_related(Prefetch("memberships", queryset=memberships)).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("office").order_by("office__name", "role")


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by(F("revoked_at").asc(nulls_first=True), "-created_at")


def token_of(user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; 404 for someone else's."""
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


# ------------------------------------------------------------------ offices and programmes


@dataclass(frozen=True)
class OfficeRow:
    """An office in the tree, with its depth (0 for the top of the actor's tree)."""

    office: Office
    depth: int


def office_tree(actor: User) -> list[OfficeRow]:
    """The offices the actor administers, each followed by its sub-offices (one query)."""
    offices = list(administered_offices(actor))
    ids = {o.pk for o in offices}
    children: dict[int | None, list[Office]] = {}
    for office in offices:
        children.setdefault(office.parent_id if office.parent_id in ids else None, []).append(office)
    rows: list[OfficeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for office in sorted(children.get(parent_id, []), key=lambda o: (o.country, o.name)):
            rows.append(OfficeRow(office=office, depth=depth))
            walk(office.pk, depth + 1)

    walk(None, 0)
    return rows


def office_for_admin(actor: User, pk: int) -> Office:
    """One office the actor administers; 404 for any other."""
    office = administered_offices(actor).select_related("parent").filter(pk=pk).first()
    if office is None:
        raise Http404
    return office


def _with_offices(qs: QuerySet[Programme], office_ids) -> QuerySet[Programme]:
    offices = Office.objects.filter(pk__in=office_ids).order_by("country", "name")
    return qs.prefetch_related(Prefetch("offices", queryset=offices, to_attr="offices_in_reach"))


def programmes_for_admin(actor: User) -> QuerySet[Programme]:
    """Programmes running in at least one office the actor administers, with all their offices."""
    offices = access_for(actor).administer
    ids = Programme.objects.filter(offices__in=offices).values("pk")
    all_offices = Office.objects.order_by("country", "name")
    return (
        Programme.objects.filter(pk__in=ids)
        .prefetch_related(Prefetch("offices", queryset=all_offices))
        .order_by("-start_date", "name")
    )


def programme_for_admin(actor: User, pk: int) -> Programme:
    """One programme running in an office the actor administers; 404 for any other."""
    programme = programmes_for_admin(actor).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def offices_in_reach(actor: User) -> frozenset[int]:
    """Every office any of the user's roles reaches (sub-offices included for supervisory roles)."""
    access = access_for(actor)
    return access.identifying | access.pseudonymised | access.administer | access.partner


def offices_for(actor: User) -> QuerySet[Office]:
    return Office.objects.filter(pk__in=offices_in_reach(actor)).order_by("country", "name")


def programmes_for(actor: User) -> QuerySet[Programme]:
    """Programmes running in an office in the user's reach; `offices_in_reach` lists only those offices."""
    reach = offices_in_reach(actor)
    ids = Programme.objects.filter(offices__in=reach).values("pk")
    return _with_offices(Programme.objects.filter(pk__in=ids), reach).order_by("-start_date", "name")
