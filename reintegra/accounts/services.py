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

Programme set-up follows the same rule: an administrator adds sub-offices under the offices they
administer and edits those offices; they create programmes in their offices and edit a programme
only when they administer every office it runs in. Country offices and the first administrator
are created by the server operator (`manage.py create_office`, `create_administrator`; actor None).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import ApiToken, Membership, Office, Programme, Role, User
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


def _save_new_user(user: User, password: str) -> None:
    """Validate the account and the password (Django's password rules), then save with the hash."""
    user.full_clean(exclude=["password"])
    _check_password(password, user)
    user.set_password(password)
    user.save()


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
    _save_new_user(user, password)
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


# ------------------------------------------------------------------ first administrator (operator)


@transaction.atomic
def administrator_create(
    *, actor: User | None, username: str, password: str, office: Office, email: str = "", language: str = ""
) -> User:
    """An administrator of `office`: the server operator's bootstrap (actor None) or an administrator of it."""
    if actor is not None and not access_for(actor).may_administer(office.pk):
        raise PermissionDenied(_("You may only grant roles in offices you administer."))
    user = User(username=username.strip(), email=email.strip(), language=language)
    _save_new_user(user, password)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.USER_CREATED,
        subject=user,
        office=office,
        changes={"username": user.username, "email": user.email, "language": user.language},
    )
    Membership.objects.create(user=user, office=office, role=Role.ADMINISTRATOR)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.MEMBERSHIP_CHANGED,
        subject=user,
        office=office,
        changes={"roles": [[], [Role.ADMINISTRATOR.value]]},
    )
    return user


# ------------------------------------------------------------------ offices

OFFICE_FIELDS = ["name", "code", "country", "kind", "parent_id", "language"]
OFFICE_CODE = re.compile(r"^[A-Z0-9]{2,10}$")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def _code_in_case_numbers(country: str, code: str) -> bool:
    """True when case numbers already begin with COUNTRY-CODE- (an earlier code of some office)."""
    case_model = apps.get_model("cases", "Case")
    return case_model.objects.filter(number__startswith=f"{country}-{code}-").exists()


def _check_office(office: Office, *, new_prefix: bool) -> None:
    """Shape of the codes, one code per country, no reuse of a code found in case numbers, kind vs parent."""
    errors: dict[str, str] = {}
    if not COUNTRY_CODE.match(office.country):
        errors["country"] = _("Give the country as its two-letter ISO 3166 code, e.g. SN or ML.")
    if not OFFICE_CODE.match(office.code):
        errors["code"] = _("Give a code of 2 to 10 capital letters or digits, e.g. DKR.")
    elif Office.objects.filter(country=office.country, code=office.code).exclude(pk=office.pk).exists():
        errors["code"] = _("Another office in this country already uses the code %(code)s.") % {"code": office.code}
    elif new_prefix and "country" not in errors and _code_in_case_numbers(office.country, office.code):
        errors["code"] = _(
            "Case numbers beginning with %(prefix)s already exist: choose a code no office of this country has used."
        ) % {"prefix": f"{office.country}-{office.code}-"}
    if office.kind == Office.Kind.SUB and office.parent_id is None:
        errors["parent"] = _("A sub-office needs a parent office.")
    if office.kind == Office.Kind.COUNTRY and office.parent_id is not None:
        errors["parent"] = _("A country office has no parent office.")
    if errors:
        raise ValidationError(errors)
    office.full_clean()


def _set_office_fields(office: Office, *, name: str, code: str, country: str, language: str) -> None:
    office.name = name.strip()
    office.code = code.strip().upper()
    office.country = country.strip().upper()
    office.language = language


@transaction.atomic
def office_create(
    *,
    actor: User | None,
    name: str,
    code: str,
    country: str,
    language: str = "fr",
    kind: str | None = None,
    parent: Office | None = None,
) -> Office:
    """A new office. Administrators add sub-offices under offices they administer; country
    offices come from the server operator (actor None, `manage.py create_office`)."""
    kind = kind or (Office.Kind.SUB if parent is not None else Office.Kind.COUNTRY)
    if actor is not None:
        if kind != Office.Kind.SUB:
            raise PermissionDenied(_("Country offices are created by the server operator (manage.py create_office)."))
        if parent is None or not access_for(actor).may_administer(parent.pk):
            raise PermissionDenied(_("You may only add sub-offices under an office you administer."))
    office = Office(kind=kind, parent=parent)
    _set_office_fields(office, name=name, code=code, country=country, language=language)
    _check_office(office, new_prefix=True)
    office.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.OFFICE_CREATED,
        subject=office,
        office=office,
        changes=snapshot(office, OFFICE_FIELDS),
    )
    if actor is not None:
        actor._reintegra_access = None  # a new office below one they administer: recompute
    return office


def _check_placement(actor: User, office: Office, kind: str, parent: Office | None) -> None:
    """A sub-office stays where it is or moves under another office the actor administers, never below itself;
    it becomes a country office only if the actor administers it directly (they keep it)."""
    if kind == Office.Kind.COUNTRY:
        direct = Membership.objects.filter(user=actor, office=office, role=Role.ADMINISTRATOR).exists()
        if not direct:
            raise ValidationError(
                {"kind": _("Only an administrator of this office itself may make it a country office.")}
            )
        return
    if parent is None:
        raise ValidationError({"parent": _("A sub-office needs a parent office.")})
    if parent.pk != office.parent_id and not access_for(actor).may_administer(parent.pk):
        raise ValidationError({"parent": _("Choose a parent office you administer.")})
    if parent.pk in office.descendant_ids():
        raise ValidationError({"parent": _("An office cannot be placed under itself or one of its sub-offices.")})


@transaction.atomic
def office_update(
    *,
    actor: User,
    office: Office,
    name: str,
    code: str,
    country: str,
    language: str,
    kind: str | None = None,
    parent: Office | None = None,
) -> Office:
    """Change an office the actor administers. Kind and parent change only for sub-offices.

    Case numbers already given keep the old code; new ones use the new code."""
    if not access_for(actor).may_administer(office.pk):
        raise PermissionDenied(_("You may only change offices you administer."))
    before = snapshot(office, OFFICE_FIELDS)
    if office.kind == Office.Kind.SUB:
        kind = kind or Office.Kind.SUB
        _check_placement(actor, office, kind, parent)
        office.kind, office.parent = kind, (parent if kind == Office.Kind.SUB else None)
    _set_office_fields(office, name=name, code=code, country=country, language=language)
    new_prefix = (office.country, office.code) != (before["country"], before["code"])
    _check_office(office, new_prefix=new_prefix)
    changes = diff_fields(office, before, OFFICE_FIELDS)
    if changes:
        office.save()
        audit_record(
            actor=actor, event_type=AuditEvent.Type.OFFICE_UPDATED, subject=office, office=office, changes=changes
        )
        actor._reintegra_access = None  # the tree may have changed
    return office


# ------------------------------------------------------------------ programmes

PROGRAMME_FIELDS = [
    "name",
    "code",
    "currency",
    "start_date",
    "end_date",
    "per_returnee_cap",
    "cash_approval_threshold",
    "plan_due_days",
]
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class ProgrammeInput:
    """A programme's own fields (its offices are passed separately)."""

    name: str
    code: str
    currency: str
    start_date: date
    end_date: date | None = None
    per_returnee_cap: Decimal | None = None
    cash_approval_threshold: Decimal | None = None
    plan_due_days: int = 30


def may_edit_programme(actor: User, programme: Programme) -> bool:
    """True when the actor administers every office the programme runs in (and it runs in some)."""
    offices = {o.pk for o in programme.offices.all()}
    return bool(offices) and offices <= access_for(actor).administer


def _require_offices(actor: User, offices: list[Office]) -> None:
    if not offices:
        raise ValidationError({"offices": _("Choose at least one office.")})
    if not {o.pk for o in offices} <= access_for(actor).administer:
        raise PermissionDenied(_("A programme may only run in offices you administer."))


def _check_programme(programme: Programme) -> None:
    errors: dict[str, str] = {}
    if not CURRENCY_CODE.match(programme.currency):
        errors["currency"] = _("Give the currency as its three-letter ISO 4217 code, e.g. XOF or EUR.")
    if Programme.objects.filter(code=programme.code).exclude(pk=programme.pk).exists():
        errors["code"] = _("Another programme already uses the code %(code)s.") % {"code": programme.code}
    if programme.end_date and programme.start_date and programme.end_date < programme.start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    for name in ["per_returnee_cap", "cash_approval_threshold"]:
        if getattr(programme, name) is not None and getattr(programme, name) < 0:
            errors[name] = _("Give zero or a positive amount.")
    if not 1 <= (programme.plan_due_days or 0) <= 365:
        errors["plan_due_days"] = _("Give a number of days from 1 to 365.")
    if errors:
        raise ValidationError(errors)
    programme.full_clean()


def _set_programme_fields(programme: Programme, data: ProgrammeInput) -> None:
    for name in PROGRAMME_FIELDS:
        setattr(programme, name, getattr(data, name))
    programme.name, programme.code = data.name.strip(), data.code.strip()
    programme.currency = data.currency.strip().upper()
    for name in ["per_returnee_cap", "cash_approval_threshold"]:
        amount = getattr(data, name)
        if (
            amount is not None and amount.is_finite() and amount.adjusted() < 12
        ):  # 100 and 100.00 compare equal in the audit
            setattr(programme, name, amount.quantize(CENTS))


def _office_ids(offices: Iterable[Office]) -> list[int]:
    return sorted(o.pk for o in offices)


@transaction.atomic
def programme_create(*, actor: User, data: ProgrammeInput, offices: Iterable[Office]) -> Programme:
    """A programme running in offices the actor administers (all of them)."""
    offices = list(offices)
    _require_offices(actor, offices)
    programme = Programme()
    _set_programme_fields(programme, data)
    _check_programme(programme)
    programme.save()
    programme.offices.set(offices)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.PROGRAMME_CREATED,
        subject=programme,
        office=_office(min(o.pk for o in offices)),
        changes={**snapshot(programme, PROGRAMME_FIELDS), "offices": _office_ids(offices)},
    )
    return programme


@transaction.atomic
def programme_update(
    *, actor: User, programme: Programme, data: ProgrammeInput, offices: Iterable[Office]
) -> Programme:
    """Change a programme; only an administrator of every one of its offices (old and new) may."""
    if not may_edit_programme(actor, programme):
        raise PermissionDenied(_("Only an administrator of every office of this programme may change it."))
    offices = list(offices)
    _require_offices(actor, offices)
    before = snapshot(programme, PROGRAMME_FIELDS)
    old_offices = _office_ids(programme.offices.all())
    _set_programme_fields(programme, data)
    _check_programme(programme)
    changes = diff_fields(programme, before, PROGRAMME_FIELDS)
    if old_offices != _office_ids(offices):
        changes["offices"] = [old_offices, _office_ids(offices)]
    if changes:
        programme.save()
        programme.offices.set(offices)
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.PROGRAMME_UPDATED,
            subject=programme,
            office=_office(min(o.pk for o in offices)),
            changes=changes,
        )
    return programme
