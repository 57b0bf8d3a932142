"""seed_demo on a fresh database: demo mode only, idempotence, passwords, the printed logins.

What the demo contains is checked on one shared seeded database in test_seed_demo_content.py.
"""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from reintegra.accounts.models import Membership, User
from reintegra.audit.models import AuditEvent
from reintegra.cases.models import Case, CaseNote, Consent, Person, Task
from reintegra.demo.management.commands.seed_demo import Command
from reintegra.directory.models import Agreement, CoverageArea, Organisation, PartnerProfile, Service
from reintegra.instruments.models import Flag, Response
from reintegra.plans.models import Activity, Disbursement, ExchangeRate, Plan, PlanDelayException
from reintegra.referrals.models import Referral
from reintegra.scoring.models import Score

pytestmark = pytest.mark.django_db

SMALL = 40


def seed(returnees: int = SMALL) -> str:
    out = io.StringIO()
    call_command("seed_demo", returnees=returnees, stdout=out)
    return out.getvalue()


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_it_refuses_to_run_outside_demo_mode():
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="demo mode"):
        seed()
    assert not User.objects.exists()


def test_running_it_twice_changes_nothing():
    seed()
    models = [User, Membership, Person, Case, Consent, CaseNote, Task, AuditEvent]
    models += [Response, Flag, Score, Organisation, Service, CoverageArea, Agreement, PartnerProfile]
    models += [ExchangeRate, Plan, Activity, Disbursement, PlanDelayException, Referral]
    before = {m.__name__: m.objects.count() for m in models}
    passwords = dict(User.objects.values_list("username", "password"))
    seed()
    assert {m.__name__: m.objects.count() for m in models} == before
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_a_small_demo_still_works():
    seed(returnees=1)
    assert Case.objects.count() == 1 and Organisation.objects.exists()


def test_a_new_demo_password_is_applied_on_the_next_run():
    seed(returnees=3)
    with override_settings(DEMO_PASSWORD="another-demo-password"):
        seed()
    assert user("cm.dakar").check_password("another-demo-password")


def test_it_prints_the_logins_and_the_password():
    out = seed(returnees=3)
    assert "cm.dakar" in out and settings.DEMO_PASSWORD in out


def test_the_full_demo_has_at_least_300_returnees():
    options = Command().create_parser("manage.py", "seed_demo").parse_args([])
    assert options.returnees >= 300
