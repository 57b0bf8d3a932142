"""'My account': identity, language preference, roles and personal API tokens."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from reintegra.accounts.models import ApiToken
from reintegra.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ACCOUNT = reverse("accounts:account")


def test_anonymous_user_is_sent_to_login(client):
    for url in [ACCOUNT, reverse("accounts:token_create")]:
        response = client.get(url) if url == ACCOUNT else client.post(url, {"name": "x"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "username", ["admin", "cm_dakar", "sup_dakar", "pm_dakar", "me_hq", "partner_dakar", "cp_dakar", "nobody"]
)
def test_every_role_sees_its_own_account_and_roles(client, cast, username):
    user = getattr(cast, username)
    client.force_login(user)
    response = client.get(ACCOUNT)
    assert response.status_code == 200
    html = response.content.decode()
    assert user.username in html
    for membership in user.memberships.all():
        assert escape(membership.get_role_display()) in html


def test_account_language_preference_is_saved_and_can_return_to_office_default(client, cast):
    client.force_login(cast.sup_dakar)
    response = client.post(ACCOUNT, {"language": "en"})
    assert response.status_code == 302
    cast.sup_dakar.refresh_from_db()
    assert cast.sup_dakar.language == "en"
    client.post(ACCOUNT, {"language": ""})
    cast.sup_dakar.refresh_from_db()
    assert cast.sup_dakar.language == ""
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.USER_UPDATED).count() == 2


def test_account_language_form_rejects_unknown_language(client, cast):
    client.force_login(cast.sup_dakar)
    response = client.post(ACCOUNT, {"language": "xx"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_token_is_shown_once_and_stored_as_a_digest(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(reverse("accounts:token_create"), {"name": "Kobo sync"})
    assert response.status_code == 200
    raw = re.search(r'<code class="new-token">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=cast.cm_dakar)
    assert token.digest == ApiToken.digest_of(raw)
    assert raw not in {token.digest, token.prefix, token.name}
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.TOKEN_CREATED)
    assert raw not in str(event.changes)
    assert event.actor == cast.cm_dakar
    assert raw not in client.get(ACCOUNT).content.decode()  # never again


def test_token_needs_a_name_and_keeps_the_page(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(reverse("accounts:token_create"), {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_user_revokes_own_token(client, cast):
    client.force_login(cast.cm_dakar)
    client.post(reverse("accounts:token_create"), {"name": "Kobo sync"})
    token = ApiToken.objects.get()
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.filter(subject_type="accounts.apitoken", event_type=AuditEvent.Type.TOKEN_REVOKED).get()
    assert event.changes["revoked_at"][0] is None


def test_it_hides_another_users_token(client, cast):
    client.force_login(cast.cm_dakar)
    client.post(reverse("accounts:token_create"), {"name": "Kobo sync"})
    token = ApiToken.objects.get()
    client.force_login(cast.admin)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_revoke_needs_a_post(client, cast):
    client.force_login(cast.cm_dakar)
    client.post(reverse("accounts:token_create"), {"name": "Kobo sync"})
    token = ApiToken.objects.get()
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


def test_a_new_token_opens_the_api_until_it_is_revoked(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(reverse("accounts:token_create"), {"name": "Kobo sync"})
    raw = re.search(r'<code class="new-token">([^<]+)</code>', response.content.decode()).group(1)
    client.logout()
    api = "/api/v1/cases"
    assert client.get(api, headers={"authorization": f"Bearer {raw}"}).status_code == 200
    token = ApiToken.objects.get()
    client.force_login(cast.cm_dakar)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    client.logout()
    assert client.get(api, headers={"authorization": f"Bearer {raw}"}).status_code == 401
