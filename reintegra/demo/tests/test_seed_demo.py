"""seed_demo: the demo world, its users and roles, realistic cases, and idempotence."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from reintegra.accounts.models import Membership, Office, Programme, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.cases import selectors
from reintegra.cases.models import Case, CaseNote, Consent, ConsentStatus, Person, Stage, Task
from reintegra.demo.management.commands.seed_demo import Command

pytestmark = pytest.mark.django_db

SMALL = 40


def seed(returnees: int = SMALL) -> str:
    out = io.StringIO()
    call_command("seed_demo", returnees=returnees, stdout=out)
    return out.getvalue()


def user(username: str) -> User:
    return User.objects.get(username=username)


def roles_of(username: str) -> set[tuple[str, str]]:
    return set(Membership.objects.filter(user__username=username).values_list("office__code", "role"))


def test_it_refuses_to_run_outside_demo_mode():
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="demo mode"):
        seed()
    assert not User.objects.exists()


def test_it_creates_each_demo_user_with_the_demo_password_and_role():
    seed()
    assert roles_of("admin") == {("DKR", Role.ADMINISTRATOR), ("BKO", Role.ADMINISTRATOR)}
    assert roles_of("cm.dakar") == {("DKR", Role.CASE_MANAGER)}
    assert roles_of("cm.tamba") == {("TBA", Role.CASE_MANAGER)}
    assert roles_of("cm.bamako") == {("BKO", Role.CASE_MANAGER)}
    assert roles_of("sup.dakar") == {("DKR", Role.SUPERVISOR)}
    assert roles_of("pm.dakar") == {("DKR", Role.PROGRAMME_MANAGER)}
    assert roles_of("me.hq") == {("DKR", Role.ME_OFFICER), ("BKO", Role.ME_OFFICER)}
    assert roles_of("partner.dakar") == {("DKR", Role.PARTNER)}
    assert roles_of("cp.dakar") == {("DKR", Role.CHILD_PROTECTION)}
    assert user("partner.dakar").organisation == "ONG Jappo Liggeey"
    assert all(u.check_password(settings.DEMO_PASSWORD) for u in User.objects.all())


def test_it_builds_the_office_tree_and_programmes():
    seed()
    tamba = Office.objects.get(code="TBA")
    assert tamba.parent.code == "DKR" and tamba.country == "SN" and tamba.language == "fr"
    assert Office.objects.get(code="BKO").country == "ML"
    assert set(Programme.objects.values_list("currency", flat=True)) == {"XOF"}
    assert not Case.objects.filter(programme__isnull=True).exists()


def test_running_it_twice_changes_nothing():
    seed()
    models = [User, Membership, Person, Case, Consent, CaseNote, Task, AuditEvent]
    before = {m.__name__: m.objects.count() for m in models}
    passwords = dict(User.objects.values_list("username", "password"))
    seed()
    assert {m.__name__: m.objects.count() for m in models} == before
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_a_new_demo_password_is_applied_on_the_next_run():
    seed()
    with override_settings(DEMO_PASSWORD="another-demo-password"):
        seed()
    assert user("cm.dakar").check_password("another-demo-password")


def test_it_covers_every_stage_with_notes_tasks_and_consents():
    seed()
    assert Case.objects.count() == SMALL
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Case.objects.filter(stage=Stage.CLOSED).exclude(closure_reason="").exists()
    assert Case.objects.filter(assigned_to__isnull=True).exists()
    assert Person.objects.filter(relationship="child").exists()
    assert CaseNote.objects.exists()
    assert Task.objects.filter(status=Task.Status.OPEN, due_date__lt=date.today()).exists()
    assert Consent.objects.filter(status=ConsentStatus.GIVEN).exists()


def test_every_case_has_its_audit_trail():
    seed()
    opened = AuditEvent.objects.filter(event_type=AuditEvent.Type.CASE_OPENED)
    assert opened.count() == Case.objects.count()
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.CASE_CLOSED).exists()


def test_registering_mamadu_dialo_born_1994_warns_about_mamadou_diallo():
    seed()
    candidates = selectors.duplicate_candidates(
        user("cm.dakar"), given_names="Mamadu", family_name="Dialo", birth_date=date(1994, 1, 1)
    )
    assert [(c.person.full_name, c.person.birth_date) for c in candidates][:1] == [
        ("Mamadou Diallo", date(1994, 3, 12))
    ]


def test_the_bamako_case_manager_sees_no_senegal_case():
    seed()
    assert not selectors.cases_for(user("cm.bamako")).exclude(office__code="BKO").exists()
    assert selectors.cases_for(user("cm.bamako")).exists()
    assert set(selectors.cases_for(user("me.hq")).values_list("office__code", flat=True)) == {"DKR", "TBA", "BKO"}
    assert not selectors.cases_for(user("admin")).exists()


def test_it_prints_the_logins_and_the_password():
    out = seed()
    assert "cm.dakar" in out and settings.DEMO_PASSWORD in out


def test_the_full_demo_has_at_least_300_returnees():
    options = Command().create_parser("manage.py", "seed_demo").parse_args([])
    assert options.returnees >= 300
