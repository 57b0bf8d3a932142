"""Signing in and out, and switching the interface language."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from reintegra.accounts.models import Membership, Role
from reintegra.audit.models import AuditEvent
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def sign_in(client, username, **extra):
    return client.post(LOGIN, {"username": username, "password": PASSWORD, **extra})


def test_login_page_works_without_javascript_for_anonymous_users(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html and 'name="username"' in html and 'name="password"' in html
    assert "<script" not in html.split("</head>")[1]  # the form needs no script to work


def test_login_page_is_in_french_by_default(client, settings):
    settings.LANGUAGE_CODE = "fr"
    response = client.get(LOGIN)
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.parametrize("username", ["cm_dakar", "sup_dakar", "pm_dakar", "me_hq", "cp_dakar"])
def test_it_sends_case_roles_to_their_caseload(client, cast, username):
    response = sign_in(client, getattr(cast, username).username)
    assert response.status_code == 302
    assert response.url == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_it_sends_an_administrator_to_the_user_list(client, cast):
    response = sign_in(client, "admin")
    assert response.url == reverse("accounts:user_list")


@pytest.mark.parametrize("username", ["partner.dakar", "nobody"])
def test_it_sends_users_without_case_access_to_their_account(client, cast, username):
    response = sign_in(client, username)
    assert response.url == reverse("accounts:account")
    page = client.get(response.url)
    assert page.status_code == 200


def test_partner_account_page_shows_organisation_and_language(client, cast):
    sign_in(client, "partner.dakar")
    html = client.get(reverse("accounts:account")).content.decode()
    assert "ONG Jappo" in html
    assert 'name="language"' in html


def test_it_follows_a_safe_next_and_ignores_an_external_one(client, cast):
    assert sign_in(client, "admin", next="/accounts/me/").url == "/accounts/me/"
    client.logout()
    assert sign_in(client, "admin", next="https://evil.example/").url == reverse("accounts:user_list")


def test_wrong_password_keeps_the_username_and_says_why(client, cast):
    response = client.post(LOGIN, {"username": "cm.dakar", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="cm.dakar"' in html
    assert "errorlist" in html


def test_a_deactivated_user_cannot_sign_in(client, cast):
    cast.cm_dakar.is_active = False
    cast.cm_dakar.save()
    response = sign_in(client, "cm.dakar")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(client, cast):
    client.force_login(cast.cm_dakar)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_anonymous_user_switches_language_by_cookie(client, cast):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": LOGIN})
    assert response.url == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get(LOGIN)["Content-Language"] == "en"


def test_language_switch_persists_on_the_user_and_is_audited(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(reverse("accounts:set_language"), {"language": "fr", "next": "/accounts/me/"})
    assert response.url == "/accounts/me/"
    cast.cm_dakar.refresh_from_db()
    assert cast.cm_dakar.language == "fr"
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.USER_UPDATED, subject_id=str(cast.cm_dakar.pk))
    assert event.changes == {"language": ["", "fr"]}
    assert event.office_id == cast.dakar.pk
    # A new session on another browser comes up in the saved language.
    client.logout()
    client.cookies.clear()
    client.force_login(cast.cm_dakar)
    assert client.get(reverse("accounts:account"))["Content-Language"] == "fr"


def test_language_switch_refuses_an_external_next_and_unknown_languages(client, cast):
    client.force_login(cast.cm_dakar)
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.url == "/"
    cast.cm_dakar.refresh_from_db()
    assert cast.cm_dakar.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_language_switch_needs_a_post(client):
    assert client.get(reverse("accounts:set_language")).status_code == 405


def test_user_language_beats_the_office_language(client, cast):
    Membership.objects.filter(user=cast.cm_bamako).delete()
    Membership.objects.create(user=cast.cm_bamako, office=cast.bamako, role=Role.CASE_MANAGER)
    cast.bamako.language = "fr"
    cast.bamako.save()
    client.force_login(cast.cm_bamako)
    assert client.get(reverse("accounts:account"))["Content-Language"] == "fr"
    client.post(reverse("accounts:set_language"), {"language": "en"})
    assert client.get(reverse("accounts:account"))["Content-Language"] == "en"
