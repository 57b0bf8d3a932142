"""Writes to users, memberships and API tokens. Each service checks the actor's right,
validates, saves and audits in one transaction.

Office administrators (`access.administer`, which reaches sub-offices) manage the users of
their offices:
- memberships: an administrator grants and removes roles only in offices they administer;
  memberships in other offices are left untouched;
- the account itself (names, e-mail, language, organisation, active flag, password): only when
  the administrator administers *every* office the user belongs to, so that a Bamako
  administrator cannot lock out someone who also works for Dakar.
Accounts are deactivated, never deleted.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import ApiToken, Membership, Office, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record, diff_fields, snapshot

ACCOUNT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "language",
    "organisation",
    "is_mental_health_professional",
    "professional_qualification",
    "is_active",
]


@dataclass(frozen=True)
class MembershipInput:
    """One role in one office."""

    office_id: int
    role: str


def may_edit_account(actor: User, user: User) -> bool:
    """True when the actor administers every office the user belongs to (and the user has some)."""
    if user.is_superuser and not actor.is_superuser:
        return False
    offices = {m.office_id for m in user.memberships.all()}
    return bool(offices) and offices <= access_for(actor).administer


def _require_account_control(actor: User, user: User) -> None:
    if not may_edit_account(actor, user):
        raise PermissionDenied(_("Only an administrator of every office of this user may change the account."))


def _primary_office_id(user: User, within: Iterable[int] | None = None) -> int | None:
    """The office an event about this user is filed under: their first membership (in scope)."""
    offices = sorted(m.office_id for m in user.memberships.all() if within is None or m.office_id in within)
    return offices[0] if offices else None


def _office(office_id: int | None) -> Office | None:
    """An office reference for the audit event, without loading the row."""
    return Office(pk=office_id) if office_id else None


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def _check_professional(user: User) -> None:
    """A mental-health professional may decide the consent exception: their qualification is recorded with it."""
    if user.is_mental_health_professional and not user.professional_qualification:
        raise ValidationError({"professional_qualification": _("Give the professional qualification.")})


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    memberships: Iterable[MembershipInput],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "",
    organisation: str = "",
    is_mental_health_professional: bool = False,
    professional_qualification: str = "",
) -> User:
    """Create an active user with at least one membership in offices the actor administers."""
    memberships = set(memberships)
    if not access_for(actor).administer:
        raise PermissionDenied(_("Only an administrator may create users."))
    if not memberships:
        raise ValidationError({"memberships": _("Give the user at least one role in an office.")})
    user = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        language=language,
        organisation=organisation.strip(),
        is_mental_health_professional=is_mental_health_professional,
        professional_qualification=professional_qualification.strip(),
    )
    _check_professional(user)
    user.full_clean(exclude=["password"])
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.USER_CREATED,
        subject=user,
        office=_office(min(m.office_id for m in memberships)),
        changes={name: getattr(user, name) for name in ["username", *ACCOUNT_FIELDS[:-1]]},
    )
    membership_set(actor=actor, user=user, memberships=memberships)
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    organisation: str,
    is_active: bool,
    new_password: str = "",
    is_mental_health_professional: bool = False,
    professional_qualification: str = "",
) -> User:
    """Change a user's account; deactivation replaces deletion. A new password is optional."""
    _require_account_control(actor, user)
    if user.pk == actor.pk and not is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    before = snapshot(user, ACCOUNT_FIELDS)
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.email, user.organisation = email.strip(), organisation.strip()
    user.language, user.is_active = language, is_active
    user.is_mental_health_professional = is_mental_health_professional
    user.professional_qualification = professional_qualification.strip()
    _check_professional(user)
    user.full_clean(exclude=["password"])
    changes = diff_fields(user, before, ACCOUNT_FIELDS)
    if new_password:
        _check_password(new_password, user, field="new_password")
        user.set_password(new_password)
        changes["password_changed"] = True
    user.save()
    if changes:
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.USER_UPDATED,
            subject=user,
            office=_office(_primary_office_id(user, access_for(actor).administer)),
            changes=changes,
        )
    return user


@transaction.atomic
def membership_set(*, actor: User, user: User, memberships: Iterable[MembershipInput]) -> list[Membership]:
    """Make the user's roles in the actor's offices exactly `memberships`; other offices keep theirs.

    One MEMBERSHIP_CHANGED event per office whose roles changed, with the roles old -> new.
    """
    scope = access_for(actor).administer
    wanted = set(memberships)
    outside = [m for m in wanted if m.office_id not in scope]
    if outside:
        raise PermissionDenied(_("You may only grant roles in offices you administer."))
    if any(m.role not in Role.values for m in wanted):
        raise ValidationError({"memberships": _("Choose roles from the list.")})
    if user.pk == actor.pk:
        kept_admin = {m.office_id for m in wanted if m.role == Role.ADMINISTRATOR}
        lost = {m.office_id for m in user.memberships.filter(role=Role.ADMINISTRATOR, office_id__in=scope)} - kept_admin
        if lost:
            raise ValidationError({"memberships": _("You cannot remove your own administrator role.")})
    current = list(user.memberships.filter(office_id__in=scope))
    have = {MembershipInput(m.office_id, m.role) for m in current}
    for membership in current:
        if MembershipInput(membership.office_id, membership.role) not in wanted:
            membership.delete()
    for item in sorted(wanted - have, key=lambda m: (m.office_id, m.role)):
        membership = Membership(user=user, office_id=item.office_id, role=item.role)
        membership.full_clean()
        membership.save()
    for office_id in sorted({m.office_id for m in have ^ wanted}):
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.MEMBERSHIP_CHANGED,
            subject=user,
            office=_office(office_id),
            changes={
                "roles": [
                    sorted(m.role for m in have if m.office_id == office_id),
                    sorted(m.role for m in wanted if m.office_id == office_id),
                ]
            },
        )
    user._reintegra_access = None  # roles changed: recompute on next use
    return list(user.memberships.select_related("office"))


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """Save the signed-in user's own interface language ("" means the office's language)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language from the list.")})
    before = snapshot(actor, ["language"])
    actor.language = language
    changes = diff_fields(actor, before, ["language"])
    if changes:
        actor.save(update_fields=["language"])
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.USER_UPDATED,
            subject=actor,
            office=_office(_primary_office_id(actor)),
            changes=changes,
        )
    return actor


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token; returns it with the raw secret, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the tool that will use it.")})
    raw = ApiToken.generate()
    token = ApiToken(user=actor, name=name, digest=ApiToken.digest_of(raw), prefix=raw[:8])
    token.full_clean(exclude=["digest", "prefix"])
    token.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.TOKEN_CREATED,
        subject=token,
        office=_office(_primary_office_id(actor)),
        changes={"name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (audited: revoked_at old -> new)."""
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You may only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.TOKEN_REVOKED,
            subject=token,
            office=_office(_primary_office_id(actor)),
            changes={"token": token.prefix, "revoked_at": [None, token.revoked_at]},
        )
    return token
