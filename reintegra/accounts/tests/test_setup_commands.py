"""The server operator's first-run commands: create_office and create_administrator."""

import getpass
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Office, Role, User
from reintegra.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
STRONG = "kolda-casamance-2026"


@pytest.fixture(autouse=True)
def production(settings, monkeypatch):
    """Outside demo mode, as on a fresh production server; no password in the environment."""
    settings.DEMO_MODE = False
    monkeypatch.delenv("REINTEGRA_ADMIN_PASSWORD", raising=False)


@pytest.fixture
def typed(monkeypatch):
    """`typed("a", "b")`: the answers given to the two password prompts."""

    def answers(*values):
        replies = iter(values)
        monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(replies))

    return answers


def run(name, *args) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_operator_creates_a_country_office_outside_demo_mode():
    output = run("create_office", "--name", "Dakar", "--code", "dkr", "--country", "sn")
    office = Office.objects.get()
    assert (office.name, office.code, office.country, office.kind, office.parent) == (
        "Dakar",
        "DKR",
        "SN",
        Office.Kind.COUNTRY,
        None,
    )
    assert "SN-DKR" in output
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.OFFICE_CREATED)
    assert event.actor is None and event.office_id == office.pk and event.changes["code"] == "DKR"


def test_operator_creates_a_sub_office_by_parent_reference_or_id():
    run("create_office", "--name", "Dakar", "--code", "DKR", "--country", "SN", "--language", "fr")
    dakar = Office.objects.get(code="DKR")
    run("create_office", "--name", "Tambacounda", "--code", "TBA", "--country", "SN", "--parent", "sn-dkr")
    run("create_office", "--name", "Kolda", "--code", "KLD", "--country", "SN", "--parent-id", str(dakar.pk))
    assert set(dakar.children.values_list("code", flat=True)) == {"TBA", "KLD"}
    assert set(dakar.children.values_list("kind", flat=True)) == {Office.Kind.SUB}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--code", "DKR", "--country", "SN"], "already uses the code DKR"),
        (["--code", "THS", "--country", "SEN"], "two-letter"),
        (["--code", "THS", "--country", "S1"], "two-letter"),
        (["--code", "T-S", "--country", "SN"], "capital letters or digits"),
        (["--code", "THS", "--country", "SN", "--parent", "SN-XXX"], "There is no office SN-XXX"),
        (["--code", "THS", "--country", "SN", "--parent-id", "999999"], "no office with the id 999999"),
        (["--code", "THS", "--country", "SN", "--kind", "sub"], "needs a parent"),
    ],
)
def test_create_office_explains_each_refusal(args, message):
    run("create_office", "--name", "Dakar", "--code", "DKR", "--country", "SN")
    with pytest.raises(CommandError, match=message):
        run("create_office", "--name", "Thiès", *args)
    assert Office.objects.count() == 1


def test_create_office_speaks_the_operators_language():
    run("create_office", "--name", "Dakar", "--code", "DKR", "--country", "SN")
    from django.utils import translation

    with translation.override("fr"), pytest.raises(CommandError, match="utilise déjà le code DKR"):
        run("create_office", "--name", "Dakar 2", "--code", "DKR", "--country", "SN")


@pytest.fixture
def dakar():
    return Office.objects.create(name="Dakar", code="DKR", country="SN")


def test_operator_creates_the_first_administrator_who_administers_the_office_tree(dakar, typed):
    tamba = Office.objects.create(name="Tambacounda", code="TBA", country="SN", kind=Office.Kind.SUB, parent=dakar)
    typed(STRONG, STRONG)
    output = run("create_administrator", "--username", "awa.admin", "--office", "SN-DKR", "--email", "awa@example.org")
    assert "awa.admin" in output
    user = authenticate(username="awa.admin", password=STRONG)
    assert user is not None and user.email == "awa@example.org"
    assert list(user.memberships.values_list("office_id", "role")) == [(dakar.pk, Role.ADMINISTRATOR)]
    assert access_for(user).administer == {dakar.pk, tamba.pk}
    created, roles = AuditEvent.objects.filter(subject_id=str(user.pk)).order_by("id")
    assert (created.event_type, created.actor, created.office_id) == (AuditEvent.Type.USER_CREATED, None, dakar.pk)
    assert roles.event_type == AuditEvent.Type.MEMBERSHIP_CHANGED and roles.changes == {
        "roles": [[], ["administrator"]]
    }


def test_the_password_may_come_from_the_environment_for_scripts(dakar, monkeypatch):
    monkeypatch.setenv("REINTEGRA_ADMIN_PASSWORD", STRONG)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": pytest.fail("no prompt expected"))
    run("create_administrator", "--username", "ops", "--office", "SN-DKR", "--language", "en")
    assert User.objects.get(username="ops").language == "en"


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "too short"), ("12345678901", "entirely numeric"), ("password123", "too common")],
)
def test_a_weak_password_is_refused_and_no_account_is_left(dakar, typed, password, message):
    typed(password, password)
    with pytest.raises(CommandError, match=message):
        run("create_administrator", "--username", "awa.admin", "--office", "SN-DKR")
    assert not User.objects.filter(username="awa.admin").exists()
    assert not AuditEvent.objects.exists()


def test_mismatched_passwords_are_refused(dakar, typed):
    typed(STRONG, STRONG + "x")
    with pytest.raises(CommandError, match="differ"):
        run("create_administrator", "--username", "awa.admin", "--office", "SN-DKR")
    assert not User.objects.exists()


def test_a_duplicate_username_is_refused_before_asking_the_password(dakar, monkeypatch):
    User.objects.create_user(username="awa.admin", password=STRONG)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": pytest.fail("no prompt expected"))
    with pytest.raises(CommandError, match="already exists"):
        run("create_administrator", "--username", "awa.admin", "--office", "SN-DKR")
    assert User.objects.count() == 1


def test_an_unknown_office_is_refused(dakar, typed):
    typed(STRONG, STRONG)
    with pytest.raises(CommandError, match="There is no office ML-BKO"):
        run("create_administrator", "--username", "awa.admin", "--office", "ML-BKO")
    assert not User.objects.exists()
