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
from reintegra.children.models import Assessment as BestInterestsAssessment
from reintegra.children.models import Determination, Procedure, Step
from reintegra.community.models import Community, CommunityProfile, CommunityProject, CriterionRating, Participant
from reintegra.demo.management.commands.seed_demo import Command
from reintegra.directory.models import Agreement, CoverageArea, Organisation, PartnerProfile, Service
from reintegra.instruments.models import Flag, Response
from reintegra.plans.models import Activity, Disbursement, ExchangeRate, Plan, PlanDelayException
from reintegra.referrals.models import Referral
from reintegra.scoring.models import Score
from reintegra.structural.models import Agreement as StructuralAgreement
from reintegra.structural.models import CapacityActivity, CoordinationBody, Discussion, Meeting, Stakeholder

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
    models += [Procedure, BestInterestsAssessment, Step, Determination]
    models += [Community, CommunityProfile, CriterionRating, CommunityProject, Participant]
    models += [Stakeholder, Discussion, StructuralAgreement, CapacityActivity, CoordinationBody, Meeting]
    before = {m.__name__: m.objects.count() for m in models}
    passwords = dict(User.objects.values_list("username", "password"))
    seed()
    assert {m.__name__: m.objects.count() for m in models} == before
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_a_small_demo_still_works():
    seed(returnees=1)
    assert Case.objects.filter(is_child=False).count() == 1 and Organisation.objects.exists()


def test_a_demo_without_a_child_case_in_dakar_gets_one_for_the_best_interests_procedure():
    seed(returnees=1)
    child = Case.objects.get(is_child=True)
    assert child.office.code == "DKR" and child.assigned_to.username == "cp.dakar"
    assert child.person.household.members.count() == 2  # the child and the mother
    assert Procedure.objects.get().case == child and Determination.objects.count() == 1


def test_an_earlier_demo_gains_the_children_and_community_parts_on_the_next_run():
    seed(returnees=3)
    Participant.objects.all().delete()
    CommunityProject.objects.all().delete()
    Community.objects.all().delete()
    Determination.objects.all().delete()
    Step.objects.all().delete()
    BestInterestsAssessment.objects.all().delete()
    Procedure.objects.all().delete()
    cases = Case.objects.count()
    out = seed()
    assert Procedure.objects.exists() and Community.objects.count() == 2
    assert Case.objects.count() == cases
    assert "Best-interests procedures: 1 child case" in out and "Communities: 2 communities" in out


def test_an_earlier_demo_gains_the_structural_part_on_the_next_run():
    seed(returnees=3)
    Meeting.objects.all().delete()
    CoordinationBody.objects.all().delete()
    CapacityActivity.objects.all().delete()
    StructuralAgreement.objects.all().delete()
    Stakeholder.objects.all().delete()
    cases = Case.objects.count()
    out = seed()
    assert Stakeholder.objects.count() == 6 and Meeting.objects.count() == 2
    assert Case.objects.count() == cases
    assert "Structural level: 6 stakeholders in Dakar" in out


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
