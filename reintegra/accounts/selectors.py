"""Scoped reads of users, memberships and tokens.

User management is for administrators only (`access.administer`, which reaches sub-offices).
Supervisors do not browse users: they see who did what in the audit trail, and the people
they work with in case assignment lists; keeping the user directory to administrators keeps
e-mail addresses and organisations out of casework screens. Everyone else gets 404.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from reintegra.accounts.access import access_for
from reintegra.accounts.models import ApiToken, Membership, Office, User


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
