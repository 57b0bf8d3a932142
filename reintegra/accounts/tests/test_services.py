"""The account services enforce scope themselves, whatever the caller (page or API)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.accounts.models import ApiToken, Role
from reintegra.accounts.services import (
    MembershipInput,
    membership_set,
    token_create,
    token_revoke,
    user_create,
    user_set_language,
    user_update,
)
from reintegra.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def account(user, **changes):
    fields = ["first_name", "last_name", "email", "language", "organisation", "is_active"]
    return {name: changes.get(name, getattr(user, name)) for name in fields}


@pytest.mark.parametrize("username", ["cm_dakar", "sup_dakar", "pm_dakar", "me_hq", "partner_dakar", "nobody"])
def test_only_administrators_create_users(cast, username):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=getattr(cast, username),
            username="x.new",
            password="a-long-new-passphrase",
            memberships=[MembershipInput(cast.dakar.pk, Role.CASE_MANAGER)],
        )


def test_it_refuses_a_membership_outside_the_administrators_offices(cast):
    membership_set(actor=cast.admin, user=cast.cm_dakar, memberships=[MembershipInput(cast.tamba.pk, Role.SUPERVISOR)])
    bamako_admin = cast.admin
    bamako_admin.memberships.filter(office=cast.dakar).delete()
    bamako_admin._reintegra_access = None
    with pytest.raises(PermissionDenied):
        membership_set(
            actor=bamako_admin, user=cast.cm_bamako, memberships=[MembershipInput(cast.dakar.pk, Role.ADMINISTRATOR)]
        )


def test_it_refuses_unknown_roles(cast):
    with pytest.raises(ValidationError):
        membership_set(actor=cast.admin, user=cast.cm_dakar, memberships=[MembershipInput(cast.dakar.pk, "king")])


def test_a_supervisor_cannot_update_an_account(cast):
    with pytest.raises(PermissionDenied):
        user_update(actor=cast.sup_dakar, user=cast.cm_dakar, **account(cast.cm_dakar, is_active=False))


def test_user_update_without_changes_writes_no_audit_event(cast):
    user_update(actor=cast.admin, user=cast.cm_dakar, **account(cast.cm_dakar))
    assert not AuditEvent.objects.exists()


def test_user_create_validates_the_username(cast):
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=cast.admin,
            username="bad name!",
            password="a-long-new-passphrase",
            memberships=[MembershipInput(cast.dakar.pk, Role.CASE_MANAGER)],
        )
    assert "username" in error.value.message_dict


def test_language_service_refuses_unknown_languages(cast):
    with pytest.raises(ValidationError):
        user_set_language(actor=cast.cm_dakar, language="xx")


def test_tokens_are_revoked_only_by_their_owner(cast):
    token, raw = token_create(actor=cast.cm_dakar, name="script")
    assert token.digest == ApiToken.digest_of(raw) and raw.startswith(token.prefix)
    with pytest.raises(PermissionDenied):
        token_revoke(actor=cast.admin, token=token)
    token_revoke(actor=cast.cm_dakar, token=token)
    first = token.revoked_at
    token_revoke(actor=cast.cm_dakar, token=token)  # twice is harmless
    assert token.revoked_at == first
